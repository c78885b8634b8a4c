"""check-observability: the static checks, then (with --live, --metrics) the live ones; see scripts/check-observability.sh."""
import argparse
import os
import re
import sys

import common
import compose
import grafana
import live
import prometheus
from common import DESIGN_SAMPLE_NAMES, EXTRA_NAMES, METRIC_NAMES_JAVA, ROOT, SAMPLE_VARIABLES, metric_names, problem, problems

parser = argparse.ArgumentParser(prog="check-observability.sh")
parser.add_argument("--live", metavar="URL", help="Prometheus base URL, e.g. http://127.0.0.1:9090")
parser.add_argument("--run", default=SAMPLE_VARIABLES["run"], help="value of $run for the live queries")
parser.add_argument("--layer", default=SAMPLE_VARIABLES["layer"], help="value of $layer for the live queries")
parser.add_argument("--metrics", metavar="URL", help="the monitor's /metrics, for promtool check metrics")
args = parser.parse_args(sys.argv[1:])

recording, alerts, rule_exprs = prometheus.check()
dashboard_queries, provider_path = grafana.check()

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
    # design.md's Dyson row names three of the per-mode metrics and says "drift, diffusion, predictions":
    # these are the rest of them.
    design_row_summary = {"dyson_mode_measured_variance", "dyson_mode_drift_slope", "dyson_mode_diffusion",
                          "dyson_mode_autocorrelation_updates", "dyson_convergence_eta_updates"}
    for name in DESIGN_SAMPLE_NAMES - design_row_summary:
        family = re.sub(r"_(bucket|count|sum)$", "", name) if "level_spacing" in name or "compute_seconds" in name else name
        short = re.sub(r"^dyson_snapshots_(processed|dropped)_total$", r"_\1_total", family)
        short = re.sub(r"^dyson_powerlaw_(alpha_weighted|xmin|ks_distance)$", r"_\1", short)  # "`_alpha_weighted`, …"
        if family not in text and short not in text:
            problem(METRIC_NAMES_JAVA, f"{name} is not in {design}")


compose.check(provider_path, alerts)
live.check(args)

if problems:
    print(f"check-observability: {len(problems)} problem(s)", file=sys.stderr)
    for p in problems:
        print("  - " + p, file=sys.stderr)
    sys.exit(1)
print(f"check-observability: OK ({len(alerts)} alerts, {len(recording)} recording rules, "
      f"{sum(1 for q in dashboard_queries if q[2] == 'query')} dashboard queries, "
      f"{sum(1 for q in dashboard_queries if q[2] != 'query')} variables)")
