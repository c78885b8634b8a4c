#!/usr/bin/env bash
# Checks the observability files without Docker or Grafana:
#   prometheus/   promtool check config, check rules, test rules; rule files referenced relative to
#                 the configs; every alert documented, tested firing and not firing, and annotated
#   grafana/      JSON validity and required fields of every dashboard; unique uids and panel ids;
#                 panels that do not overlap; every panel and variable on the provisioned datasource
#                 uid; every query (with $run/$layer filled in) parsed by promtool
#   both          every metric name in rules and dashboards is in design.md's Metrics table (or a
#                 Micrometer extra, or ALERTS) or a recording rule of prometheus/rules.yml
#   docker-compose.yml, Dockerfile, README.md: structure and consistency
#
# Usage: scripts/check-observability.sh                 static checks (needs promtool, python3 + PyYAML)
#        scripts/check-observability.sh --live URL [--run R] [--layer L] [--metrics URL]
#            also evaluates every dashboard query and variable against the Prometheus at URL
#            (e.g. http://127.0.0.1:9090 scraping a running demo) and fails on an error or an
#            empty result; --metrics runs `promtool check metrics` on a scrape of the monitor.
# Exit status: 0 when everything passes, 1 with a list of problems otherwise, 2 on bad usage or a
# missing tool. Debian: apt-get install -y prometheus python3-yaml
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null 2>&1; then
  echo "check-observability: promtool not found (Debian: apt-get install -y prometheus)" >&2
  exit 2
fi
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import yaml' 2>/dev/null; then
  echo "check-observability: python3 with PyYAML not found (Debian: apt-get install -y python3-yaml)" >&2
  exit 2
fi

exec python3 - "$@" <<'PY'
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

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

# design.md "Metrics", as sample names (histogram dyson_level_spacing, Timer dyson_spectrum_compute_seconds).
DESIGN_SAMPLE_NAMES = {
    "dyson_eigenvalue", "dyson_eigenvalue_mean", "dyson_eigenvalue_variance", "dyson_eigenvalue_quantile",
    "dyson_pair_sigma_squared", "dyson_pair_spacing_s2", "dyson_pair_binder_cumulant",
    "dyson_sigma_squared_per_lr_batch", "dyson_spacing_ratio_mean", "dyson_spacing_ks_wigner",
    "dyson_spacing_ks_poisson", "dyson_level_spacing_bucket", "dyson_level_spacing_count",
    "dyson_level_spacing_sum", "dyson_mp_ks_distance", "dyson_mp_spikes", "dyson_spectral_norm",
    "dyson_stable_rank", "dyson_target_distance", "dyson_converged", "dyson_training_step",
    "dyson_learning_rate", "dyson_batch_size", "dyson_snapshots_received_total",
    "dyson_snapshots_processed_total", "dyson_snapshots_dropped_total", "dyson_snapshots_rejected_total",
    "dyson_spectrum_compute_seconds_count", "dyson_spectrum_compute_seconds_sum",
    "dyson_last_update_timestamp_seconds",
    "dyson_powerlaw_alpha", "dyson_powerlaw_alpha_weighted", "dyson_powerlaw_xmin", "dyson_powerlaw_ks_distance",
    "dyson_log_frobenius_norm", "dyson_log_spectral_norm", "dyson_mp_softrank", "dyson_matrix_entropy",
    "dyson_randomized_distance", "dyson_correlation_traps", "dyson_spectral_rigidity", "dyson_number_variance",
    "dyson_mode_relaxation_updates", "dyson_mode_predicted_variance", "dyson_convergence_eta_seconds",
} | {
    # design.md's Dyson row names the three above and says "drift, diffusion, predictions": these are them.
    "dyson_mode_measured_variance", "dyson_mode_drift_slope", "dyson_mode_diffusion",
    "dyson_mode_autocorrelation_updates", "dyson_convergence_eta_updates",
}
# Of the names above, those design.md covers by its Dyson row's summary rather than by name.
DESIGN_ROW_SUMMARY = {"dyson_mode_measured_variance", "dyson_mode_drift_slope", "dyson_mode_diffusion",
                      "dyson_mode_autocorrelation_updates", "dyson_convergence_eta_updates"}
# Series that exist without being in the table: Micrometer's Timer maximum, Prometheus's ALERTS.
EXTRA_NAMES = {"dyson_spectrum_compute_seconds_max", "ALERTS"}

