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
(it does not see waits for the GIL, which the wall-clock ratio does). After a block with the hook, the
sender is left to finish and the monitor to process every snapshot it accepted (untimed) before the
next block, so neither's work is charged to the block without it; the "upper bound" charges the
sender's wait to the watched block instead.

What is timed is a long run's steady state, so two warm-ups come first, untimed. The monitor's JIT
compiles the paths of a whole-model snapshot over its first several hundred snapshots (on 2 cores its
C2 compiler threads took 78 ms of CPU per 17-layer snapshot over the first 100, 7 ms after 400, 4 ms
after 800; the monitor itself 200 ms, then 60 ms). The paths that run only now and then (each layer's
Dyson-dynamics measurement, paced to every ≈ 20–40 s, and its checkpoints) compile later: after 800 posts and
60 hooked snapshots C2 still took 37–55 ms per snapshot in the timed part, after 3 000 and 150 it took 6–12.
``--jit-warmup`` whole-model posts of the model's weights, moved a little each time, go to a run of their
own as fast as the monitor takes them. Then the timed run starts with ``--monitor-warmup`` hooked training
steps (by default 150 snapshots): a monitor measures each layer's Dyson Brownian motion from its 50th
snapshot on, so a younger run would time a monitor that does less than it does later. ``--jit-warmup 0 --monitor-warmup 0`` times a cold monitor.
With ``--monitor-pid`` the monitor's CPU time per snapshot during the timed part is printed too.

