#!/usr/bin/env bash
# Restores a backup made by pg-backup.sh into an empty PostgreSQL database, as
# docs/operations.md describes.
#
#   PARLEY_DATABASE_URL=postgresql://... deploy/scripts/pg-restore.sh FILE
#
# The target database must exist and hold no table: the script refuses to mix a backup into a
# live schema. Everything is restored in one transaction, so a failure leaves the database as
# empty as it was. Objects are owned by the role of PARLEY_DATABASE_URL, the role Parley then
# runs as. After a restore, run `parley migrate` (or start Parley with
# PARLEY_MIGRATE_ON_START=true) so a backup from an older release gets the newer migrations.
# PG_BIN names a folder of PostgreSQL client programs to use instead of those on PATH.
set -euo pipefail

if [[ $# -ne 1 || -z $1 ]]; then
  echo "usage: PARLEY_DATABASE_URL=... $0 FILE" >&2
  exit 2
fi
if [[ -z ${PARLEY_DATABASE_URL:-} ]]; then
  echo "pg-restore.sh: PARLEY_DATABASE_URL is not set" >&2
  exit 2
fi
file=$1
bin=${PG_BIN:+$PG_BIN/}
if [[ ! -r $file ]]; then
  echo "pg-restore.sh: cannot read $file" >&2
  exit 2
fi

tables=$("${bin}psql" -X -At -v ON_ERROR_STOP=1 --dbname="$PARLEY_DATABASE_URL" \
  -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [[ $tables -ne 0 ]]; then
  echo "pg-restore.sh: the target database already holds $tables table(s); restore into an empty one" >&2
  exit 1
fi
"${bin}pg_restore" --exit-on-error --single-transaction --no-owner --no-privileges \
  --dbname="$PARLEY_DATABASE_URL" "$file"
echo "pg-restore.sh: restored $file; now run \`parley migrate\`"