parser = argparse.ArgumentParser(prog="check-observability.sh")
parser.add_argument("--live", metavar="URL", help="Prometheus base URL, e.g. http://127.0.0.1:9090")
parser.add_argument("--run", default=SAMPLE_VARIABLES["run"], help="value of $run for the live queries")
parser.add_argument("--layer", default=SAMPLE_VARIABLES["layer"], help="value of $layer for the live queries")
parser.add_argument("--metrics", metavar="URL", help="the monitor's /metrics, for promtool check metrics")
args = parser.parse_args(sys.argv[1:])

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

# ------------------------------------------------------------------------------------------------
# Prometheus: configs, rules, tests
for config in ["prometheus/prometheus.yml", "prometheus/prometheus-local.yml"]:
    run(["promtool", "check", "config", os.path.basename(config)], config, cwd=os.path.join(ROOT, "prometheus"))
    # And from elsewhere: rule files must resolve relative to the config file, not the working directory.
    run(["promtool", "check", "config", os.path.join(ROOT, config)], config + " (from /)", cwd="/")
    cfg = load_yaml(config) or {}
    if sorted(cfg.get("rule_files") or []) != sorted(RULE_FILES):
        problem(config, f"rule_files must be {RULE_FILES} (relative to the config), got {cfg.get('rule_files')}")
    jobs = cfg.get("scrape_configs") or []
    targets = [t for j in jobs for sc in j.get("static_configs") or [] for t in sc.get("targets") or []]
    expected = "monitor:8080" if config.endswith("prometheus.yml") else "127.0.0.1:8080"
    if targets != [expected] or [j.get("metrics_path", "/metrics") for j in jobs] != ["/metrics"]:
        problem(config, f"must scrape exactly {expected}/metrics, got {targets}")
local = read("prometheus/prometheus-local.yml")
# The substitution contract of the template (documented in the file and in README-section.md).
if local.count("127.0.0.1:8080") != 1:
    problem("prometheus/prometheus-local.yml", "the target 127.0.0.1:8080 must occur exactly once (tests replace it)")
if len(re.findall(r"\b5s\b", local)) != 2 or "scrape_interval: 5s" not in local or "evaluation_interval: 5s" not in local:
    problem("prometheus/prometheus-local.yml", "'5s' must occur exactly twice, as scrape_interval and evaluation_interval")
with tempfile.TemporaryDirectory() as tmp:
    # The template, copied as a test would copy it, with a 1 s interval and another target.
    for f in RULE_FILES:
        with open(os.path.join(tmp, f), "w", encoding="utf-8") as out:
            out.write(read("prometheus/" + f))
    with open(os.path.join(tmp, "prometheus.yml"), "w", encoding="utf-8") as out:
        out.write(re.sub(r"\b5s\b", "1s", local.replace("127.0.0.1:8080", "127.0.0.1:18080")))
    run(["promtool", "check", "config", os.path.join(tmp, "prometheus.yml")],
        "prometheus/prometheus-local.yml (copied, 1s, other target)")

run(["promtool", "check", "rules"] + ["prometheus/" + f for f in RULE_FILES], "prometheus rules")
run(["promtool", "test", "rules", "prometheus/alerts.test.yml"], "prometheus/alerts.test.yml")

recording = {}   # name -> expr
alerts = {}      # name -> rule
rule_exprs = []  # (where, expr)
for f in RULE_FILES:
    doc = load_yaml("prometheus/" + f) or {}
    for group in doc.get("groups") or []:
        for rule in group.get("rules") or []:
            if "record" in rule:
                name = rule["record"]
                if not re.fullmatch(r"dyson:[a-z0-9_]+(:[a-z0-9_]+)?", name):
                    problem(f"prometheus/{f}", f"recording rule {name} is not named dyson:<metric>[:<operation>]")
                recording[name] = rule["expr"]
                rule_exprs.append((f"prometheus/{f} record {name}", rule["expr"]))
            else:
                alerts[rule["alert"]] = rule
                rule_exprs.append((f"prometheus/{f} alert {rule['alert']}", rule["expr"]))
if not alerts:
    problem("prometheus/alerts.yml", "no alerts")

