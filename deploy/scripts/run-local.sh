#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running Parley on the embedded default
# (one SQLite file for data and token state, no servers needed). Configure it through the
# environment as usual, e.g. PARLEY_LISTEN=0.0.0.0:8080 bash deploy/scripts/run-local.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

bash deploy/scripts/install-deps.sh run
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target parley -j"$(nproc)"

export PARLEY_DATA_DIR=${PARLEY_DATA_DIR:-$root/var}
echo "run-local: starting parley on ${PARLEY_LISTEN:-127.0.0.1:8080}, data in $PARLEY_DATA_DIR (Ctrl-C stops it)"
exec build/release/apps/parley/parley serve
