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

# The checks live in scripts/observability/ (one module per area); -B: no __pycache__ in the tree.
exec python3 -B "scripts/observability/check.py" "$@"
