"""Optional: every dashboard query and variable against a live Prometheus, and promtool check metrics on a scrape."""
import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request

from common import (CLUSTER_NAMES, DASHBOARDS, DATASOURCE_UID, LABEL_VALUES, RULE_FILES, ROOT, SAMPLE_VARIABLES,
                    load_yaml, metric_names, problem, read, run, substitute)


def check(args):
    """args: --live, --run, --layer, --metrics of the command line."""
    def api(path, params):
        url = args.live.rstrip("/") + path + "?" + urllib.parse.urlencode(params, doseq=True)
        with urllib.request.urlopen(url, timeout=30) as r:
            return json.load(r)

    if args.live:
        SAMPLE_VARIABLES.update(run=args.run, layer=args.layer)
        checked = 0
        # The cluster row's queries have no data from a monitor without --cluster.
        try:
            clustered = bool(api("/api/v1/query", {"query": "dyson_cluster_members"})["data"]["result"])
        except Exception:
            clustered = False
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
                        if clustered or not (metric_names(t.get("expr", "")) & CLUSTER_NAMES):
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