for name, rule in alerts.items():
    where = f"prometheus/alerts.yml alert {name}"
    if (rule.get("labels") or {}).get("severity") not in {"info", "warning", "critical"}:
        problem(where, "needs labels.severity info, warning or critical")
    ann = rule.get("annotations") or {}
    for key in ["summary", "description", "dashboard"]:
        if not ann.get(key):
            problem(where, f"needs annotation {key}")
    for key in ["summary", "description"]:
        for label in ["run", "layer"]:
            if "{{ $labels.%s }}" % label not in ann.get(key, ""):
                problem(where, f"annotation {key} must name the {label} ({{{{ $labels.{label} }}}})")
    if "Look at:" not in ann.get("description", ""):
        problem(where, "description must say what to look at ('Look at: ...')")
    m = re.search(r"/d/([A-Za-z0-9_-]+)", ann.get("dashboard", ""))
    if not m or m.group(1) not in DASHBOARDS.values():
        problem(where, f"annotation dashboard must link one of the dashboards {sorted(DASHBOARDS.values())}")

tests = load_yaml("prometheus/alerts.test.yml") or {}
if sorted(tests.get("rule_files") or []) != sorted(RULE_FILES):
    problem("prometheus/alerts.test.yml", f"rule_files must be {RULE_FILES}")
firing, quiet = set(), set()
for case in tests.get("tests") or []:
    for t in case.get("alert_rule_test") or []:
        (firing if t.get("exp_alerts") else quiet).add(t["alertname"])
for name in alerts:
    if name not in firing:
        problem("prometheus/alerts.test.yml", f"no test case where {name} fires")
    if name not in quiet:
        problem("prometheus/alerts.test.yml", f"no test case where {name} does not fire")
for name in (firing | quiet) - set(alerts):
    problem("prometheus/alerts.test.yml", f"tests an alert that does not exist: {name}")

# ------------------------------------------------------------------------------------------------
# Grafana: provisioning and dashboards
ds = load_yaml("grafana/provisioning/datasources/prometheus.yml") or {}
ds_list = ds.get("datasources") or []
if [d.get("uid") for d in ds_list] != [DATASOURCE_UID] or ds_list[0].get("type") != "prometheus":
    problem("grafana/provisioning/datasources/prometheus.yml", f"must provision one prometheus datasource with uid {DATASOURCE_UID}")
ds_url = ds_list[0].get("url", "") if ds_list else ""
prov = load_yaml("grafana/provisioning/dashboards/dyson-monitor.yml") or {}
providers = prov.get("providers") or []
provider_path = (providers[0].get("options") or {}).get("path") if providers else None
if len(providers) != 1 or providers[0].get("type") != "file" or not provider_path:
    problem("grafana/provisioning/dashboards/dyson-monitor.yml", "must have one file provider with options.path")

