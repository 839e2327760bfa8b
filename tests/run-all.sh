#!/usr/bin/env bash
# The one test command (README; .ci/run calls it): installs what is missing (Debian packages,
# and the pinned npm tools under build/tools), then
#   1. checks formatting and lints the OpenAPI spec,
#   2. builds core/ alone (standard library + test libraries only) with coverage, runs its
#      tests and prints line coverage of core/ (fails under 80 %), then clang-tidy on core/,
#   3. builds everything with -Werror (rendering the /docs page with redocly) and runs every
#      test (unit, contract, e2e with every exchange checked against the OpenAPI spec, the
#      /docs page in headless chromium),
#   4. builds everything with ASan+UBSan and runs every test again.
# Build trees live in build/ and are reused between runs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=$(nproc)
step() { printf '\n==== %s\n' "$*"; }

step "dependencies"
bash deploy/scripts/install-deps.sh test

step "format (clang-format --dry-run)"
mapfile -t cxx_files < <(git ls-files '*.hpp' '*.cpp' 2>/dev/null || find core adapters apps tests -name '*.[ch]pp')
clang-format --dry-run --Werror "${cxx_files[@]}"

step "OpenAPI lint (redocly)"
# install-deps.sh put the pinned @redocly/cli into build/tools; the lint runs from the root so
# it reads .redocly.lint-ignore.yaml (the problems accepted on purpose, each explained there).
redocly=build/tools/node_modules/.bin/redocly
REDOCLY_TELEMETRY=off "$redocly" lint api-spec/openapi.yaml

step "core alone, with coverage"
cmake -S . -B build/core -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPARLEY_CORE_ONLY=ON \
  -DPARLEY_COVERAGE=ON -DPARLEY_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build build/core -j"$jobs"
find build/core -name '*.gcda' -delete
ctest --test-dir build/core --output-on-failure --no-tests=error -j"$jobs"
gcovr --root . --filter 'core/' --print-summary --fail-under-line 80 build/core

step "clang-tidy on core/"
mapfile -t core_sources < <(find core/src -name '*.cpp' | sort)
clang-tidy --quiet -p build/core "${core_sources[@]}" 2>/dev/null

step "full build (-Werror) and every test"
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARLEY_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build build/ci -j"$jobs"
ctest --test-dir build/ci --output-on-failure --no-tests=error

step "AddressSanitizer + UndefinedBehaviorSanitizer build and every test"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPARLEY_SANITIZE=ON \
  -DPARLEY_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS=suppressions=$root/tests/sanitizers/lsan.supp \
  ctest --test-dir build/asan --output-on-failure --no-tests=error
