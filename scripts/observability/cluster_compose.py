"""docker-compose.cluster.yml: three monitor nodes whose seeds and ports agree, PostgreSQL with its
password from a Docker secret, Prometheus scraping exactly the three nodes' /metrics, Grafana; the
monitors non-root, read-only but for their data directory and /tmp, and no password on a command line.

Usage: python3 -B scripts/observability/cluster_compose.py [COMPOSE_FILE]   (from the repository root)
Exit status 0, or 1 with the list of problems."""
import os
import re
import subprocess
import sys

import yaml

NODES = ["node1", "node2", "node3"]


def option(cmd, name):
    """The value after `name` in an argument list, or None."""
    return cmd[cmd.index(name) + 1] if name in cmd and cmd.index(name) + 1 < len(cmd) else None


def check(path, problems):
    def problem(message):
        problems.append(f"{path}: {message}")

    compose = yaml.safe_load(open(path, encoding="utf-8"))
    services = compose.get("services") or {}
    for name in NODES + ["postgres", "prometheus", "grafana"]:
        if name not in services:
            problem(f"missing service {name}")
    secrets = compose.get("secrets") or {}

    # The image's user: the Dockerfile's last USER, which a service's user: would override.
    users = re.findall(r"^USER\s+(\S+)", open("Dockerfile", encoding="utf-8").read(), re.M)
    image_user = users[-1] if users else "root"

    seeds, members, ports = [], set(), {"--port": set(), "--cluster-port": set(), "--management-port": set()}
    targets = set()
    for name in NODES:
        s = services.get(name) or {}
        cmd = [str(c) for c in s.get("command") or []]
        env = {str(k): str(v) for k, v in (s.get("environment") or {}).items()}
        if "--cluster" not in cmd:
            problem(f"{name} must run serve --cluster")
        if env.get("MODE") != "serve":
            problem(f"{name} needs MODE serve")
        seeds.append(option(cmd, "--seed-nodes"))
        host, cport = option(cmd, "--cluster-host"), option(cmd, "--cluster-port")
        members.add(f"{host}:{cport}")
        if host != s.get("hostname", name) and host != name:
            problem(f"{name}: --cluster-host {host} is not the container's host name")
        for flag, seen in ports.items():
            value = option(cmd, flag)
            if value is None:
                problem(f"{name} needs {flag}")
            elif value in seen:
                problem(f"{name}: {flag} {value} is used by another node")
            seen.add(value)
        targets.add(f"{name}:{option(cmd, '--port')}")
        # Least privilege.
        user = str(s.get("user", image_user))
        if user in ("root", "0") or user.startswith("0:") or user.startswith("root:"):
            problem(f"{name} runs as root (user {user})")
        if s.get("read_only") is not True:
            problem(f"{name} needs read_only: true")
        if "/tmp" not in [str(t).split(":")[0] for t in s.get("tmpfs") or []]:
            problem(f"{name} needs /tmp as a tmpfs")
        data_dir = option(cmd, "--data-dir")
        for v in s.get("volumes") or []:
            parts = str(v).split(":")
            if len(parts) >= 2 and parts[1] != data_dir and (len(parts) < 3 or "ro" not in parts[2].split(",")):
                problem(f"{name}: volume {v} is writable but is not the data directory {data_dir}")
        if not any(str(v).split(":")[1:2] == [data_dir] for v in s.get("volumes") or []):
            problem(f"{name}: its data directory {data_dir} is not a volume (the root filesystem is read-only)")
        store = option(cmd, "--store") or ""
        if not store.startswith("postgresql://"):
            problem(f"{name} needs --store postgresql://...")
        if re.search(r"password", store, re.I):
            problem(f"{name}: the store URL carries a password")
        pw_file = option(cmd, "--store-password-file") or ""
        m = re.fullmatch(r"/run/secrets/([A-Za-z0-9_.-]+)", pw_file)
        if not m or m.group(1) not in secrets or m.group(1) not in (s.get("secrets") or []):
            problem(f"{name}: --store-password-file must be a Docker secret it mounts (/run/secrets/NAME), not {pw_file!r}")
        if any(re.fullmatch(r"--[a-z-]*password", c) for c in cmd):
            problem(f"{name}: a password option on the command line")
        for key in env:
            if re.search(r"PASSWORD", key, re.I) and not key.endswith("_FILE"):
                problem(f"{name}: a password in the environment ({key})")
    if len(set(seeds)) != 1 or seeds[0] is None:
        problem(f"the nodes' --seed-nodes differ: {seeds}")
    elif set(seeds[0].split(",")) != members:
        problem(f"--seed-nodes {seeds[0]} are not the nodes' --cluster-host:--cluster-port {sorted(members)}")

    # Secret values never in a command or environment value of any service.
    values = []
    for s in services.values():
        values += [str(c) for c in s.get("command") or []]
        values += [str(v) for v in (s.get("environment") or {}).values()]
    for name, spec in secrets.items():
        f = (spec or {}).get("file")
        if f and os.path.exists(f):
            secret = open(f, encoding="utf-8").read().strip()
            if secret and any(secret in v for v in values):
                problem(f"the secret {name}'s value appears on a command line or in the environment")
    pg = services.get("postgres") or {}
    pg_env = {str(k): str(v) for k, v in (pg.get("environment") or {}).items()}
    if "POSTGRES_PASSWORD" in pg_env:
        problem("postgres: POSTGRES_PASSWORD in the environment (use POSTGRES_PASSWORD_FILE)")
    m = re.fullmatch(r"/run/secrets/([A-Za-z0-9_.-]+)", pg_env.get("POSTGRES_PASSWORD_FILE", ""))
    if not m or m.group(1) not in (pg.get("secrets") or []):
        problem("postgres: POSTGRES_PASSWORD_FILE must name a secret it mounts")

    # Prometheus: its config (through its ./prometheus mount) scrapes exactly the three nodes.
    prom = services.get("prometheus") or {}
    cmd = " ".join(str(c) for c in prom.get("command") or [])
    m = re.search(r"--config\.file=(\S+)", cmd)
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in prom.get("volumes") or [] if str(v).startswith(".")}
    config = None
    if m and os.path.dirname(m.group(1)) in mounts:
        config = os.path.join(mounts[os.path.dirname(m.group(1))], os.path.basename(m.group(1)))
    if not config or not os.path.exists(config):
        problem(f"prometheus: its --config.file is not a file of a mounted directory ({m and m.group(1)})")
    else:
        result = subprocess.run(["promtool", "check", "config", config], capture_output=True, text=True)
        if result.returncode != 0:
            problem(f"promtool check config {config}: {result.stdout}{result.stderr}")
        scraped = set()
        for job in (yaml.safe_load(open(config, encoding="utf-8")).get("scrape_configs") or []):
            for sc in job.get("static_configs") or []:
                scraped |= set(sc.get("targets") or [])
        if scraped != targets:
            problem(f"prometheus scrapes {sorted(scraped)}, the nodes serve /metrics on {sorted(targets)}")
    graf = services.get("grafana") or {}
    if not any(str(v).startswith("./grafana/dashboards:") for v in graf.get("volumes") or []):
        problem("grafana must mount the provisioned dashboards ./grafana/dashboards")


if __name__ == "__main__":
    found = []
    check(sys.argv[1] if len(sys.argv) > 1 else "docker-compose.cluster.yml", found)
    for p in found:
        print("  - " + p)
    print("cluster compose: " + ("OK" if not found else f"{len(found)} problem(s)"))
    sys.exit(1 if found else 0)