dashboard_queries = []  # (where, expr with variables filled in, kind) kind: "query" or "variable"
uids = set()
for path, uid in DASHBOARDS.items():
    try:
        d = json.loads(read(path))
    except FileNotFoundError:
        problem(path, "missing")
        continue
    except json.JSONDecodeError as e:
        problem(path, f"not valid JSON: {e}")
        continue
    for key in ["uid", "title", "schemaVersion", "panels", "templating", "time", "tags"]:
        if key not in d:
            problem(path, f"missing top-level field {key}")
    if d.get("uid") != uid:
        problem(path, f"uid must be {uid} (alerts link it), got {d.get('uid')}")
    if d.get("uid") in uids:
        problem(path, f"duplicate uid {d.get('uid')}")
    uids.add(d.get("uid"))
    if not 36 <= int(d.get("schemaVersion", 0)) <= 41:
        problem(path, f"schemaVersion {d.get('schemaVersion')} is not that of Grafana 9.4 … 11")

    variables = {}
    for v in (d.get("templating") or {}).get("list") or []:
        where = f"{path} variable {v.get('name')}"
        variables[v.get("name")] = v
        if v.get("type") == "query":
            if (v.get("datasource") or {}).get("uid") != DATASOURCE_UID:
                problem(where, f"datasource uid must be {DATASOURCE_UID}")
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            m = LABEL_VALUES.match(q or "")
            if not m:
                problem(where, f"query must be label_values(selector, label), got {q}")
                continue
            selector = substitute(m.group("sel") or "", where)
            dashboard_queries.append((where, selector, "variable:" + m.group("label")))
    if set(variables) - set(SAMPLE_VARIABLES):
        problem(path, f"variables other than {sorted(SAMPLE_VARIABLES)}: {sorted(set(variables) - set(SAMPLE_VARIABLES))}")

    ids, cells = set(), {}
    for p in d.get("panels") or []:
        where = f"{path} panel {p.get('id')} \"{p.get('title')}\""
        if p.get("id") in ids:
            problem(where, "duplicate panel id")
        ids.add(p.get("id"))
        g = p.get("gridPos") or {}
        if not all(isinstance(g.get(k), int) for k in "xywh") or g["x"] < 0 or g["x"] + g["w"] > 24:
            problem(where, f"bad gridPos {g}")
        else:
            for x in range(g["x"], g["x"] + g["w"]):
                for y in range(g["y"], g["y"] + g["h"]):
                    if (x, y) in cells:
                        problem(where, f"overlaps panel {cells[(x, y)]}")
                        break
                    cells[(x, y)] = p.get("id")
                else:
                    continue
                break
        if not p.get("title"):
            problem(where, "needs a title")
        if p.get("type") in ("row", "text"):
            continue
        if (p.get("datasource") or {}).get("uid") != DATASOURCE_UID:
            problem(where, f"datasource uid must be {DATASOURCE_UID}")
        targets = p.get("targets") or []
        if not targets:
            problem(where, "has no queries")
        refs = [t.get("refId") for t in targets]
        if len(set(refs)) != len(refs) or None in refs:
            problem(where, f"refIds must be present and unique, got {refs}")
        merged = any(t.get("id") == "merge" for t in p.get("transformations") or [])
        for t in targets:
            twhere = f"{where} query {t.get('refId')}"
            if (t.get("datasource") or {}).get("uid") != DATASOURCE_UID:
                problem(twhere, f"datasource uid must be {DATASOURCE_UID}")
            if not (t.get("expr") or "").strip():
                problem(twhere, "empty expr")
                continue
            if merged and (t.get("format") != "table" or not t.get("instant")):
                problem(twhere, "queries joined by a merge transformation must be instant and format table")
            dashboard_queries.append((twhere, substitute(t["expr"], twhere), "query"))

if ds_url and not re.fullmatch(r"http://prometheus:9090/?", ds_url):
    problem("grafana/provisioning/datasources/prometheus.yml", f"url must be http://prometheus:9090 (the compose service), got {ds_url}")

# Every query must parse: each becomes a recording rule of its own group, named after where it is.
with tempfile.TemporaryDirectory() as tmp:
    groups = []
    for i, (where, expr, kind) in enumerate(dashboard_queries):
        if kind.startswith("variable"):
            expr = expr or "up"  # label_values(label) without a selector: nothing to parse
        groups.append({"name": f"{i}: {where}", "rules": [{"record": f"check:query_{i}", "expr": expr}]})
    tmpfile = os.path.join(tmp, "dashboard-queries.yml")
    with open(tmpfile, "w", encoding="utf-8") as out:
        yaml.safe_dump({"groups": groups}, out, allow_unicode=True, sort_keys=False)
    run(["promtool", "check", "rules", tmpfile], "dashboard queries (each a recording rule; the group names the panel)")

# ------------------------------------------------------------------------------------------------
# Metric names in rules and dashboards
allowed = DESIGN_SAMPLE_NAMES | EXTRA_NAMES | set(recording)
used_recording = set()
for where, expr, *_ in rule_exprs + [(w, e, k) for w, e, k in dashboard_queries]:
    for name in metric_names(expr):
        if name not in allowed:
            problem(where, f"metric {name} is neither in design.md's Metrics table nor a recording rule")
        if name in recording and not where.endswith("record " + name):
            used_recording.add(name)
for name in set(recording) - used_recording:
    problem("prometheus/rules.yml", f"recording rule {name} is used by no alert, rule or dashboard")

# ../shared from the project's root (a worktree under wt/ has it at ../../shared); skipped if absent.
design = next((p for p in (os.path.join(ROOT, *up, "shared", "docs", "design.md") for up in [[".."], ["..", ".."]])
               if os.path.exists(p)), None)
if design:
    # Cross-check the list above against the contract itself (histogram/summary by family name).
    text = open(design, encoding="utf-8").read()
    for name in DESIGN_SAMPLE_NAMES - DESIGN_ROW_SUMMARY:
        family = re.sub(r"_(bucket|count|sum)$", "", name) if "level_spacing" in name or "compute_seconds" in name else name
        short = re.sub(r"^dyson_snapshots_(processed|dropped)_total$", r"_\1_total", family)
        short = re.sub(r"^dyson_powerlaw_(alpha_weighted|xmin|ks_distance)$", r"_\1", short)  # "`_alpha_weighted`, …"
        if family not in text and short not in text:
            problem("scripts/check-observability.sh", f"{name} is not in {design} (update the list here)")
