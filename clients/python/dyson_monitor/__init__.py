"""Send the weight matrices of a training run to a dyson-monitor server.

Standard library and numpy only; torch is imported only by ``watch``::

    import dyson_monitor

    hook = dyson_monitor.watch(model, "my-run", every=10, lr=0.01, batch=64)
    for step, (x, y) in enumerate(loader, 1):
        ...
        optimizer.step()
        hook(step)
    hook.close()

or, without torch, ``dyson_monitor.Client(url).post_model(run, step, {"fc1.weight": w1, ...})``.
"""

__version__ = "0.2.0"

from .client import DEFAULT_URL, POLICIES, Client, DysonError  # noqa: E402
from .encoding import encode_npy, encode_npz  # noqa: E402
from .names import validate_name  # noqa: E402
from .watch import Watch, select_parameters, watch  # noqa: E402

__all__ = ["Client", "DEFAULT_URL", "DysonError", "POLICIES", "Watch", "encode_npy", "encode_npz",
           "select_parameters", "validate_name", "watch"]
