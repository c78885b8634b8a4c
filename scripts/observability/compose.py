"""docker-compose.yml, the Dockerfile and the README: structure and consistency with the other files."""
import os
import re

from common import (DASHBOARDS, DATASOURCE_UID, LABEL_VALUES, RULE_FILES, ROOT, SAMPLE_VARIABLES, load_yaml,
                    problem, read, run, substitute)


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


def check(provider_path, alerts):
    """provider_path: where Grafana reads dashboards; alerts: the alert names the README must list."""
    compose = load_yaml("docker-compose.yml") or {}
    services = compose.get("services") or {}
    for name in ["monitor", "prometheus", "grafana"]:
        if name not in services:
            problem("docker-compose.yml", f"missing service {name}")



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
