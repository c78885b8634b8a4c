#!/usr/bin/env python3
"""Snapshots per second of the Python client over HTTPS: one kept connection (dyson_monitor.Client now)
against a new TCP connection and TLS handshake per request (urllib, as the client sent them before), the
same snapshots to the same monitor in the same run. After a short warm-up of each, the two alternate,
ROUNDS times each, so that a change of the shared machine's load hits both; each figure is the best
round's. One sending thread, policy ``latest`` (every snapshot is answered 202 at once; the monitor may
skip queued ones).

Usage:
  python3 bench/python_client_https.py --monitor bin/dyson-monitor   # starts its own HTTPS monitor (certs, token)
  python3 bench/python_client_https.py --url https://HOST:PORT --ca-file ca.crt --token TOKEN
Options: --sizes 64,256 (n of the n×n float32 layers), --seconds 5 (per round), --rounds 2.
Prints a Markdown table and the load average at the start and the end.
"""

import argparse
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
from dyson_monitor import Client, __version__  # noqa: E402
from dyson_monitor.encoding import encode_npy  # noqa: E402


def per_request_poster(url, ca_file, token):
    """POSTs a snapshot exactly as the urllib client did: a new opener connection (and handshake) each time."""
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))
    headers = {"Accept": "application/json", "User-Agent": f"dyson-monitor-python/{__version__}",
               "Content-Type": "application/octet-stream", "Authorization": f"Bearer {token}"}

    def post(run, layer, step, weights):
        path = f"/api/v1/runs/{run}/layers/{layer}/snapshots?" + urllib.parse.urlencode({"step": step})
        request = urllib.request.Request(url + path, data=encode_npy(weights), headers=headers, method="POST")
        with opener.open(request, timeout=30) as response:
            response.read()
            if response.status != 202:
                raise RuntimeError(f"HTTP {response.status}")
    return post


def kept_poster(url, ca_file, token):
    client = Client(url, token=token, ca_file=ca_file, timeout=30)

    def post(run, layer, step, weights):
        client.post_snapshot(run, layer, step, weights)
        if client.last_status != 202:
            raise RuntimeError(f"HTTP {client.last_status}")
    return post, client


def round_of(post, run, layer, weights, seconds, first_step):
    """Snapshots per second and the median seconds per request of one round."""
    times = []
    step = first_step
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        post(run, layer, step, weights)
        times.append(time.perf_counter() - t0)
        step += 1
    return len(times) / sum(times), float(np.median(times)), step


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_monitor(launcher, work):
    """`certs` and `serve` over HTTPS with an ingest token, in ``work``; (process, url, ca_file, token)."""
    subprocess.run([launcher, "certs", "--out", os.path.join(work, "certs"), "--node", "localhost,127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL)
    token = secrets.token_hex(16)
    with open(os.path.join(work, "tokens"), "w") as f:
        f.write(f"ingest {token}\n")
    port = free_port()
    log = open(os.path.join(work, "monitor.log"), "w")
    process = subprocess.Popen([launcher, "serve", "--port", str(port), "--no-store",
                                "--token-file", os.path.join(work, "tokens"),
                                "--tls-cert", os.path.join(work, "certs", "localhost.crt"),
                                "--tls-key", os.path.join(work, "certs", "localhost.key")],
                               stdout=log, stderr=subprocess.STDOUT)
    url, ca_file = f"https://localhost:{port}", os.path.join(work, "certs", "ca.crt")
    probe = Client(url, token=token, ca_file=ca_file, timeout=5)
    deadline = time.monotonic() + 120
    while True:
        try:
            probe.runs()
            probe.close()
            return process, url, ca_file, token
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("the monitor did not start within 120 s; see " + log.name)
            time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--monitor", help="a dyson-monitor launcher: start an HTTPS monitor of its own")
    parser.add_argument("--url")
    parser.add_argument("--ca-file")
    parser.add_argument("--token")
    parser.add_argument("--sizes", default="64,256")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not args.monitor and not (args.url and args.ca_file and args.token):
        parser.error("give --monitor, or --url, --ca-file and --token")
    os.environ.setdefault("no_proxy", "127.0.0.1,localhost")
    work = tempfile.mkdtemp(prefix="dyson-client-bench-")
    process = None
    try:
        if args.monitor:
            process, url, ca_file, token = start_monitor(args.monitor, work)
        else:
            url, ca_file, token = args.url, args.ca_file, args.token
        print("# Python client over HTTPS: a kept connection against one per request")
        print()
        print(f"- load average (1, 5, 15 min) at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"- Python {sys.version.split()[0]}, {ssl.OPENSSL_VERSION}; {args.rounds} rounds of "
              f"{args.seconds:g} s each, alternating; the best round of each")
        print()
        print("| n×n float32 | body | per request (urllib, before) | kept connection (Client) | ratio | "
              "median request, before | kept |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        fresh = per_request_poster(url, ca_file, token)
        kept, client = kept_poster(url, ca_file, token)
        run = f"client-bench-{uuid.uuid4().hex[:8]}"
        step = 0
        for n in (int(x) for x in args.sizes.split(",")):
            weights = np.random.default_rng(n).standard_normal((n, n)).astype(np.float32)
            layer = f"w{n}"
            best = {"fresh": (0.0, 0.0), "kept": (0.0, 0.0)}
            for post in (fresh, kept):  # the layer exists, and the server's code is warm, before either is timed
                step = round_of(post, run, layer, weights, min(args.seconds, 2.0), step)[2]
            for _ in range(args.rounds):
                for name, post in (("fresh", fresh), ("kept", kept)):
                    rate, median, step = round_of(post, run, layer, weights, args.seconds, step)
                    if rate > best[name][0]:
                        best[name] = (rate, median)
            (r0, m0), (r1, m1) = best["fresh"], best["kept"]
            print(f"| {n}² | {len(encode_npy(weights)) / 1024:.0f} KiB | {r0:.1f}/s | {r1:.1f}/s | {r1 / r0:.2f} | "
                  f"{m0 * 1e3:.1f} ms | {m1 * 1e3:.1f} ms |", flush=True)
        client.close()
        print()
        print(f"- load average (1, 5, 15 min) at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