contract = os.path.join(ROOT, "src/test/java/org/dysonmonitor/metrics/MetricsContractTest.java")
if os.path.exists(contract):
    java = open(contract, encoding="utf-8").read()
    block = re.search(r"DESIGN_SAMPLE_NAMES\s*=\s*List\.of\((.*?)\);", java, re.S)
    java_names = set(re.findall(r'"(dyson_[a-z0-9_]+)"', block.group(1) if block else ""))
    if not java_names:
        problem("scripts/check-observability.sh", f"no DESIGN_SAMPLE_NAMES list found in {contract}")
    for name in DESIGN_SAMPLE_NAMES - java_names:
        problem("scripts/check-observability.sh", f"{name} is not in MetricsContractTest's list")
    for name in java_names - DESIGN_SAMPLE_NAMES - EXTRA_NAMES:
        problem("scripts/check-observability.sh", f"MetricsContractTest has {name}, this script does not")

# ------------------------------------------------------------------------------------------------
# docker-compose.yml and Dockerfile
compose = load_yaml("docker-compose.yml") or {}
services = compose.get("services") or {}
for name in ["monitor", "prometheus", "grafana"]:
    if name not in services:
        problem("docker-compose.yml", f"missing service {name}")


def service_env(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) if "=" in e else (e, "") for e in env)
    return {k: str(v) for k, v in env.items()}


def check_volumes(name, service):
    mounts = {}
    for v in service.get("volumes") or []:
        src, _, rest = v.partition(":")
        dst = rest.split(":")[0]
        if src.startswith("."):
            if not os.path.exists(os.path.join(ROOT, src)):
                problem("docker-compose.yml", f"service {name} mounts {src}, which does not exist")
            mounts[dst] = os.path.normpath(src)
    return mounts


def ports(service):
    return [str(p).split(":")[-2] if str(p).count(":") >= 1 else str(p) for p in service.get("ports") or []]


if services:
    mon, prom, graf = (services.get(n) or {} for n in ["monitor", "prometheus", "grafana"])
    if not mon.get("build"):
        problem("docker-compose.yml", "monitor must be built from the Dockerfile (build:)")
    if "MODE" not in service_env(mon):
        problem("docker-compose.yml", "monitor needs the environment variable MODE (demo or serve)")
    if "8080" not in ports(mon):
        problem("docker-compose.yml", "monitor must publish port 8080")
    if not str(prom.get("image", "")).startswith("prom/prometheus"):
        problem("docker-compose.yml", "prometheus must use the prom/prometheus image")
    pm = check_volumes("prometheus", prom)
    cmd = " ".join(prom.get("command") or []) if isinstance(prom.get("command"), list) else str(prom.get("command", ""))
    m = re.search(r"--config\.file=(\S+)", cmd)
    if not m or os.path.dirname(m.group(1)) not in pm or pm[os.path.dirname(m.group(1))] != "prometheus":
        problem("docker-compose.yml", "prometheus must mount ./prometheus and run --config.file=<that dir>/prometheus.yml")
    if "9090" not in ports(prom):
        problem("docker-compose.yml", "prometheus must publish port 9090")
    if not str(graf.get("image", "")).startswith("grafana/grafana"):
        problem("docker-compose.yml", "grafana must use the grafana/grafana image")
    genv = service_env(graf)
    if genv.get("GF_AUTH_ANONYMOUS_ENABLED") != "true" or genv.get("GF_AUTH_ANONYMOUS_ORG_ROLE") != "Viewer":
        problem("docker-compose.yml", "grafana needs GF_AUTH_ANONYMOUS_ENABLED=true and GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer")
    gm = check_volumes("grafana", graf)
    if gm.get("/etc/grafana/provisioning") != "grafana/provisioning":
        problem("docker-compose.yml", "grafana must mount ./grafana/provisioning at /etc/grafana/provisioning")
    if provider_path and gm.get(provider_path) != "grafana/dashboards":
        problem("docker-compose.yml", f"grafana must mount ./grafana/dashboards at {provider_path} (the provider's path)")
    if "3000" not in ports(graf):
        problem("docker-compose.yml", "grafana must publish port 3000")

