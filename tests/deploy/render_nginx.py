#!/usr/bin/env python3
"""Renders deploy/nginx/ into a self-contained nginx configuration in a scratch folder, for
`nginx -t` (tests/deploy/nginx_check.sh) and for the multi-instance test (tests/multi).

Only what cannot work on a test machine is replaced: the upstream servers, the listen
addresses (loopback, free ports), the certificate paths, the pid/log/temp paths and the
include paths. Every replacement must find exactly the text it expects in the deploy files,
so a change there that this script does not know about fails loudly instead of being tested
half. Everything else (proxy headers, retries, timeouts, body limit, gzip, keep-alive) is
the deploy files' own text.

usage: render_nginx.py --deploy-dir DIR --out DIR --servers HOST:PORT[,HOST:PORT...]
                       --http-port N --https-port N --cert FILE --key FILE [--plain-https-port]
  --plain-https-port  the HTTPS server block listens without TLS (for a plain-HTTP test client);
                      its locations and settings are unchanged.
"""
import argparse
import os
import re
import sys


def fail(message):
    sys.stderr.write("render_nginx.py: " + message + "\n")
    sys.exit(1)


def replace_exactly(text, pattern, replacement, count, what, flags=re.MULTILINE):
    found = len(re.findall(pattern, text, flags))
    if found != count:
        fail(f"expected {count} match(es) of {what} ({pattern!r}) in the deploy file, found {found}")
    return re.sub(pattern, replacement, text, flags=flags)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--deploy-dir", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--servers", required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--https-port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--plain-https-port", action="store_true")
    args = parser.parse_args()

    nginx_dir = os.path.join(args.deploy_dir, "nginx")
    out = os.path.abspath(args.out)
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(out, "temp", sub), exist_ok=True)

    with open(os.path.join(nginx_dir, "nginx.conf")) as f:
        main_conf = f.read()
    with open(os.path.join(nginx_dir, "parley.conf")) as f:
        site = f.read()
    with open(os.path.join(nginx_dir, "parley-proxy.conf")) as f:
        proxy = f.read()

    # nginx.conf: local pid, logs and temp folders; include the rendered site.
    main_conf = replace_exactly(main_conf, r"^pid \S+;$", f"pid {out}/nginx.pid;", 1, "the pid line")
    main_conf = replace_exactly(main_conf, r"^worker_processes \S+;$", "worker_processes 1;", 1,
                                "worker_processes")
    main_conf = replace_exactly(main_conf, r"access_log /dev/stdout parley_json;",
                                f"access_log {out}/access.log parley_json;", 1, "the access log")
    temp_paths = "".join(
        f"    {name}_temp_path {out}/temp/{sub};\n"
        for name, sub in (("client_body", "client_body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"),
                          ("uwsgi", "uwsgi"), ("scgi", "scgi")))
    main_conf = replace_exactly(main_conf, r"^    include /etc/nginx/conf\.d/\*\.conf;$",
                                temp_paths + f"    include {out}/parley.conf;", 1, "the conf.d include")
    if os.geteuid() == 0:
        # Workers would otherwise run as nobody and could not use the root-owned temp folders.
        main_conf = "user root;\n" + main_conf

    # parley.conf: the given instances, loopback listeners, the given certificate.
    servers = [s for s in args.servers.split(",") if s]
    if not servers:
        fail("--servers is empty")
    server_pattern = r"^    server parley-\d+:8080 (max_fails=\d+ fail_timeout=\d+s);\n"
    params = re.findall(server_pattern, site, re.MULTILINE)
    if len(params) < 2 or len(set(params)) != 1:
        fail("expected at least two `server parley-N:8080 max_fails=.. fail_timeout=..;` lines "
             "with the same parameters in the upstream block")
    lines = "".join(f"    server {s} {params[0]};\n" for s in servers)
    first = True

    def upstream_lines(match):
        nonlocal first
        if first:
            first = False
            return lines
        return ""

    site = re.sub(server_pattern, upstream_lines, site, flags=re.MULTILINE)
    site = replace_exactly(site, r"^    listen 80;$", f"    listen 127.0.0.1:{args.http_port};", 1,
                           "the HTTP listen line")
    site = replace_exactly(site, r"^    listen \[::\]:80;\n", "", 1, "the IPv6 HTTP listen line")
    https_listen = (f"    listen 127.0.0.1:{args.https_port};" if args.plain_https_port
                    else f"    listen 127.0.0.1:{args.https_port} ssl http2;")
    site = replace_exactly(site, r"^    listen 443 ssl http2;$", https_listen, 1, "the HTTPS listen line")
    site = replace_exactly(site, r"^    listen \[::\]:443 ssl http2;\n", "", 1, "the IPv6 HTTPS listen line")
    site = replace_exactly(site, r"ssl_certificate +/etc/nginx/certs/fullchain\.pem;",
                           f"ssl_certificate {os.path.abspath(args.cert)};", 1, "ssl_certificate")
    site = replace_exactly(site, r"ssl_certificate_key +/etc/nginx/certs/privkey\.pem;",
                           f"ssl_certificate_key {os.path.abspath(args.key)};", 1, "ssl_certificate_key")
    site = replace_exactly(site, r"include /etc/nginx/parley-proxy\.conf;",
                           f"include {out}/parley-proxy.conf;", 1, "the proxy include")

    for name, text in (("nginx.conf", main_conf), ("parley.conf", site), ("parley-proxy.conf", proxy)):
        with open(os.path.join(out, name), "w") as f:
            f.write(text)
    print(os.path.join(out, "nginx.conf"))


if __name__ == "__main__":
    main()
