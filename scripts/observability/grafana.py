"""Grafana: the provisioning and the dashboards; every query parsed by promtool."""
import json
import os
import re
import tempfile

import yaml

from common import (DASHBOARDS, DATASOURCE_UID, LABEL_VALUES, RULE_FILES, ROOT, SAMPLE_VARIABLES, load_yaml,
                    problem, read, run, substitute)


def check():
    """Returns every dashboard query (where, expr with the variables filled in, kind) and the dashboards' provider path."""
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
    return dashboard_queries, provider_path
