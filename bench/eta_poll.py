#!/usr/bin/env python3
"""Polls a running monitor once per second and records, for every run's layer W, the ETA to convergence the
layer report gives against whether dyson_converged is 1 yet. Usage: python3 bench/eta_poll.py URL SECONDS OUT.csv (e.g. against `bin/dyson-monitor demo --steps-per-second 100`)"""
import csv
import json
import sys
import time
import urllib.request

url, seconds, out = sys.argv[1].rstrip("/"), float(sys.argv[2]), sys.argv[3]


def get(path):
    with urllib.request.urlopen(url + path, timeout=10) as r:
        return json.load(r)


start = time.time()
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["t", "run", "step", "converged", "measured_step", "eta_updates", "eta_seconds", "eta_mode",
                "updates_per_second"])
    while time.time() - start < seconds:
        t = round(time.time() - start, 1)
        try:
            for run in get("/api/v1/runs")["runs"]:
                name = run["run"]
                for layer in run["layers"]:
                    r = get(f"/api/v1/runs/{name}/layers/{layer['layer']}")
                    w.writerow([t, name, r["step"], int(r["converged"]), r["measured_step"], r["eta_updates"],
                                r["eta_seconds"], r["eta_mode"], r["updates_per_second"]])
        except Exception as e:  # the monitor is starting or stopping
            print(t, e, file=sys.stderr)
        f.flush()
        time.sleep(max(0.0, 1.0 - (time.time() - start - t)))