try:
    dockerfile = read("Dockerfile")
    for needle, what in [
        (r"(?im)^FROM\s+maven:3-eclipse-temurin-17\s+AS\s+\w+", "a build stage FROM maven:3-eclipse-temurin-17 AS <name>"),
        (r"(?im)^FROM\s+eclipse-temurin:17-jre\b", "a runtime stage FROM eclipse-temurin:17-jre"),
        (r"(?im)^COPY\s+--from=\w+\s+\S*target/dyson-monitor\.jar\s+/app/dyson-monitor\.jar", "COPY --from=<build> …/target/dyson-monitor.jar /app/dyson-monitor.jar"),
        (r"libopenblas0-pthread", "libopenblas0-pthread installed in the runtime image"),
        (r"(?im)^EXPOSE\s+8080", "EXPOSE 8080"),
        (r"--bind\s+0\.0\.0\.0", "the monitor bound to 0.0.0.0"),
        (r"MODE", "the MODE variable"),
    ]:
        if not re.search(needle, dockerfile):
            problem("Dockerfile", f"needs {what}")
except FileNotFoundError:
    problem("Dockerfile", "missing")

try:
    readme = read("README.md")
    for needle in [":8080", ":9090", ":3000", "anonymous", "prometheus-local.yml", "check-observability.sh"]:
        if needle not in readme:
            problem("README.md", f"must mention {needle}")
    for name in alerts:
        if name not in readme:
            problem("README.md", f"must list the alert {name}")
except FileNotFoundError:
    problem("README.md", "missing")

# ------------------------------------------------------------------------------------------------
# Optional: against a live Prometheus (a running demo scraped by it)
def api(path, params):
    url = args.live.rstrip("/") + path + "?" + urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


if args.live:
    SAMPLE_VARIABLES.update(run=args.run, layer=args.layer)
    checked = 0
    for path in DASHBOARDS:
        try:
            d = json.loads(read(path))
        except (FileNotFoundError, json.JSONDecodeError):
            continue
        for v in (d.get("templating") or {}).get("list") or []:
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            m = LABEL_VALUES.match(q or "")
            if not m:
                continue
            where = f"{path} variable {v.get('name')} (live)"
            params = {"match[]": substitute(m.group("sel"), where)} if m.group("sel") else {}
            try:
                values = api(f"/api/v1/label/{m.group('label')}/values", params).get("data") or []
            except Exception as e:
                problem(where, f"query failed: {e}")
                continue
            checked += 1
            if SAMPLE_VARIABLES.get(v.get("name")) not in values:
                problem(where, f"{SAMPLE_VARIABLES.get(v.get('name'))} not among its values {values}")
        for p in d.get("panels") or []:
            for t in p.get("targets") or []:
                where = f"{path} panel {p.get('id')} \"{p.get('title')}\" query {t.get('refId')} (live)"
                expr = substitute(t.get("expr", ""), where)
                try:
                    body = api("/api/v1/query", {"query": expr})
                except urllib.error.HTTPError as e:
                    problem(where, f"{e}: {e.read().decode(errors='replace')} for {expr}")
                    continue
                except Exception as e:
                    problem(where, f"query failed: {e}")
                    continue
                checked += 1
                if body.get("status") != "success":
                    problem(where, f"{body.get('error')} for {expr}")
                elif not body["data"]["result"]:
                    problem(where, f"no data for {expr}")
    print(f"check-observability: {checked} live queries against {args.live} (run {args.run}, layer {args.layer})")
if args.metrics:
    try:
        with urllib.request.urlopen(args.metrics, timeout=30) as r:
            scrape = r.read()
        result = subprocess.run(["promtool", "check", "metrics"], input=scrape, capture_output=True)
        if result.returncode != 0:
            problem(args.metrics, "promtool check metrics: " + (result.stdout + result.stderr).decode(errors="replace"))
    except Exception as e:
        problem(args.metrics, f"scrape failed: {e}")

if problems:
    print(f"check-observability: {len(problems)} problem(s)", file=sys.stderr)
    for p in problems:
        print("  - " + p, file=sys.stderr)
    sys.exit(1)
print(f"check-observability: OK ({len(alerts)} alerts, {len(recording)} recording rules, "
      f"{sum(1 for q in dashboard_queries if q[2] == 'query')} dashboard queries, "
      f"{sum(1 for q in dashboard_queries if q[2] != 'query')} variables)")
PY
