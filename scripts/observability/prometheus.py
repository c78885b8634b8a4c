"""Prometheus: the configs, the rules and their tests."""
import os
import re
import tempfile

from common import (DASHBOARDS, DATASOURCE_UID, LABEL_VALUES, RULE_FILES, ROOT, SAMPLE_VARIABLES, load_yaml,
                    problem, read, run, substitute)


def check():
    """Returns the recording rules (name → expr), the alerts (name → rule) and every rule's (where, expr)."""
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
        # An alert about the cluster itself (labels.scope: cluster) has no run or layer to name.
        about = ["status"] if (rule.get("labels") or {}).get("scope") == "cluster" else ["run", "layer"]
        for key in ["summary", "description"]:
            for label in about:
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
    return recording, alerts, rule_exprs
