#!/usr/bin/env python3
"""Turns bench/run.sh's results.tsv into its one table.

Each row is a scenario and a server: the median over the rounds of requests/s, p50 and p99 latency and peak
resident memory, and next to each the median over the rounds of its ratio to nginx and to HAProxy measured in
the same round and scenario. A "+log" server is compared with the "+log" variant of nginx and HAProxy, every
other server with the variants that log nothing. Errors are totals over all rounds: status (responses with a
status >= 400) / socket (connect, read, write, timeout).

    bench/report.py results.tsv
"""
import csv
import statistics
import sys

SERVER_ORDER = ["direct", "nginx", "haproxy", "gatehouse", "gatehouse@base", "jetty", "vertx", "spring-gw", "undertow",
                "nginx+log", "haproxy+log", "gatehouse+log"]
METRICS = ["rps", "p50_ms", "p99_ms", "rss_mib"]


def reference(server, kind):
    return kind + ("+log" if server.endswith("+log") else "")


def fmt(value, digits):
    return "-" if value is None else f"{value:.{digits}f}"


def main(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    runs = {}  # (scenario, server) -> [row per round]
    by_round = {}  # (round, scenario, server) -> row
    scenarios = []
    for row in rows:
        row["rps"] = int(row["requests"]) / (int(row["duration_us"]) / 1e6) if int(row["duration_us"]) else 0.0
        row["p50_ms"] = int(row["p50_us"]) / 1000
        row["p99_ms"] = int(row["p99_us"]) / 1000
        row["rss_mib"] = int(row["rss_kib"]) / 1024
        runs.setdefault((row["scenario"], row["server"]), []).append(row)
        by_round[(row["round"], row["scenario"], row["server"])] = row
        if row["scenario"] not in scenarios:
            scenarios.append(row["scenario"])

    header = ["scenario", "server", "req/s", "/ngx", "/hap", "p50 ms", "/ngx", "/hap", "p99 ms", "/ngx", "/hap",
              "RSS MiB", "/ngx", "/hap", "errors st/sock", "rounds"]
    table = [header]
    for scenario in scenarios:
        servers = sorted({s for (sc, s) in runs if sc == scenario},
                         key=lambda s: SERVER_ORDER.index(s) if s in SERVER_ORDER else len(SERVER_ORDER))
        for server in servers:
            measured = runs[(scenario, server)]
            line = [scenario, server]
            for metric, digits in zip(METRICS, [0, 2, 2, 1]):
                line.append(fmt(statistics.median(r[metric] for r in measured), digits))
                for kind in ("nginx", "haproxy"):
                    ratios = []
                    for r in measured:
                        ref = by_round.get((r["round"], scenario, reference(server, kind)))
                        if ref is not None and ref[metric]:
                            ratios.append(r[metric] / ref[metric])
                    line.append(fmt(statistics.median(ratios), 2) if ratios else "-")
            status = sum(int(r["status"]) for r in measured)
            socket = sum(int(r["socket"]) for r in measured)
            line.append(f"{status}/{socket}")
            line.append(str(len(measured)))
            table.append(line)

    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for n, row in enumerate(table):
        cells = [row[i].ljust(widths[i]) if i < 2 else row[i].rjust(widths[i]) for i in range(len(row))]
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results.tsv")
