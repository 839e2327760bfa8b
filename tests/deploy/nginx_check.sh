#!/usr/bin/env bash
# `nginx -t` on deploy/nginx/ as shipped, rendered with loopback ports and a throwaway
# self-signed certificate (openssl) in a scratch folder that is removed afterwards.
# usage: nginx_check.sh REPO_ROOT PYTHON3
set -euo pipefail

root=$1
python=$2
command -v nginx >/dev/null || { echo "nginx_check: nginx not found (Debian package nginx)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "nginx_check: openssl not found (Debian package openssl)" >&2; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/parley-nginx-check-XXXXXX")
trap 'rm -rf "$scratch"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
  -keyout "$scratch/privkey.pem" -out "$scratch/fullchain.pem" 2>/dev/null
# Ports are not bound by `nginx -t`; any valid numbers do.
conf=$("$python" "$root/tests/deploy/render_nginx.py" --deploy-dir "$root/deploy" --out "$scratch/conf" \
  --servers 127.0.0.1:18081,127.0.0.1:18082 --http-port 18080 --https-port 18443 \
  --cert "$scratch/fullchain.pem" --key "$scratch/privkey.pem")
nginx -t -p "$scratch/conf" -c "$conf" -e stderr
