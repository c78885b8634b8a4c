"""Training slowdown of ``dyson_monitor.watch(every=10)`` on a 4-layer transformer encoder, and whether
every weight matrix arrives at the monitor.

The model: ``nn.TransformerEncoder`` of 4 layers (d_model 128, 4 heads, feed-forward 512) and a linear
head, 17 weight matrices (4 × in_proj_weight, 4 × out_proj, 4 × linear1, 4 × linear2, the head),
trained with Adam on one torch thread, batch 32, on a synthetic regression with a real loss: predict
a fixed random linear map of the running mean of the inputs over the sequence (attention is needed).

The same model trains in timed blocks that alternate without and with the hook, so that machine
noise (other processes on the cores) hits both alike; the slowdown is the ratio of the summed block
times, and the median of the per-pair ratios; the training thread's CPU time (``time.thread_time``)
is compared as well, since on a machine shared with other work wall time is mostly waiting for a core
(it does not see waits for the GIL, which the wall-clock ratio does). After a block with the hook, the sender is left to
finish (untimed) before the next block, so its work is not charged to the block without it; the
"upper bound" charges that wait to the watched block instead.

Needs torch (Debian: python3-torch), the client (``pip install ./clients/python``, or run from the
repository: the script finds ``clients/python``), and a monitor::

    java -jar target/dyson-monitor.jar serve
    python3 bench/transformer_watch.py [--url http://127.0.0.1:8080] [--pairs 8] [--block 50]
"""

import argparse
import os
import statistics
import sys
import time
import uuid

try:
    import dyson_monitor
except ImportError:  # not installed: use the repository's copy
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
    import dyson_monitor


