#!/usr/bin/env bash
# Installs what Parley needs on Debian 12. Usage: install-deps.sh [run|test]
#   run  - what building and running the server needs (default): compilers and libraries, and
#          Node with @redocly/cli, which renders the /docs page during the build
#   test - that plus the test, coverage and lint tools: the npm packages of the OpenAPI
#          conformance check (ajv, ajv-formats, yaml), newman (which runs the RealWorld Conduit
#          collection against the /api frontend) and chromium, the browser /docs is drawn in
# Debian packages come from apt; npm packages, pinned to exact versions, go under build/tools
# of the repository (not the system). Skips whatever is already there, so repeated runs are fast.
set -euo pipefail

mode=${1:-run}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tools="$root/build/tools"
packages=(
  cmake ninja-build g++ pkg-config ca-certificates
  libboost-json1.81-dev libsoci-dev libsqlite3-dev libpq-dev libhiredis-dev libssl-dev libspdlog-dev
  libgoogle-perftools-dev
)
# Pinned 1.x: they run on Debian 12's own nodejs 18.
npm_packages=(@redocly/cli@1.34.5)
case "$mode" in
  run) ;;
  test)
    packages+=(catch2 libtrompeloeil-cpp-dev gcovr clang-format clang-tidy curl
               postgresql-15 postgresql-client-15 redis-server redis-tools chromium)
    # The deploy checks, the multi-instance test (tests/deploy, tests/multi) and the metrics
    # e2e test: promtool for the alert rules and /metrics, nginx in front of two instances,
    # openssl for a throwaway certificate, python3-yaml to parse the YAML files. binutils'
    # readelf and dpkg come with g++ / Debian.
    packages+=(prometheus nginx openssl python3 python3-yaml binutils)
    # The benchmark harness (tests/bench/run.sh and its CTest smoke run): wrk drives the load,
    # nginx serves the static ceiling, gnuplot draws the plot; pgbench comes with postgresql-15.
    packages+=(wrk gnuplot-nox)
    npm_packages+=(ajv@8.17.1 ajv-formats@3.0.1 yaml@2.8.1)
    # The RealWorld frontend's public test suite (tests/realworld): the Postman collection's runner.
    npm_packages+=(newman@6.2.2)
    ;;
  *) echo "usage: $0 [run|test]" >&2; exit 2 ;;
esac
# Debian's nodejs and npm are asked for only when there is no npm at all: a machine with Node
# from elsewhere (whose nodejs bundles npm) would otherwise be given conflicting packages.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} Debian packages present"
else
  if [[ $(id -u) -ne 0 ]]; then
    sudo_cmd=(sudo)
  else
    sudo_cmd=()
  fi
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-upgrade "${missing[@]}" >/dev/null
fi

# An npm package counts as present when build/tools holds exactly the pinned version.
npm_missing=()
for spec in "${npm_packages[@]}"; do
  name=${spec%@*}
  version=${spec##*@}
  manifest="$tools/node_modules/$name/package.json"
  installed=$([[ -f $manifest ]] && node -p "require(process.argv[1]).version" "$manifest" 2>/dev/null || true)
  [[ $installed == "$version" ]] || npm_missing+=("$spec")
done
if ((${#npm_missing[@]} == 0)); then
  echo "install-deps: all ${#npm_packages[@]} npm packages present in build/tools"
else
  echo "install-deps: npm installing ${npm_missing[*]} into build/tools"
  mkdir -p "$tools"
  # Every pinned package at once, so npm keeps all of them in build/tools/package.json.
  npm install --silent --no-audit --no-fund --save-exact --prefix "$tools" "${npm_packages[@]}"
fi
