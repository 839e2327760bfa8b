#!/usr/bin/env python3
"""Bookkeeping of tests/bench/run.sh: turns each wrk or pgbench run into one JSON record
(raw/runs.jsonl), and the records into the result table (results.json, results.md) and the
gnuplot script of the throughput/latency plot. Standard library only.

  report.py record ...           a wrk run (its BENCH_RESULT line) as a record
  report.py record-pgbench ...   a pgbench run (its output and per-transaction logs)
  report.py record-seed ...      the "seed done" log line of `parley seed` (stdin)
  report.py record-idle ...      the server's RSS before its first request
  report.py brief --wrk JSON     one human line for the progress log
  report.py spread-exceeds ...   exit 0 when the repeats' req/s spread exceeds --limit
  report.py aggregate ...        results.json, results.md, throughput.dat/.gp
  report.py check RESULTS.json   the smoke check: results exist, requests > 0, no errors
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys
from datetime import datetime, timezone

# Which ceiling each Parley scenario is compared with: (target, scenario) of the same mode and
# connection count. pgbench ceilings exist in PostgreSQL mode only.
CEILINGS = {
    "cached_list": ("nginx", "cached_list"),
    "list_random": ("pgbench", "list_random"),
    "list_deep": ("pgbench", "list_deep"),
    "list_cursor": ("pgbench", "list_cursor"),
    "get_post": ("pgbench", "get_post"),
    "create_post": ("pgbench", "create_post"),
}
# The /healthz figures measured while a second wrk floods the login endpoint (login_flood).
HEALTHZ_UNDER_FLOOD = "healthz_during_login_flood"
ERROR_KINDS = ("connect", "read", "write", "timeout", "non2xx")


def error_count(record):
    return sum(record["errors"].get(kind, 0) for kind in ERROR_KINDS)


def cmd_record(args):
    wrk = json.loads(args.wrk)
    shed = wrk.get("shed", 0)
    if shed:
        # Answers refused on purpose (503 + Retry-After) are not throughput: req/s counts the
        # 2xx answers; rps_all keeps wrk's figure. Latencies still include the quick refusals.
        wrk["rps_all"] = wrk["rps"]
        wrk["rps"] = (wrk["requests"] - shed) / wrk["duration_s"] if wrk["duration_s"] else 0.0
    record = {
        "target": args.target,
        "mode": args.mode,
        "scenario": args.scenario,
        "connections": args.connections,
        "kind": args.kind,
        "cpu_seconds": args.cpu_seconds,
        "peak_rss_kib": args.peak_rss_kib,
        **wrk,
    }
    print(json.dumps(record))


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def cmd_record_pgbench(args):
    def number(pattern):
        match = re.search(pattern, args.output)
        return float(match.group(1)) if match else None

    tps = number(r"tps = ([0-9.]+) \(without initial connection time\)")
    processed = number(r"number of transactions actually processed: ([0-9]+)")
    failed = number(r"number of failed transactions: ([0-9]+)") or 0
    duration = number(r"duration: ([0-9]+) s")
    if tps is None and processed == 0:
        tps = 0.0  # nothing finished (e.g. a short warm-up spent connecting): no tps line
    if tps is None or processed is None:
        sys.exit("pgbench output without tps:\n" + args.output)
    latencies = []
    for path in glob.glob(os.path.join(args.logs, "tx*")):
        with open(path) as log:
            for line in log:
                fields = line.split()
                if len(fields) >= 3 and fields[2].isdigit():
                    latencies.append(int(fields[2]) / 1000.0)  # microseconds -> ms
    record = {
        "target": "pgbench",
        "mode": "postgres",
        "scenario": args.scenario,
        "connections": args.connections,
        "clients": args.clients,
        "kind": args.kind,
        "requests": int(processed),
        "duration_s": duration,
        "rps": tps,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies) if latencies else None,
        "errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0, "status": 0, "non2xx": int(failed)},
        "cpu_seconds": None,
        "peak_rss_kib": None,
    }
    print(json.dumps(record))


def cmd_record_seed(args):
    line = sys.stdin.readline()
    if not line:
        sys.exit("no 'seed done' line")
    done = json.loads(line)
    print(json.dumps({"kind": "seed", "mode": args.mode,
                      **{key: done[key] for key in ("users", "posts", "comments", "seconds", "rows_per_second")}}))


def cmd_record_idle(args):
    print(json.dumps({"kind": "idle", "mode": args.mode, "rss_kib": args.rss_kib}))


def cmd_brief(args):
    wrk = json.loads(args.wrk)
    shed = wrk.get("shed", 0)
    print(f"{wrk['rps']:.0f} req/s, p50 {wrk['p50_ms']:.2f} ms, p99 {wrk['p99_ms']:.2f} ms, "
          f"errors {error_count(wrk)} ({wrk['requests']} requests" + (f", {shed} shed with 503)" if shed else ")"))


def read_raw(path):
    with open(path) as raw:
        return [json.loads(line) for line in raw if line.strip()]


def repeats_of(records, target, mode, scenario, connections):
    return [r for r in records if r.get("kind") == "repeat" and r["target"] == target and r["mode"] == mode
            and r["scenario"] == scenario and r["connections"] == connections]


def spread(values):
    median = statistics.median(values)
    return (max(values) - min(values)) / median if median else 0.0


def cmd_spread_exceeds(args):
    runs = repeats_of(read_raw(args.raw), args.target, args.mode, args.scenario, args.connections)
    rates = [r["rps"] for r in runs]
    sys.exit(0 if len(rates) >= 2 and spread(rates) > args.limit else 1)


def summarise(records):
    """One row per (target, mode, scenario, connections) from its repeats."""
    groups = {}
    for r in records:
        if r.get("kind") not in ("repeat", "warmup"):
            continue
        key = (r["target"], r["mode"], r["scenario"], r["connections"])
        groups.setdefault(key, {"repeat": [], "warmup": []})[r["kind"]].append(r)
    rows = []
    for (target, mode, scenario, connections), runs in groups.items():
        repeats = runs["repeat"]
        if not repeats:
            continue
        rates = [r["rps"] for r in repeats]
        errors = sum(error_count(r) for r in repeats)
        p50 = [r["p50_ms"] for r in repeats if r["p50_ms"] is not None]
        p99 = [r["p99_ms"] for r in repeats if r["p99_ms"] is not None]
        cpu = [r["cpu_seconds"] for r in repeats if r.get("cpu_seconds") is not None]
        # The server's CPU per answered request: steadier than req/s on a shared machine.
        cpu_per_request = [1e6 * r["cpu_seconds"] / r["requests"] for r in repeats
                           if r.get("cpu_seconds") is not None and r["requests"]]
        rss = [r["peak_rss_kib"] for r in repeats if r.get("peak_rss_kib")]
        rows.append({
            "target": target,
            "mode": mode,
            "scenario": scenario,
            "connections": connections,
            "clients": repeats[0].get("clients", connections),
            "repeats": len(repeats),
            "requests": sum(r["requests"] for r in repeats),
            "rps_median": statistics.median(rates),
            "rps_min": min(rates),
            "rps_max": max(rates),
            "spread": spread(rates),
            "p50_ms": statistics.median(p50) if p50 else None,
            "p99_ms": statistics.median(p99) if p99 else None,
            "errors": errors,
            "errors_by_kind": {kind: sum(r["errors"].get(kind, 0) for r in repeats) for kind in ERROR_KINDS},
            "warmup_errors": sum(error_count(r) for r in runs["warmup"]),
            "shed": sum(r.get("shed", 0) for r in repeats),
            "cpu_seconds": statistics.median(cpu) if cpu else None,
            "cpu_us_per_request": statistics.median(cpu_per_request) if cpu_per_request else None,
            "peak_rss_mib": round(max(rss) / 1024, 1) if rss else None,
            "status": "ok" if errors == 0 and all(r["requests"] > r.get("shed", 0) for r in repeats) else "rejected",
        })
    index = {(r["target"], r["mode"], r["scenario"], r["connections"]): r for r in rows}
    for row in rows:
        row["ceiling"] = None
        row["ceiling_rps"] = None
        row["ratio"] = None
        if row["target"] != "parley" or row["scenario"] not in CEILINGS:
            continue
        target, scenario = CEILINGS[row["scenario"]]
        mode = "postgres" if target == "pgbench" else row["mode"]
        if target == "pgbench" and row["mode"] != "postgres":
            continue
        ceiling = index.get((target, mode, scenario, row["connections"]))
        if ceiling and ceiling["rps_median"]:
            row["ceiling"] = f"{target}/{scenario}"
            row["ceiling_rps"] = ceiling["rps_median"]
            row["ratio"] = row["rps_median"] / ceiling["rps_median"]
    order = {"parley": 0, "nginx": 1, "pgbench": 2}
    rows.sort(key=lambda r: (order.get(r["target"], 9), r["mode"], r["scenario"], r["connections"]))
    return rows


def fmt(value, digits=1):
    return "–" if value is None else f"{value:.{digits}f}"


def ratio(value):
    return "–" if value is None else f"{100 * value:.0f} %"


def shed_note(row):
    return f" (+{row['shed']} shed)" if row.get("shed") else ""


def markdown(result):
    lines = [
        f"# Parley benchmark ({result['profile']} profile, {result['finished_at']}, revision {result['revision']})",
        "",
        "Median of the repeats (min–max); latencies are medians of the repeats' percentiles; "
        "errors count socket errors, timeouts and non-2xx responses of the repeats (any, or a repeat "
        "without a completed request, rejects the row); "
        "CPU is the server's user+system seconds per repeat (and per request); RSS the server's peak during the repeats. "
        "`shed`: logins refused on purpose with 503 + Retry-After (hashing limits), not counted as errors "
        "nor in req/s. `" + HEALTHZ_UNDER_FLOOD + "`: GET /healthz (4 connections) while the row's "
        "connections flood the login endpoint; its p99 is the login-flood figure.",
        "",
        "| target | mode | scenario | conns | req/s (min–max) | p50 ms | p99 ms | errors | ceiling req/s | ratio | CPU s | CPU µs/req | peak RSS MiB | status |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in result["rows"]:
        conns = str(r["connections"]) + (f" ({r['clients']} clients)" if r["clients"] != r["connections"] else "")
        lines.append(
            f"| {r['target']} | {r['mode']} | {r['scenario']} | {conns} | "
            f"{r['rps_median']:.0f} ({r['rps_min']:.0f}–{r['rps_max']:.0f}) | {fmt(r['p50_ms'], 2)} | "
            f"{fmt(r['p99_ms'], 2)} | {r['errors']}{shed_note(r)} | {fmt(r['ceiling_rps'], 0)} | "
            f"{ratio(r['ratio'])} | {fmt(r['cpu_seconds'], 2)} | {fmt(r.get('cpu_us_per_request'), 0)} | "
            f"{fmt(r['peak_rss_mib'])} | {r['status']} |")
    if result["seed"]:
        lines += ["", "| seed | users | posts | comments | seconds | rows/s |", "|---|---:|---:|---:|---:|---:|"]
        for s in result["seed"]:
            lines.append(f"| {s['mode']} | {s['users']} | {s['posts']} | {s['comments']} | "
                         f"{s['seconds']:.1f} | {s['rows_per_second']:.0f} |")
    if result["idle"]:
        lines += ["", "Idle RSS before the first request: " +
                  ", ".join(f"{i['mode']} {i['rss_kib'] / 1024:.1f} MiB" for i in result["idle"]) + "."]
    return "\n".join(lines) + "\n"


def gnuplot(result, out):
    series = {}
    for r in result["rows"]:
        if r["p99_ms"] is None:
            continue
        series.setdefault(f"{r['target']}/{r['mode']}/{r['scenario']}", []).append(r)
    names = sorted(series)
    with open(os.path.join(out, "throughput.dat"), "w") as data:
        for name in names:
            data.write(f'"{name}"\n')
            for r in sorted(series[name], key=lambda r: r["connections"]):
                data.write(f"{r['rps_median']:.1f} {r['p99_ms']:.3f} {r['connections']}\n")
            data.write("\n\n")
    with open(os.path.join(out, "throughput.gp"), "w") as script:
        script.write(f"""# Throughput (x) against p99 latency (y), one line per target/mode/scenario through its