def build(torch, nn, d_model=128, heads=4, feed_forward=512, layers=4, outputs=16):
    layer = nn.TransformerEncoderLayer(d_model, heads, feed_forward, dropout=0.0, batch_first=True)
    encoder = nn.TransformerEncoder(layer, layers)
    head = nn.Linear(d_model, outputs)
    return nn.ModuleDict({"encoder": encoder, "head": head})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=dyson_monitor.DEFAULT_URL, help="monitor base URL")
    parser.add_argument("--token", default=os.environ.get("DYSON_TOKEN"), help="bearer token (or DYSON_TOKEN)")
    parser.add_argument("--pairs", type=int, default=8, help="pairs of timed blocks (without, with)")
    parser.add_argument("--block", type=int, default=50, help="training steps per timed block")
    parser.add_argument("--every", type=int, default=10, help="watch(every=...)")
    parser.add_argument("--seq", type=int, default=32, help="sequence length")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps first")
    parser.add_argument("--monitor-warmup", type=int, default=300,
                        help="untimed steps with the hook after those, before the timed pairs: the monitor's JIT "
                             "compiles its paths on the first snapshots of a run (0: time a cold monitor)")
    parser.add_argument("--policy", choices=dyson_monitor.POLICIES, default="latest")
    args = parser.parse_args(argv)

    import torch
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(0)
    client = dyson_monitor.Client(args.url, token=args.token)
    try:
        client.runs()
    except Exception as error:  # noqa: BLE001 - any failure means: no monitor to measure against
        print(f"no monitor at {args.url} ({error}); start one with: java -jar target/dyson-monitor.jar serve",
              file=sys.stderr)
        return 2

    batch, d_model, outputs = 32, 128, 16
    model = build(torch, nn, d_model=d_model, outputs=outputs)
    teacher = torch.randn(d_model, outputs) / d_model ** 0.5
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step_once():
        x = torch.randn(batch, args.seq, d_model)
        with torch.no_grad():
            running_mean = x.cumsum(1) / torch.arange(1, args.seq + 1).view(1, -1, 1)
            y = running_mean @ teacher
        loss = nn.functional.mse_loss(model["head"](model["encoder"](x)), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss

    run = f"transformer-bench-{uuid.uuid4().hex[:8]}"
    hook = dyson_monitor.watch(model, run, client=client, every=args.every, batch=batch, optimizer=optimizer,
                               policy=args.policy)
    matrices = list(hook.parameters)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread; {len(matrices)} weight matrices watched "
          f"({sum(p.numel() for p in hook.parameters.values())} values); run {run} at {args.url}")

    for _ in range(args.warmup):
        step_once()
    # A monitor watches a long run: its first snapshots, while the JVM compiles the paths they take (on
    # 2 cores the compiler threads took ~2 s of CPU in a cold monitor's first minute), are not its cost
    # per snapshot. These steps send snapshots untimed, under a run of their own (the timed one counts
    # only its own snapshots).
    if args.monitor_warmup > 0:
        started = time.perf_counter()
        warm = dyson_monitor.watch(model, run + "-warmup", client=client, every=args.every, batch=batch,
                                   optimizer=optimizer, policy=args.policy)
        for i in range(1, args.monitor_warmup + 1):
            step_once()
            warm(i)
        warm.close(60)
        try:
            client.finish(run + "-warmup")
        except Exception as error:  # noqa: BLE001 - the warm-up run is ours; the measurement goes on
            print(f"could not finish run {run}-warmup: {error}", file=sys.stderr)
        print(f"monitor warm-up: {args.monitor_warmup} hooked steps, {warm.sent} snapshots sent, "
              f"{time.perf_counter() - started:.1f} s (untimed)")
    step = 0
    without, watched, drains, hook_seconds = [], [], [], []
    without_cpu, watched_cpu = [], []  # CPU time of the training thread: far less noisy on a loaded machine
    first_loss = last_loss = None
    for _ in range(args.pairs):
        started, cpu = time.perf_counter(), time.thread_time()
        for _ in range(args.block):
            loss = step_once()
        without.append(time.perf_counter() - started)
        without_cpu.append(time.thread_time() - cpu)
        started, cpu = time.perf_counter(), time.thread_time()
        for _ in range(args.block):
            loss = step_once()
            step += 1
            called = time.perf_counter()
            hook(step)
            if step % args.every == 0:
                hook_seconds.append(time.perf_counter() - called)
        watched.append(time.perf_counter() - started)
        watched_cpu.append(time.thread_time() - cpu)
        waited = time.perf_counter()
        hook.flush(60)
        drains.append(time.perf_counter() - waited)
        print(f"pair {len(watched)}/{args.pairs}: without {without[-1]:.2f} s, with {watched[-1]:.2f} s "
              f"({watched[-1] / without[-1]:.3f}x), sender drained in {drains[-1]:.2f} s", file=sys.stderr)
        last_loss = float(loss)
        first_loss = last_loss if first_loss is None else first_loss
    hook.close(30)

    ratio = sum(watched) / sum(without)
    upper = (sum(watched) + sum(drains)) / sum(without)
    pair_ratios = [w / o for w, o in zip(watched, without)]
    per_step_ms = 1e3 * sum(without) / (args.pairs * args.block)
    print(f"loss {first_loss:.4f} after the first pair, {last_loss:.4f} at the end")
    print(f"{args.pairs} pairs of {args.block}-step blocks; a step without the hook: {per_step_ms:.2f} ms")
    print(f"slowdown with watch(every={args.every}): {ratio:.3f}x (median of pairs {statistics.median(pair_ratios):.3f}x,"
          f" min {min(pair_ratios):.3f}, max {max(pair_ratios):.3f}); upper bound with the drain waits: {upper:.3f}x")
    # The error bar: the pairs are independent repetitions, so the mean of their ratios has a standard
    # error of stdev / sqrt(pairs); the slowdown target is shown when the mean + 2 SE stays under it.
    if len(pair_ratios) > 1:
        mean = statistics.fmean(pair_ratios)
        se = statistics.stdev(pair_ratios) / len(pair_ratios) ** 0.5
        cpu_ratios = [w / o for w, o in zip(watched_cpu, without_cpu)]
        cpu_se = statistics.stdev(cpu_ratios) / len(cpu_ratios) ** 0.5
        print(f"mean of pair ratios: wall {mean:.3f} ± {se:.3f}x, training-thread CPU "
              f"{statistics.fmean(cpu_ratios):.3f} ± {cpu_se:.3f}x (± one standard error over {len(pair_ratios)} pairs)")
    print(f"training thread CPU time with/without the hook: {sum(watched_cpu) / sum(without_cpu):.3f}x "
          f"(a step without: {1e3 * sum(without_cpu) / (args.pairs * args.block):.2f} ms CPU)")
    print(f"hook call on a snapshot step (copy of the weights): median {1e3 * statistics.median(hook_seconds):.3f} ms,"
          f" max {1e3 * max(hook_seconds):.3f} ms")
    print(f"client: sent {hook.sent}, dropped {hook.dropped}, errors {hook.errors} of {step // args.every} snapshots "
          f"(mode {hook.mode})")

    deadline = time.monotonic() + 60
    while True:
        listed = {r["run"]: r for r in client.runs()["runs"]}.get(run, {"layers": []})
        layers = {layer["layer"]: layer for layer in listed["layers"]}
        settled = all(l["received"] == l["processed"] + l["dropped"] + l["rejected"] for l in layers.values())
        if (settled and len(layers) == len(matrices)) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    print(f"\n{'layer':<40} {'rows':>5} {'cols':>5} {'received':>9} {'processed':>10} {'dropped':>8} {'rejected':>9}")
    for name in matrices:
        l = layers.get(name)
        if l is None:
            print(f"{name:<40} never arrived")
        else:
            print(f"{name:<40} {l['rows']:>5} {l['cols']:>5} {l['received']:>9} {l['processed']:>10} "
                  f"{l['dropped']:>8} {l['rejected']:>9}")
    arrived = [name for name in matrices if name in layers and layers[name]["received"] == hook.sent]
    print(f"\n{len(arrived)} of {len(matrices)} weight matrices received all {hook.sent} snapshots sent")
    try:
        client.finish(run)
    except Exception as error:  # noqa: BLE001 - the measurement is done either way
        print(f"could not finish run {run}: {error}", file=sys.stderr)
    return 0 if len(arrived) == len(matrices) and hook.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
