"""What every part of check-observability shares: the file layout, the metric names, the problem list and the PromQL helpers."""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml


ROOT = os.getcwd()
DATASOURCE_UID = "dyson-prometheus"
DASHBOARDS = {
    "grafana/dashboards/overview.json": "dyson-overview",
    "grafana/dashboards/layer-spectrum.json": "dyson-layer-spectrum",
    "grafana/dashboards/scaling.json": "dyson-scaling",
    "grafana/dashboards/network-health.json": "dyson-network-health",
}
RULE_FILES = ["rules.yml", "alerts.yml"]  # in prometheus/, referenced relative to the configs
# Sample values for the dashboard variables: an RBM run of the demo, which has pairs and a target.
SAMPLE_VARIABLES = {"run": "rbm-a0.1-b16", "layer": "W"}

# design.md "Metrics", as sample names (histogram dyson_level_spacing, Timer dyson_spectrum_compute_seconds):
# the one list is MetricNames.java, read here rather than copied.
METRIC_NAMES_JAVA = "src/main/java/org/dysonmonitor/metrics/MetricNames.java"


def read_metric_names(path, list_name="DESIGN_SAMPLE_NAMES"):
    text = open(os.path.join(ROOT, path), encoding="utf-8").read()
    block = re.search(list_name + r"\s*=\s*List\.of\((.*?)\);", text, re.S)
    names = set(re.findall(r'"(dyson_[a-z0-9_]+)"', block.group(1) if block else ""))
    if not names:
        sys.exit(f"check-observability: no {list_name} list in {path}")
    return names


DESIGN_SAMPLE_NAMES = read_metric_names(METRIC_NAMES_JAVA)
# Series that exist without being in the design's table: Micrometer's Timer maximum, Prometheus's
# ALERTS, and the monitor's own metrics beyond the design (MetricNames.BEYOND_DESIGN_SAMPLE_NAMES).
# The cluster mode's node metrics (MetricNames.CLUSTER_SAMPLE_NAMES) likewise.
EXTRA_NAMES = ({"dyson_spectrum_compute_seconds_max", "ALERTS"}
               | read_metric_names(METRIC_NAMES_JAVA, "BEYOND_DESIGN_SAMPLE_NAMES")
               | read_metric_names(METRIC_NAMES_JAVA, "CLUSTER_SAMPLE_NAMES"))
CLUSTER_NAMES = read_metric_names(METRIC_NAMES_JAVA, "CLUSTER_SAMPLE_NAMES")


problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def load_yaml(path):
    try:
        return yaml.safe_load(read(path))
    except FileNotFoundError:
        problem(path, "missing")
    except yaml.YAMLError as e:
        problem(path, f"not valid YAML: {e}")
    return None


def run(cmd, where, cwd=None):
    """Runs a command; a non-zero exit is a problem with its output attached."""
    result = subprocess.run(cmd, cwd=cwd or ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        problem(where, f"`{' '.join(cmd)}` failed:\n    " + output.replace("\n", "\n    "))
    return result


# ------------------------------------------------------------------------------------------------
# PromQL metric names (enough of the grammar to find the selectors' names).
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "inf", "nan", "atan2"}
TOKEN = re.compile(r"(?P<num>0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
                   r"|(?P<id>[A-Za-z_:][A-Za-z0-9_:]*)(?P<call>\s*\()?")


def metric_names(expr):
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)  # strings
    text = re.sub(r"#[^\n]*", " ", text)                                           # comments
    text = re.sub(r"\{[^}]*\}", " ", text)                                          # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)                                         # ranges, subqueries
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\boffset\s+-?[0-9smhdwy]+", " ", text)
    names = set()
    for m in TOKEN.finditer(text):
        name = m.group("id")
        if name and not m.group("call") and name.lower() not in KEYWORDS:
            names.add(name)
    return names


def substitute(expr, where):
    """Fills in the dashboard variables; anything else that looks like a variable is a problem."""
    out = expr
    for var, value in SAMPLE_VARIABLES.items():
        out = re.sub(r"\$\{" + var + r"\}|\$" + var + r"\b", value, out)
    if "$" in out:
        problem(where, f"unknown variable in query (only ${', $'.join(SAMPLE_VARIABLES)} are filled in): {expr}")
    return out


LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(?:(?P<sel>.+?)\s*,\s*)?(?P<label>[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$")
