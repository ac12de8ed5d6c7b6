#!/usr/bin/env python3
"""The "idle" scenario's client: holds many mostly idle keep-alive connections to one server.

Opens --conns connections (at most --opening at a time, so no listen backlog overflows), prints "READY" when
all are open, then for --hold seconds each connection sends GET --path once every --interval seconds (each
starting at a random point of the interval, so the load is even, about conns/interval requests per second) and
reads the response. At the end it prints the same "BENCH ..." line as bench/lua/report.lua: requests,
duration, p50/p99 latency in microseconds, "status" = responses with a status >= 400, "socket" = connections
that could not be opened or broke. Standard library only.
"""
import argparse
import asyncio
import random
import time


class Stats:
    def __init__(self):
        self.latencies_us = []
        self.status_errors = 0
        self.socket_errors = 0


async def read_response(reader):
    """Reads one HTTP/1.1 response with a Content-Length body; returns its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def open_connection(args, gate, stats):
    async with gate:
        try:
            return await asyncio.wait_for(asyncio.open_connection(args.host, args.port), 30)
        except (OSError, asyncio.TimeoutError):
            stats.socket_errors += 1
            return None


async def converse(conn, args, stats, deadline):
    reader, writer = conn
    request = (f"GET {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
               "User-Agent: gatehouse-bench-idle\r\n\r\n").encode()
    await asyncio.sleep(random.uniform(0, min(args.interval, args.hold)))
    try:
        while time.monotonic() < deadline:
            started = time.monotonic()
            writer.write(request)
            status = await asyncio.wait_for(read_response(reader), 30)
            stats.latencies_us.append(int((time.monotonic() - started) * 1e6))
            if status >= 400:
                stats.status_errors += 1
            await asyncio.sleep(max(0.0, min(args.interval, deadline - time.monotonic())))
    except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError, IndexError):
        stats.socket_errors += 1
    finally:
        writer.close()


def percentile(sorted_values, p):
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p / 100))]


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/small")
    parser.add_argument("--conns", type=int, default=5000)
    parser.add_argument("--hold", type=float, default=10.0, help="seconds to hold the connections open")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between requests on a connection")
    parser.add_argument("--opening", type=int, default=200, help="connections being opened at once")
    args = parser.parse_args()

    stats = Stats()
    gate = asyncio.Semaphore(args.opening)
    conns = await asyncio.gather(*(open_connection(args, gate, stats) for _ in range(args.conns)))
    conns = [c for c in conns if c is not None]
    print("READY", len(conns), flush=True)

    started = time.monotonic()
    deadline = started + args.hold
    await asyncio.gather(*(converse(c, args, stats, deadline) for c in conns))
    elapsed = time.monotonic() - started

    lat = sorted(stats.latencies_us)
    print(f"BENCH requests={len(lat)} duration_us={int(elapsed * 1e6)} p50_us={percentile(lat, 50)} "
          f"p99_us={percentile(lat, 99)} status={stats.status_errors} socket={stats.socket_errors}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