Needs torch (Debian: python3-torch), the client (``pip install ./clients/python``, or run from the
repository: the script finds ``clients/python``), and a monitor::

    java -jar target/dyson-monitor.jar serve
    python3 bench/transformer_watch.py [--url http://127.0.0.1:8080] [--pairs 8] [--block 50] [--monitor-pid PID]
"""

import argparse
import os
import statistics
import sys
import threading
import time
import uuid

try:
    import dyson_monitor
except ImportError:  # not installed: use the repository's copy
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
    import dyson_monitor


def run_queue_wait() -> float:
    """Seconds this thread has waited for a core, runnable but not running (Linux schedstat; 0 elsewhere).

    Wall time = CPU time + this wait + time asleep (blocked: the GIL, a lock, I/O), so the three tell
    a slowdown from another process on the cores (the wait) from one inside this process (asleep).
    """
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def stat_cpu_seconds(path: str) -> float:
    """User + system CPU seconds in a /proc ``stat`` file (of a process or a thread)."""
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()  # after the name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far, ended threads included (Linux; NaN elsewhere)."""
    try:
        return stat_cpu_seconds(f"/proc/{pid}/stat")
    except (OSError, IndexError, ValueError):
        return float("nan")


def thread_cpu_by_group(pid: int) -> dict:
    """CPU seconds of process ``pid``'s threads so far, summed by name without trailing digits (Linux /proc;
    the kernel keeps 15 characters of a name: "C2 CompilerThre", "dyson-monitor-d" for the spectrum and
    decode dispatchers, "dyson-monitor-a" for Akka's default one); empty elsewhere."""
    groups: dict = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return groups
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                name = f.read().strip().rstrip("0123456789#").rstrip()
            seconds = stat_cpu_seconds(f"/proc/{pid}/task/{task}/stat")
        except (OSError, IndexError, ValueError):
            continue  # the thread ended meanwhile
        groups[name] = groups.get(name, 0.0) + seconds
    return groups


def thread_cpu_and_wait(native_id: int):
    """CPU seconds and seconds waiting for a core of this process's thread ``native_id`` (Linux; 0 elsewhere)."""
    try:
        with open(f"/proc/self/task/{native_id}/schedstat") as f:
            fields = f.read().split()
        return int(fields[0]) / 1e9, int(fields[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0, 0.0


def settle(client, run, layer_count, timeout):
    """The run's layers once the monitor has processed, dropped or rejected every snapshot it received
    and all ``layer_count`` layers are there (or ``timeout`` seconds have passed)."""
    deadline = time.monotonic() + timeout
    while True:
        listed = {r["run"]: r for r in client.runs()["runs"]}.get(run, {"layers": []})
        layers = {layer["layer"]: layer for layer in listed["layers"]}
        settled = all(l["received"] == l["processed"] + l["dropped"] + l["rejected"] for l in layers.values())
        if (settled and len(layers) == layer_count) or time.monotonic() > deadline:
            return layers
        time.sleep(0.05)


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
    parser.add_argument("--jit-warmup", type=int, default=3000,
                        help="untimed whole-model posts to a run of their own first: the monitor's JIT compiles "
                             "its paths over its first several hundred snapshots (0: none)")
    parser.add_argument("--monitor-warmup", type=int, default=1500,
                        help="untimed steps with the hook after those, before the timed pairs, in the timed run: "
                             "a layer's Dyson dynamics are measured from its 50th snapshot on (0: none)")
    parser.add_argument("--monitor-pid", type=int, help="the monitor's process id: print its CPU per snapshot")
    parser.add_argument("--training-cpus", help="run this process (training and sender) on these CPUs only, e.g. "
                                                  "'0' with the monitor started as 'taskset -c 1 ...' (Linux)")
    parser.add_argument("--policy", choices=dyson_monitor.POLICIES, default="latest")
    args = parser.parse_args(argv)

    if args.training_cpus:
        # Before torch starts any thread: every thread of the process inherits the mask.
        os.sched_setaffinity(0, {int(c) for c in args.training_cpus.split(",")})
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
          f"({sum(p.numel() for p in hook.parameters.values())} values); run {run} at {args.url}; "
          f"training on CPUs {sorted(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else 'all'}")

    for _ in range(args.warmup):
        step_once()
    # A monitor watches a long run: the snapshots it takes while the JVM compiles their paths (see above),
    # and a layer's first 50, before its Dyson dynamics are measured, do not cost what a snapshot costs later.
    if args.jit_warmup > 0:
        started = time.perf_counter()
        generator = torch.Generator().manual_seed(1)
        # Policy all: every post is processed (the POST waits for room), so each one compiles what it should.
        client.put_run(run + "-jit", learning_rate=1e-3, batch_size=batch, policy="all")
        with torch.no_grad():
            weights = {name: p.detach().clone() for name, p in hook.parameters.items()}
            for i in range(1, args.jit_warmup + 1):
                for w in weights.values():  # a random walk of the weights, 1e-3 of their scale per post
                    w.add_(torch.randn(w.shape, generator=generator), alpha=1e-3 * float(w.std()))
                client.post_model(run + "-jit", i, {n: w.numpy() for n, w in weights.items()}, lr=1e-3, batch=batch)
        jit_layers = settle(client, run + "-jit", len(matrices), 120)
        try:
            client.finish(run + "-jit")
        except Exception as error:  # noqa: BLE001 - the warm-up run is ours; the measurement goes on
            print(f"could not finish run {run}-jit: {error}", file=sys.stderr)
        processed = min((l["processed"] for l in jit_layers.values()), default=0)
        print(f"JIT warm-up: {args.jit_warmup} whole-model posts to run {run}-jit, {processed} processed in every "
              f"layer, {time.perf_counter() - started:.1f} s (untimed)")
    step = 0
    if args.monitor_warmup > 0:
        started = time.perf_counter()
        for _ in range(args.monitor_warmup):
            step_once()
            step += 1
            hook(step)
        hook.flush(60)
        settle(client, run, len(matrices), 60)
        print(f"monitor warm-up: {args.monitor_warmup} hooked steps, {hook.sent} snapshots sent, "
              f"{time.perf_counter() - started:.1f} s (untimed)")
    warm_sent = hook.sent
    # The hook's sender thread (named after the run), whose CPU is the client's cost.
    sender = next(t.native_id for t in threading.enumerate() if t.name == f"dyson-monitor-{run}")
    sender_before = thread_cpu_and_wait(sender)
    monitor_cpu = 0.0  # the monitor's CPU seconds over the watched blocks and their settling
    monitor_groups: dict = {}  # the same by thread group
    without, watched, drains, hook_seconds = [], [], [], []
    without_cpu, watched_cpu = [], []  # CPU time of the training thread: far less noisy on a loaded machine
    without_queued, watched_queued = [], []  # the training thread's wait for a core
    first_loss = last_loss = None
    for _ in range(args.pairs):
        started, cpu, queued = time.perf_counter(), time.thread_time(), run_queue_wait()
        for _ in range(args.block):
            loss = step_once()
        without.append(time.perf_counter() - started)
        without_cpu.append(time.thread_time() - cpu)
        without_queued.append(run_queue_wait() - queued)
        monitor_before = process_cpu_seconds(args.monitor_pid) if args.monitor_pid else 0.0
        groups_before = thread_cpu_by_group(args.monitor_pid) if args.monitor_pid else {}
        started, cpu, queued = time.perf_counter(), time.thread_time(), run_queue_wait()
        for _ in range(args.block):
            loss = step_once()
            step += 1
            called = time.perf_counter()
            hook(step)
            if step % args.every == 0:
                hook_seconds.append(time.perf_counter() - called)
        watched.append(time.perf_counter() - started)
        watched_cpu.append(time.thread_time() - cpu)
        watched_queued.append(run_queue_wait() - queued)
        waited = time.perf_counter()
        hook.flush(60)
        drains.append(time.perf_counter() - waited)
        settle(client, run, len(matrices), 60)
        if args.monitor_pid:
            monitor_cpu += process_cpu_seconds(args.monitor_pid) - monitor_before
            for name, seconds in thread_cpu_by_group(args.monitor_pid).items():
                monitor_groups[name] = monitor_groups.get(name, 0.0) + seconds - groups_before.get(name, 0.0)
        print(f"pair {len(watched)}/{args.pairs}: without {without[-1]:.2f} s, with {watched[-1]:.2f} s "
              f"({watched[-1] / without[-1]:.3f}x), sender drained in {drains[-1]:.2f} s", file=sys.stderr)
        last_loss = float(loss)
        first_loss = last_loss if first_loss is None else first_loss
    sender_after = thread_cpu_and_wait(sender)  # before close(): the thread ends there
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
    blocks = args.pairs * args.block
    for label, wall, cpu, queued in (("without", without, without_cpu, without_queued),
                                     ("with", watched, watched_cpu, watched_queued)):
        asleep = sum(wall) - sum(cpu) - sum(queued)
        print(f"a step {label} the hook, ms: wall {1e3 * sum(wall) / blocks:.2f} = CPU {1e3 * sum(cpu) / blocks:.2f}"
              f" + waiting for a core {1e3 * sum(queued) / blocks:.2f} + asleep (GIL, locks) {1e3 * asleep / blocks:.2f}")
    print(f"hook call on a snapshot step (copy of the weights): median {1e3 * statistics.median(hook_seconds):.3f} ms,"
          f" max {1e3 * max(hook_seconds):.3f} ms")
    print(f"client: sent {hook.sent}, dropped {hook.dropped}, errors {hook.errors} of {step // args.every} snapshots "
          f"(mode {hook.mode})")

    timed_sent = hook.sent - warm_sent
    sender_cpu, sender_wait = (b - a for a, b in zip(sender_before, sender_after))
    if timed_sent > 0:
        print(f"the hook's sender thread: {1e3 * sender_cpu / timed_sent:.1f} ms CPU per snapshot (encoding the .npz, "
              f"the POST), {1e3 * sender_wait / timed_sent:.1f} ms waiting for a core")
    if args.monitor_pid and timed_sent > 0:
        print(f"monitor CPU over the watched blocks and their settling: {monitor_cpu:.2f} s, "
              f"{1e3 * monitor_cpu / timed_sent:.1f} ms per whole-model snapshot ({timed_sent} snapshots)")
        largest = sorted(monitor_groups.items(), key=lambda item: -item[1])[:6]
        print("  by thread, ms per snapshot: " + ", ".join(f"{name} {1e3 * seconds / timed_sent:.1f}"
                                                          for name, seconds in largest))
    layers = settle(client, run, len(matrices), 60)
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
