#!/usr/bin/env bash
# Installs the Debian 12 packages Parley needs. Usage: install-deps.sh [run|test]
#   run  - what building and running the server needs (default)
#   test - that plus the test, coverage and lint tools
# Skips apt entirely when everything is already installed, so repeated runs are fast.
set -euo pipefail

mode=${1:-run}
packages=(
  cmake ninja-build g++ pkg-config ca-certificates
  libboost-json1.81-dev libsoci-dev libsqlite3-dev libpq-dev libhiredis-dev libssl-dev libspdlog-dev
)
case "$mode" in
  run) ;;
  test)
    packages+=(catch2 libtrompeloeil-cpp-dev gcovr clang-format clang-tidy curl
               postgresql-15 postgresql-client-15 redis-server redis-tools)
    # The deploy checks, the multi-instance test (tests/deploy, tests/multi) and the metrics
    # e2e test: promtool for the alert rules and /metrics, nginx in front of two instances,
    # openssl for a throwaway certificate, python3-yaml to parse the YAML files. binutils'
    # readelf and dpkg come with g++ / Debian.
    packages+=(prometheus nginx openssl python3 python3-yaml binutils)
    # The OpenAPI linter runs on Node. Debian's nodejs and npm are asked for only when there is
    # no npm at all: a machine with Node from elsewhere (whose nodejs bundles npm) would
    # otherwise be given conflicting packages.
    command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
    ;;
  *) echo "usage: $0 [run|test]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
else
  sudo_cmd=()
fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-upgrade "${missing[@]}" >/dev/null
