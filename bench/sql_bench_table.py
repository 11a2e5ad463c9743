"""Prints the SQL server benchmark figures (mcp_db_bench JSON files) as one
table: our figures against the issue's goals, and the peers side by side with
the ratios the goals are stated in. Several files of one server (rounds) are
summarised by their medians."""
import json
import os
import statistics
import sys

rounds = {}
for path in sys.argv[1:]:
    with open(path) as f:
        figures = json.load(f)
    rounds.setdefault(figures["name"], []).append(figures)
# Each figure is the median over the rounds a server ran.
runs = {
    name: {key: statistics.median(r[key] for r in results) for key in results[0] if key != "name"}
    for name, results in rounds.items()
}
round_count = max(len(results) for results in rounds.values())
ours = runs["aurite"]
order = ["aurite"] + [name for name in ("toolbox", "dbhub") if name in runs]
labels = {"aurite": "aurite", "toolbox": "MCP Toolbox 1.12.0", "dbhub": "DBHub 1.4.0"}


def verdict(ok):
    return "met" if ok else "MISSED"


rows = [
    ("point query p50", "point_p50_ms", "{:.3f} ms"),
    ("point query p99", "point_p99_ms", "{:.3f} ms"),
    ("point query calls/s", "point_calls_per_s", "{:,.0f}"),
    ("10k rows x 4 cols p50", "rows_p50_ms", "{:.2f} ms"),
    ("10k rows x 4 cols p99", "rows_p99_ms", "{:.2f} ms"),
    ("peak RSS (point-query run)", "peak_rss_kib", "{:.1f} MiB"),
    ("ready: spawn to tools/list p50", "ready_p50_ms", "{:.2f} ms"),
    ("ready: spawn to tools/list min", "ready_min_ms", "{:.2f} ms"),
]
with open("/proc/loadavg") as f:
    load = f.read().split()[0]
print("== SQL server over stdio: PostgreSQL 15 on loopback, one client (bench/mcp_db_bench)")
print(f"   (load average {load} on {os.cpu_count()} CPUs: figures are noisy when it is high;"
      f" medians of {round_count} alternating round(s))")
width = 20
print(f"  {'':32}" + "".join(f"{labels[n]:>{width}}" for n in order))
for label, key, fmt in rows:
    cells = []
    for name in order:
        value = runs[name][key] / 1024 if key == "peak_rss_kib" else runs[name][key]
        cells.append(f"{fmt.format(value):>{width}}")
    print(f"  {label:32}" + "".join(cells))

print()
print("  goals")
rss_mib = ours["peak_rss_kib"] / 1024
print(f"    10k rows p50 under 5 ms:          {ours['rows_p50_ms']:8.2f} ms   {verdict(ours['rows_p50_ms'] < 5)}")
if "rows_p50_ms" in runs.get("libpq-floor", {}):
    floor = runs["libpq-floor"]
    print(f"      (floor: the system's libpq alone, single-row mode, same rows, pausing "
          f"{floor['rows_pause_ms']:.1f} ms between calls as our client did: {floor['rows_p50_ms']:.2f} ms;"
          f" back to back: {floor['rows_back_to_back_p50_ms']:.2f} ms)")
print(f"    peak RSS under 10 MiB:            {rss_mib:8.1f} MiB  {verdict(rss_mib < 10)}")
if "libpq-floor" in runs:
    floor_mib = runs["libpq-floor"]["peak_rss_kib"] / 1024
    print(f"      (floor: a program linking only the system's libpq, same point query: "
          f"{floor_mib:.1f} MiB)")
print(f"    ready under 5 ms:                 {ours['ready_p50_ms']:8.2f} ms   {verdict(ours['ready_p50_ms'] < 5)}")
if "toolbox" in runs:
    toolbox = runs["toolbox"]
    ratio = ours["point_p50_ms"] / toolbox["point_p50_ms"]
    print(f"    point p50 at most 0.8x Toolbox's: {ratio:8.2f}x        {verdict(ratio <= 0.8)}")
    ratio = ours["point_calls_per_s"] / toolbox["point_calls_per_s"]
    print(f"    calls/s at least 1.25x Toolbox's: {ratio:8.2f}x        {verdict(ratio >= 1.25)}")
if "dbhub" in runs:
    ratio = ours["point_calls_per_s"] / runs["dbhub"]["point_calls_per_s"]
    print(f"    calls/s at least 2x DBHub:        {ratio:8.2f}x        {verdict(ratio >= 2)}")
for name in order[1:]:
    peer = runs[name]
    print(f"    vs {labels[name]}: 10k rows {peer['rows_p50_ms'] / ours['rows_p50_ms']:.1f}x faster, "
          f"RSS {peer['peak_rss_kib'] / ours['peak_rss_kib']:.1f}x smaller, "
          f"ready {peer['ready_p50_ms'] / ours['ready_p50_ms']:.1f}x sooner")
