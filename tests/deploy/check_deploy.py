#!/usr/bin/env python3
"""Keeps the deployment files honest against the code (CTest: deploy.consistency).

usage: check_deploy.py REPO_ROOT PARLEY_BINARY PROMTOOL

Checks, each failure printed with the file at fault:
  - every YAML file under deploy/ and .github/workflows/ parses, and every JSON file too;
  - every PARLEY_* environment variable named in deploy/ and .github/workflows/ is one that apps/parley/src/config.cpp knows (an unknown one stops
    Parley at startup), and every -DPARLEY_* is a CMake option of the project;
  - the Parley port is the same everywhere (PARLEY_LISTEN values, EXPOSE, containerPort,
    the nginx upstream servers) and the probe paths are routes of apps/http/src/api.cpp;
  - the commands given to the image (serve, migrate) are commands of apps/parley/src/cli.cpp;
  - nginx's client_max_body_size and header buffers equal Parley's defaults
    (apps/http/include/parley/http/server.hpp), and its upstream keep-alive timeout is below
    Parley's, so nginx never reuses a connection Parley is closing;
  - grace periods (compose stop_grace_period, Kubernetes terminationGracePeriodSeconds) exceed
    PARLEY_SHUTDOWN_GRACE_SECONDS plus the preStop pause;
  - no secret value is committed: no Kubernetes Secret object, placeholders only in
    .env.example, and the real .env is git-ignored;
  - the metric names in the alert rules and the Grafana dashboard are those of the metrics
    contract, and every dashboard query parses as PromQL (through `promtool check rules`);
  - the Dockerfile's runtime stage installs the Debian package of every shared library the
    parley binary links directly (readelf + dpkg -S).
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


# The metric names agreed for /metrics (the metrics contract). A histogram's series are
# <name>_bucket, _sum and _count.
CONTRACT_METRICS = {
    "http_requests_total", "http_request_duration_seconds", "http_requests_in_flight",
    "http_open_connections", "db_query_duration_seconds", "db_pool_connections",
    "db_pool_waits_total", "db_pool_wait_seconds_total", "cache_hits_total", "cache_misses_total",
    "cache_errors_total", "rate_limit_rejections_total", "dependency_up", "parley_build_info",
    "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds",
    "process_cpu_seconds_total", "process_start_time_seconds",
}
HISTOGRAMS = {"http_request_duration_seconds", "db_query_duration_seconds"}
PROMQL_WORDS = {
    "sum", "by", "rate", "histogram_quantile", "min", "max", "unless", "or", "and", "up",
    "label_values", "without", "on", "ignoring", "avg", "count", "increase", "le",
}


def metric_names(expr):
    """Identifiers used as metric names in a PromQL expression (not functions or labels)."""
    stripped = re.sub(r"\{[^}]*\}", "{}", expr)           # label matchers
    stripped = re.sub(r"\[[^\]]*\]", "[]", stripped)      # ranges
    stripped = re.sub(r"by \([^)]*\)", "", stripped)      # grouping labels
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", stripped):
        word = match.group(0)
        following = stripped[match.end():match.end() + 1]
        if word in PROMQL_WORDS or following == "(" or word.startswith("$"):
            continue
        if stripped[max(0, match.start() - 1)] == "$":
            continue
        names.add(word)
    return names


def check_metric(where, name):
    if name == "up":
        return
    base = name
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and name[: -len(suffix)] in HISTOGRAMS:
            base = name[: -len(suffix)]
    if base not in CONTRACT_METRICS or (base in HISTOGRAMS and base == name):
        problem(where, f"metric {name!r} is not a series of the metrics contract")


def main():
    root, parley_binary, promtool = sys.argv[1], sys.argv[2], sys.argv[3]

    # ---- parsing
    yaml_files = sorted(
        glob.glob(os.path.join(root, "deploy", "**", "*.y*ml"), recursive=True)
        + glob.glob(os.path.join(root, ".github", "workflows", "*.y*ml")))
    parsed = {}
    for path in yaml_files:
        rel = os.path.relpath(path, root)
        try:
            with open(path, encoding="utf-8") as f:
                parsed[rel] = [d for d in yaml.safe_load_all(f) if d is not None]
        except yaml.YAMLError as error:
            problem(rel, f"is not valid YAML: {error}")
    for path in sorted(glob.glob(os.path.join(root, "deploy", "**", "*.json"), recursive=True)):
        rel = os.path.relpath(path, root)
        try:
            with open(path, encoding="utf-8") as f:
                parsed[rel] = [json.load(f)]
        except json.JSONDecodeError as error:
            problem(rel, f"is not valid JSON: {error}")
    for required in ("deploy/compose/compose.yaml", "deploy/k8s/kustomization.yaml",
                     "deploy/prometheus/alerts.yml", "deploy/prometheus/alerts_test.yml",
                     "deploy/grafana/parley-dashboard.json", ".github/workflows/ci.yml"):
        if required not in parsed:
            problem(required, "is missing or did not parse")
    if problems:
        return

    # ---- the code's facts
    config_cpp = read(root, "apps/parley/src/config.cpp")
    known = set(re.findall(r'^\s*"(PARLEY_[A-Z0-9_]+)",$', config_cpp, re.MULTILINE))
    if len(known) < 10:
        problem("apps/parley/src/config.cpp", "could not read kKnownVariables")
    cmake_options = set()
    for path in glob.glob(os.path.join(root, "**", "CMakeLists.txt"), recursive=True):
        if "/build" in path:
            continue
        with open(path, encoding="utf-8") as f:
            cmake_options |= set(re.findall(r"option\((PARLEY_[A-Z0-9_]+)", f.read()))
    api_cpp = read(root, "apps/http/src/api.cpp")
    routes = set(re.findall(r'Route\{"GET", "([^"]+)"', api_cpp))
    cli_cpp = read(root, "apps/parley/src/cli.cpp")
    commands = set(re.findall(r'command == "([a-z]+)"', cli_cpp))
    server_hpp = read(root, "apps/http/include/parley/http/server.hpp")
    # The defaults are the members of ServerConfig (other structs there have fields too).
    if "struct ServerConfig {" in server_hpp:
        server_hpp = server_hpp[server_hpp.index("struct ServerConfig {"):]
    else:
        problem("apps/http/include/parley/http/server.hpp", "no struct ServerConfig")

    def default(field):
        match = re.search(field + r"(?: = |\{)([0-9']+)", server_hpp)
        if not match:
            problem("apps/http/include/parley/http/server.hpp", f"no default for {field}")
            return 0
        return int(match.group(1).replace("'", ""))

    default_port = default("port")
    max_body = default("max_body_bytes")
    max_header = default("max_header_bytes")
    keepalive = default("keepalive_timeout")
    shutdown_grace = default("shutdown_grace")

    # ---- PARLEY_* names
    scanned = sorted(
        p for p in glob.glob(os.path.join(root, "deploy", "**", "*"), recursive=True) if os.path.isfile(p))
    scanned += glob.glob(os.path.join(root, ".github", "workflows", "*"))
    scanned += [os.path.join(root, ".dockerignore")]
    for path in scanned:
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for match in re.finditer(r"(?:(-D)|(?<![A-Za-z0-9_]))(PARLEY_[A-Z0-9_]+)", text):
            name = match.group(2)
            if match.group(1):
                if name not in cmake_options:
                    problem(rel, f"-D{name} is not an option() of the project's CMakeLists")
            elif name not in known and name not in cmake_options:
                problem(rel, f"{name} is not a variable Parley knows (apps/parley/src/config.cpp)")

    # ---- Dockerfile
    dockerfile = read(root, "deploy/docker/Dockerfile")
    stages = re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)
    if len(stages) != 3 or not stages[1].startswith("debian:12 AS build") or \
            not stages[2].startswith("debian:12-slim"):
        problem("deploy/docker/Dockerfile", "expected a debian:12 build stage and a debian:12-slim runtime stage")
    runtime = stages[-1]
    listen_values = [("deploy/docker/Dockerfile", v) for v in re.findall(r"PARLEY_LISTEN=(\S+)", dockerfile)]
    ports = [("deploy/docker/Dockerfile EXPOSE", int(p)) for p in re.findall(r"^EXPOSE (\d+)", runtime, re.M)]
    if not re.search(r'^ENTRYPOINT \["parley"\]$', runtime, re.M):
        problem("deploy/docker/Dockerfile", 'ENTRYPOINT must be ["parley"]')
    for cmd in re.findall(r'^CMD \["([a-z]+)"\]$', runtime, re.M):
        if cmd not in commands:
            problem("deploy/docker/Dockerfile", f"CMD {cmd!r} is not a parley command")
    if not re.search(r"^USER (?!0\b|root\b)\S+", runtime, re.M):
        problem("deploy/docker/Dockerfile", "the runtime stage must switch to a non-root USER")
    if "HEALTHCHECK" not in runtime:
        problem("deploy/docker/Dockerfile", "no HEALTHCHECK")
    built = re.search(r"install -D -m 0755 (\S+) /out/usr/local/bin/parley\b", dockerfile)
    if not built or built.group(1) != "build/release/apps/parley/parley":
        problem("deploy/docker/Dockerfile", "must copy build/release/apps/parley/parley (the `parley` target)")
    if "add_executable(parley " not in read(root, "apps/parley/CMakeLists.txt"):
        problem("apps/parley/CMakeLists.txt", "no `parley` executable")
    healthcheck = read(root, "deploy/docker/healthcheck.sh")
    for path in re.findall(r"GET (/\S+) HTTP", healthcheck):
        if path not in routes:
            problem("deploy/docker/healthcheck.sh", f"probes {path}, which is not a GET route")
    if "healthcheck.sh" not in dockerfile:
        problem("deploy/docker/Dockerfile", "does not install deploy/docker/healthcheck.sh")
    if "${PARLEY_LISTEN:-127.0.0.1:" + str(default_port) + "}" not in healthcheck:
        problem("deploy/docker/healthcheck.sh", "its PARLEY_LISTEN default differs from Parley's")

    # Runtime libraries: every direct NEEDED library's Debian package is installed.
    installed = set(re.findall(r"\b(lib[a-z0-9.+-]+)\b", runtime.split("&& rm -rf")[0]))
    base_image = {"libc6", "libgcc-s1", "libstdc++6"}  # in debian:12-slim already
    needed = subprocess.run(["readelf", "-d", parley_binary], capture_output=True, text=True, check=True).stdout
    libs = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", needed)
    if not libs:
        problem(parley_binary, "readelf found no NEEDED libraries")
    ldd = subprocess.run(["ldd", parley_binary], capture_output=True, text=True, check=True).stdout
    for lib in libs:
        if lib.startswith(("libasan", "libubsan", "liblsan", "libtsan", "libgcov")):
            continue  # sanitizer or coverage builds only
        match = re.search(r"^\s*" + re.escape(lib) + r" => (\S+)", ldd, re.M)
        if not match:
            problem(parley_binary, f"ldd cannot resolve {lib}")
            continue
        real = os.path.realpath(match.group(1))
        owner = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg", "-S", match.group(1)], capture_output=True, text=True)
        package = owner.stdout.split(":")[0].strip() if owner.returncode == 0 else ""
        if not package:
            problem(parley_binary, f"no Debian package owns {real} ({lib})")
        elif package not in installed and package not in base_image:
            problem("deploy/docker/Dockerfile", f"runtime stage does not install {package} (for {lib})")

    # ---- compose
    compose = parsed["deploy/compose/compose.yaml"][0]
    services = compose.get("services", {})
    parley_services = [n for n, s in services.items() if s.get("build", {}).get("dockerfile") == "deploy/docker/Dockerfile"]
    servers = [n for n in parley_services if services[n].get("command", ["serve"]) == ["serve"] or "command" not in services[n]]
    if len(servers) < 2:
        problem("deploy/compose/compose.yaml", "needs at least two Parley serve services")
    migrate = [n for n in parley_services if services[n].get("command") == ["migrate"]]
    if len(migrate) != 1:
        problem("deploy/compose/compose.yaml", "needs exactly one migrate service")
    for name in parley_services:
        service = services[name]
        env = service.get("environment", {})
        if "PARLEY_LISTEN" in env:
            listen_values.append((f"compose {name}", env["PARLEY_LISTEN"]))
        for cmd in service.get("command", []):
            if cmd not in commands:
                problem("deploy/compose/compose.yaml", f"{name}: {cmd!r} is not a parley command")
        if name in servers:
            depends = service.get("depends_on", {})
            if depends.get(migrate[0] if migrate else "", {}).get("condition") != "service_completed_successfully":
                problem("deploy/compose/compose.yaml", f"{name} must wait for the migrate service to succeed")
            if env.get("PARLEY_MIGRATE_ON_START") != "false":
                problem("deploy/compose/compose.yaml", f"{name} must set PARLEY_MIGRATE_ON_START=false")
            grace = re.fullmatch(r"(\d+)s", str(service.get("stop_grace_period", "")))
            if not grace or int(grace.group(1)) <= shutdown_grace:
                problem("deploy/compose/compose.yaml", f"{name}: stop_grace_period must exceed {shutdown_grace}s")
        for value in env.values():
            if re.search(r"(password|secret)", str(value), re.I) and "${" not in str(value):
                problem("deploy/compose/compose.yaml", f"{name}: a literal secret-looking value")
    redis = services.get("redis", {})
    if "requirepass" not in json.dumps(redis.get("command", "")):
        problem("deploy/compose/compose.yaml", "Redis must require a password")
    example = read(root, "deploy/compose/.env.example")
    for line in example.splitlines():
        if line and not line.startswith("#") and "change-me" not in line:
            problem("deploy/compose/.env.example", f"not a placeholder: {line.split('=')[0]}")
    gitignore = read(root, ".gitignore").splitlines()
    if "/deploy/compose/.env" not in gitignore and ".env" not in gitignore:
        problem(".gitignore", "does not ignore deploy/compose/.env")

    # ---- nginx
    site = read(root, "deploy/nginx/parley.conf")
    upstream = re.search(r"upstream parley \{(.*?)\n\}", site, re.S)
    if not upstream:
        problem("deploy/nginx/parley.conf", "no `upstream parley` block")
    else:
        block = upstream.group(1)
        for host, port in re.findall(r"^\s*server ([\w.-]+):(\d+)", block, re.M):
            ports.append((f"nginx upstream {host}", int(port)))
            if host not in servers:
                problem("deploy/nginx/parley.conf", f"upstream server {host} is not a compose Parley service")
        upstream_keepalive = re.search(r"keepalive_timeout (\d+)s;", block)
        if not upstream_keepalive or int(upstream_keepalive.group(1)) >= keepalive:
            problem("deploy/nginx/parley.conf",
                    f"upstream keepalive_timeout must be below Parley's keep-alive timeout ({keepalive} s)")
        if not re.search(r"^\s*keepalive \d+;", block, re.M):
            problem("deploy/nginx/parley.conf", "upstream has no keepalive connection cache")
    body = re.search(r"client_max_body_size (\d+)([km]?);", site)
    scale = {"": 1, "k": 1024, "m": 1024 * 1024}
    if not body or int(body.group(1)) * scale[body.group(2)] != max_body:
        problem("deploy/nginx/parley.conf", f"client_max_body_size must be Parley's {max_body} bytes")
    headers = re.search(r"large_client_header_buffers \d+ (\d+)k;", site)
    if not headers or int(headers.group(1)) * 1024 != max_header:
        problem("deploy/nginx/parley.conf", f"large_client_header_buffers must hold Parley's {max_header} bytes")
    proxy = read(root, "deploy/nginx/parley-proxy.conf")
    for needed_line in ("proxy_set_header X-Request-ID", "proxy_set_header X-Forwarded-For",
                        "proxy_set_header X-Forwarded-Proto", "proxy_next_upstream ", 'proxy_set_header Connection ""'):
        if needed_line not in proxy:
            problem("deploy/nginx/parley-proxy.conf", f"missing `{needed_line}`")
    if re.search(r"^\s*proxy_next_upstream\s[^;]*non_idempotent", proxy, re.M):
        problem("deploy/nginx/parley-proxy.conf", "must not retry non-idempotent requests (writes would repeat)")

    # ---- Kubernetes
    k8s = {}
    for rel, docs in parsed.items():
        if rel.startswith("deploy/k8s/"):
            for doc in docs:
                k8s.setdefault(doc.get("kind"), []).append((rel, doc))
    kustomization = parsed["deploy/k8s/kustomization.yaml"][0]
    for resource in kustomization.get("resources", []):
        if not os.path.exists(os.path.join(root, "deploy/k8s", resource)):
            problem("deploy/k8s/kustomization.yaml", f"resource {resource} does not exist")
    listed = {os.path.normpath(os.path.join("deploy/k8s", r)) for r in kustomization.get("resources", [])}
    for rel in parsed:
        if rel.startswith("deploy/k8s/") and rel != "deploy/k8s/kustomization.yaml" and rel not in listed:
            problem("deploy/k8s/kustomization.yaml", f"does not list {rel}")
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "ConfigMap", "PodDisruptionBudget", "Job"):
        if kind not in k8s:
            problem("deploy/k8s", f"no {kind}")
    if "Secret" in k8s:
        problem("deploy/k8s", "a Secret object is committed; reference secrets only")
    configmap = k8s.get("ConfigMap", [(None, {})])[0][1].get("data", {})
    if "PARLEY_LISTEN" in configmap:
        listen_values.append(("k8s ConfigMap", configmap["PARLEY_LISTEN"]))
    grace_setting = int(configmap.get("PARLEY_SHUTDOWN_GRACE_SECONDS", shutdown_grace))
    image_user = re.search(r"^USER (\d+):(\d+)$", runtime, re.M)
    for rel, doc in k8s.get("Deployment", []) + k8s.get("Job", []):
        pod = doc["spec"]["template"]["spec"]
        security = pod.get("securityContext", {})
        if not security.get("runAsNonRoot"):
            problem(rel, "pods must run as non-root")
        if not image_user or (str(security.get("runAsUser")), str(security.get("runAsGroup"))) != image_user.groups():
            problem(rel, "runAsUser/runAsGroup must be the image's USER uid:gid")
        for container in pod["containers"]:
            for arg in container.get("args", []):
                if arg not in commands:
                    problem(rel, f"{arg!r} is not a parley command")
            if not container.get("securityContext", {}).get("readOnlyRootFilesystem"):
                problem(rel, "the root file system should be read-only (Parley on PostgreSQL writes nothing)")
            if "resources" not in container or "requests" not in container["resources"]:
                problem(rel, "container without resource requests")
            for port in container.get("ports", []):
                ports.append((f"{rel} containerPort", port["containerPort"]))
            for env in container.get("env", []):
                if "value" in env and re.search(r"URL|SECRET", env["name"]):
                    problem(rel, f"{env['name']} has a literal value; use a secretKeyRef")
            if doc["kind"] == "Deployment":
                probes = {k: container.get(k, {}).get("httpGet", {}).get("path") for k in ("livenessProbe", "readinessProbe")}
                if probes != {"livenessProbe": "/healthz", "readinessProbe": "/readyz"}:
                    problem(rel, f"probes must be liveness /healthz and readiness /readyz, not {probes}")
                for path in probes.values():
                    if path not in routes:
                        problem(rel, f"probe path {path} is not a GET route")
                pause = 0
                pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
                if len(pre_stop) == 2 and pre_stop[0] == "sleep":
                    pause = int(pre_stop[1])
                if int(pod.get("terminationGracePeriodSeconds", 30)) <= grace_setting + pause:
                    problem(rel, "terminationGracePeriodSeconds must exceed the shutdown grace plus the preStop pause")
    for rel, doc in k8s.get("Service", []):
        for port in doc["spec"]["ports"]:
            if port.get("targetPort") not in ("http", default_port):
                problem(rel, "targetPort must be the container's http port")

    # ---- one port everywhere
    for where, value in listen_values:
        match = re.fullmatch(r"(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]):(\d+)", value)
        if not match:
            problem(where, f"PARLEY_LISTEN {value!r} is not <ip>:<port>")
        else:
            ports.append((where + " PARLEY_LISTEN", int(match.group(1))))
    distinct = {p for _, p in ports}
    if len(distinct) != 1:
        problem("deploy", "the Parley port differs between files: " + ", ".join(f"{w}={p}" for w, p in ports))

    # ---- metric names and dashboard PromQL
    alerts = parsed["deploy/prometheus/alerts.yml"][0]
    for group in alerts["groups"]:
        for rule in group["rules"]:
            for name in metric_names(rule["expr"]):
                check_metric("deploy/prometheus/alerts.yml " + rule["alert"], name)
    dashboard = parsed["deploy/grafana/parley-dashboard.json"][0]
    exprs = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            exprs.append((panel["title"], target["expr"]))
            for name in metric_names(target["expr"]):
                check_metric(f"deploy/grafana/parley-dashboard.json panel {panel['title']!r}", name)
    for panel_title, wanted in (("request rate", "http_requests_total"), ("error", "http_requests_total"),
                                ("latency", "http_request_duration_seconds_bucket"), ("pool", "db_pool_connections"),
                                ("cache hit", "cache_hits_total"), ("rate-limit", "rate_limit_rejections_total")):
        if not any(panel_title in t.lower() and wanted in e for t, e in exprs):
            problem("deploy/grafana/parley-dashboard.json", f"no {panel_title!r} panel using {wanted}")
    with tempfile.TemporaryDirectory() as scratch:
        rules = {"groups": [{"name": "dashboard", "rules": [
            {"record": f"dashboard:expr_{i}",
             "expr": e.replace("$__rate_interval", "5m").replace("$job", "parley").replace("$instance", ".*")}
            for i, (_, e) in enumerate(exprs)]}]}
        path = os.path.join(scratch, "dashboard-rules.yml")
        with open(path, "w") as f:
            yaml.safe_dump(rules, f)
        result = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
        if result.returncode != 0:
            problem("deploy/grafana/parley-dashboard.json", "a query is not valid PromQL:\n" + result.stdout + result.stderr)


if __name__ == "__main__":
    main()
    for line in problems:
        print("check_deploy: " + line, file=sys.stderr)
    if problems:
        sys.exit(1)
    print("check_deploy: deploy files agree with the code")
