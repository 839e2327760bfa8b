#!/usr/bin/env bash
# Backs up Parley's PostgreSQL database to one file, as docs/operations.md describes.
#
#   PARLEY_DATABASE_URL=postgresql://... deploy/scripts/pg-backup.sh FILE
#
# pg_dump reads one consistent snapshot, so Parley may keep serving while it runs. The file is
# PostgreSQL's custom format (compressed; pg_restore can pick objects out of it). It is written
# next to FILE under a temporary name, checked by listing its contents with pg_restore, and only
# then renamed to FILE, so a FILE that exists is a complete backup. The file holds password
# hashes and refresh-token digests: it is created readable by its owner only.
# PARLEY_DATABASE_URL takes the same forms as for Parley (a postgresql:// URL or libpq
# key=value pairs). PG_BIN names a folder of PostgreSQL client programs to use instead
# of those on PATH (pg_dump must be as new as the server).
set -euo pipefail

if [[ $# -ne 1 || -z $1 ]]; then
  echo "usage: PARLEY_DATABASE_URL=... $0 FILE" >&2
  exit 2
fi
if [[ -z ${PARLEY_DATABASE_URL:-} ]]; then
  echo "pg-backup.sh: PARLEY_DATABASE_URL is not set" >&2
  exit 2
fi
file=$1
bin=${PG_BIN:+$PG_BIN/}
partial="$file.partial.$$"
trap 'rm -f "$partial"' EXIT

umask 077
"${bin}pg_dump" --format=custom --no-owner --no-privileges --dbname="$PARLEY_DATABASE_URL" --file="$partial"
tables=$("${bin}pg_restore" --list "$partial" | grep -c ' TABLE ' || true)
if [[ $tables -eq 0 ]]; then
  echo "pg-backup.sh: the dump holds no table; is PARLEY_DATABASE_URL Parley's database?" >&2
  exit 1
fi
mv "$partial" "$file"
trap - EXIT
echo "pg-backup.sh: wrote $file ($tables tables, $(stat -c %s "$file") bytes)"