# connection counts. Generated by tests/bench/report.py.
set terminal png size 1400,900 noenhanced
set output '{os.path.join(out, "throughput.png")}'
set title 'Parley benchmark ({result["profile"]}, {result["finished_at"]}): requests/s vs p99 latency'
set xlabel 'requests per second (median of the repeats)'
set ylabel 'p99 latency, ms'
set logscale xy
set grid
set key outside right top
set datafile separator whitespace
plot for [i=0:{max(len(names) - 1, 0)}] '{os.path.join(out, "throughput.dat")}' index i using 1:2 \\
     with linespoints pointsize 1.5 title columnheader(1)
""")


def cmd_aggregate(args):
    records = read_raw(args.raw)
    result = {
        "profile": args.profile,
        "finished_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "revision": args.revision,
        "parley": args.parley,
        "cpus": os.cpu_count(),
        "rows": summarise(records),
        "seed": [r for r in records if r.get("kind") == "seed"],
        "idle": [r for r in records if r.get("kind") == "idle"],
    }
    with open(os.path.join(args.out, "results.json"), "w") as out:
        json.dump(result, out, indent=2)
        out.write("\n")
    with open(os.path.join(args.out, "results.md"), "w") as out:
        out.write(markdown(result))
    gnuplot(result, args.out)


def cmd_check(args):
    with open(args.results) as results:
        result = json.load(results)
    rows = [r for r in result["rows"] if r["target"] == "parley"]
    problems = []
    if not rows:
        problems.append("no Parley result")
    for r in rows:
        name = f"{r['mode']}/{r['scenario']}/{r['connections']}"
        if r["requests"] <= 0 or r["status"] != "ok":
            problems.append(f"{name}: {r['status']}, {r['requests']} requests completed")
        if r["errors"] != 0:
            problems.append(f"{name}: {r['errors']} errors {r['errors_by_kind']}")
    if problems:
        sys.exit("bench check failed:\n  " + "\n  ".join(problems))
    print(f"bench check: {len(rows)} result(s), " +
          ", ".join(f"{r['scenario']} {r['requests']} requests, 0 errors" for r in rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("record")
    for name in ("target", "mode", "scenario", "kind", "wrk"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--connections", type=int, required=True)
    p.add_argument("--cpu-seconds", type=float, required=True)
    p.add_argument("--peak-rss-kib", type=int, required=True)
    p.set_defaults(run=cmd_record)

    p = sub.add_parser("record-pgbench")
    for name in ("scenario", "kind", "output", "logs"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--connections", type=int, required=True)
    p.add_argument("--clients", type=int, required=True)
    p.set_defaults(run=cmd_record_pgbench)

    p = sub.add_parser("record-seed")
    p.add_argument("--mode", required=True)
    p.set_defaults(run=cmd_record_seed)

    p = sub.add_parser("record-idle")
    p.add_argument("--mode", required=True)
    p.add_argument("--rss-kib", type=int, required=True)
    p.set_defaults(run=cmd_record_idle)

    p = sub.add_parser("brief")
    p.add_argument("--wrk", required=True)
    p.set_defaults(run=cmd_brief)

    p = sub.add_parser("spread-exceeds")
    for name in ("raw", "target", "mode", "scenario"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--connections", type=int, required=True)
    p.add_argument("--limit", type=float, required=True)
    p.set_defaults(run=cmd_spread_exceeds)

    p = sub.add_parser("aggregate")
    for name in ("raw", "out", "profile", "parley", "revision"):
        p.add_argument("--" + name, required=True)
    p.set_defaults(run=cmd_aggregate)

    p = sub.add_parser("check")
    p.add_argument("results")
    p.set_defaults(run=cmd_check)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
