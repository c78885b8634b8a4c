"""Train a small MLP on a synthetic teacher-student regression and watch it with dyson-monitor.

Start a monitor first (``java -jar target/dyson-monitor.jar serve``), then::

    python3 clients/python/examples/train_mlp.py --url http://127.0.0.1:8080 --run mlp-demo --steps 2000
"""

import argparse
import collections
import logging
import os
import sys
from typing import List, Optional

import dyson_monitor


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=dyson_monitor.DEFAULT_URL, help="monitor base URL")
    parser.add_argument("--token-file", help="file holding the bearer token (or set DYSON_TOKEN)")
    parser.add_argument("--run", default="mlp-demo", help="run name")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--every", type=int, default=10, help="send a snapshot every N steps")
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--policy", choices=dyson_monitor.POLICIES, default="latest")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        import torch
        from torch import nn
    except ImportError:
        print("this example needs PyTorch (Debian: apt-get install python3-torch)", file=sys.stderr)
        return 2
    token = os.environ.get("DYSON_TOKEN")
    if args.token_file:
        with open(args.token_file, encoding="utf-8") as f:
            token = f.read().strip()

    torch.manual_seed(0)
    inputs, hidden, outputs = 32, 128, 10
    teacher = nn.Sequential(nn.Linear(inputs, hidden), nn.Tanh(), nn.Linear(hidden, outputs))
    model = nn.Sequential(collections.OrderedDict([
        ("fc1", nn.Linear(inputs, hidden)), ("act1", nn.ReLU()),
        ("fc2", nn.Linear(hidden, hidden)), ("act2", nn.ReLU()),
        ("fc3", nn.Linear(hidden, outputs)),
    ]))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)

    hook = dyson_monitor.watch(model, args.run, url=args.url, token=token, every=args.every,
                               batch=args.batch, policy=args.policy, optimizer=optimizer)
    with hook:
        for step in range(1, args.steps + 1):
            x = torch.randn(args.batch, inputs)
            with torch.no_grad():
                y = teacher(x) + 0.01 * torch.randn(args.batch, outputs)
            loss = nn.functional.mse_loss(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            hook(step)
            if step % 200 == 0:
                logging.info("step %d loss %.4f", step, loss.item())
    try:
        hook.client.finish(args.run)
    except Exception as error:  # noqa: BLE001 - the run is over either way
        logging.warning("could not finish run %s: %s", args.run, error)
    logging.info("snapshots sent %d, dropped %d, failed %d", hook.sent, hook.dropped, hook.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
