"""The names the monitor accepts for runs and layers, checked before anything is sent.

Names become URL path segments and Prometheus label values. Layer names are those PyTorch writes
(``layers.0.self_attn.in_proj_weight``), up to 128 characters; run names up to 64. A leading ``_`` is
reserved for the monitor's own series (such as ``run="_invalid"``).
"""

import re
from typing import Any

RUN_PATTERN = re.compile(r"[A-Za-z0-9.:-][A-Za-z0-9_.:-]{0,63}")
LAYER_PATTERN = re.compile(r"[A-Za-z0-9.:-][A-Za-z0-9_.:-]{0,127}")

_RULES = {
    "run": (RUN_PATTERN, 64),
    "layer": (LAYER_PATTERN, 128),
}


def validate_name(kind: str, name: Any) -> str:
    """Return ``name`` if it is a valid ``kind`` ("run" or "layer") name, else raise ``ValueError``."""
    pattern, longest = _RULES[kind]
    if not isinstance(name, str):
        raise ValueError(f"{kind} name must be a string, got {type(name).__name__} {name!r}")
    if pattern.fullmatch(name) is None:
        if name.startswith("_"):
            raise ValueError(f"{kind} name {name!r} is invalid: names starting with _ are reserved")
        raise ValueError(f"{kind} name {name!r} is invalid: use 1 to {longest} characters from "
                         f"A-Z, a-z, 0-9 and _ . : -")
    return name
