#!/usr/bin/env bash
# CPU microseconds per request of a running server (and optionally of a second process, e.g.
# Redis) over one wrk run: the steadier figure for comparing two builds back to back on a
# shared machine, where req/s drifts from minute to minute. Used for docs/performance.md.
#
#   tests/bench/cpu_per_request.sh SERVER_PID URL [SECONDS [CONNECTIONS [OTHER_PID]]]
#
# wrk runs on CPU 0 (-t1), as in run.sh; pin the servers to CPU 1 yourself (taskset -c 1).
set -euo pipefail
[[ $# -ge 2 ]] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
server=$1 url=$2 seconds=${3:-5} conns=${4:-64} other=${5:-}

cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / hz }' "/proc/$1/stat"; }

s0=$(cpu "$server")
[[ -n $other ]] && o0=$(cpu "$other")
out=$(taskset -c 0 wrk -t1 -c "$conns" -d "${seconds}s" --timeout 5s --latency "$url" 2>&1)
s1=$(cpu "$server")
[[ -n $other ]] && o1=$(cpu "$other")
requests=$(awk '/requests in/ { print $1 }' <<<"$out")
rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
line=$(awk -v a="$s0" -v b="$s1" -v n="$requests" 'BEGIN { printf "%.1f", (b - a) * 1e6 / n }')
printf 'requests %s, %s req/s, p99 %s, non-2xx %s, server %s us/request' "$requests" "$rps" "$p99" "${non2xx:-0}" "$line"
if [[ -n $other ]]; then
  printf ', other %s us/request' "$(awk -v a="$o0" -v b="$o1" -v n="$requests" 'BEGIN { printf "%.1f", (b - a) * 1e6 / n }')"
fi
printf '\n'
