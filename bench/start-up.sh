#!/usr/bin/env bash
# From `gatehouse run` to the first proxied response (issue 6: "at most 500 ms"). Not part of CI.
#
#   bench/start-up.sh [--runs 20] [CHECKOUT ...]
#
# Starts an nginx backend on 127.0.0.1:18101 (/small, 100 bytes), then, --runs times, each CHECKOUT's bin/gatehouse
# (default: this one) with launcher defaults on a one-vhost config proxying to it on 18102, interleaved when there
# are several. Each run: launch, connect to 18102 every 2 ms until the listener accepts ("listening"), send one GET
# on that connection and wait for the first byte of the response ("first response"; the time the request itself
# took is the difference), then SIGTERM and the next run. Before measuring, one discarded run per checkout that
# serves a few requests: it writes the class-data sharing archive the launcher keeps next to the jar, as a first
# `gatehouse run` does on an installation. Prints every run, then the medians and ranges in milliseconds. Give two
# checkouts (git worktree add /tmp/before HEAD~1) to compare commits on the same machine at the same time; the
# machine's own drift is larger than most changes. Needs nginx, curl and python3; installs nothing; needs ports
# 18101-18102; works in a mktemp -d directory and stops what it started on exit.
set -euo pipefail

runs=20
checkouts=()
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "start-up: unknown option $1" >&2; exit 64 ;;
    *) [[ -d $1 ]] || { echo "start-up: $1 is not a directory" >&2; exit 64; }
       checkouts+=("$(cd "$1" && pwd)"); shift ;;
  esac
done
name=start-up
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
((${#checkouts[@]})) || checkouts=("$root")
source "$here/lib.sh"
require_tools "apt-get install nginx curl python3" nginx curl python3
require_free_ports 18101 18102
start_workdir

write_small_backend_conf 18101
cat > "$work/gatehouse.yaml" <<EOF
listen: ["127.0.0.1:18102"]
accessLog: { path: "off" }
vhosts:
  - hosts: ["*"]
    proxy: { backends: ["http://127.0.0.1:18101"] }
EOF
nginx -p "$work/" -c "$work/backend.conf" -g 'daemon off;' 2> "$work/backend.out" &
pids+=($!)
for _ in $(seq 50); do curl -s -o /dev/null --max-time 1 http://127.0.0.1:18101/small && break; sleep 0.1; done
curl -s -o /dev/null --fail --max-time 1 http://127.0.0.1:18101/small \
  || { cat "$work/backend.out" "$work/backend.err" >&2 2>/dev/null; echo "start-up: the nginx backend does not answer" >&2; exit 1; }

for checkout in "${checkouts[@]}"; do
  [[ -x $checkout/bin/gatehouse ]] || { echo "start-up: $checkout has no bin/gatehouse" >&2; exit 64; }
  [[ -f $checkout/lib/gatehouse.jar || -f $checkout/gateway-daemon/target/gatehouse.jar ]] \
    || { echo "start-up: $checkout has no gatehouse.jar yet: build it first (mvn -B -DskipTests package)" >&2; exit 64; }
  "$checkout/bin/gatehouse" run "$work/gatehouse.yaml" > "$work/first-run.out" 2>&1 &
  pid=$!
  pids+=($pid)
  for _ in $(seq 100); do curl -s -o /dev/null --max-time 1 http://127.0.0.1:18102/small && break; sleep 0.1; done
  for _ in $(seq 20); do curl -s -o /dev/null --max-time 1 http://127.0.0.1:18102/small; done
  curl -s -o /dev/null --fail --max-time 1 http://127.0.0.1:18102/small \
    || { cat "$work/first-run.out" >&2; echo "start-up: $checkout does not answer" >&2; exit 1; }
  kill -TERM "$pid"; wait "$pid" || true
done

echo "start-up: $runs runs each, $(date -u '+%Y-%m-%d %H:%M UTC')"
for checkout in "${checkouts[@]}"; do
  echo "  $checkout: commit $(git -C "$checkout" rev-parse --short HEAD 2>/dev/null || echo '?')"
done
python3 - "$work/gatehouse.yaml" "$runs" "${checkouts[@]}" <<'EOF'
import os, signal, socket, statistics, subprocess, sys, time

config, runs, checkouts = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
GET = b"GET /small HTTP/1.1\r\nHost: start-up\r\nConnection: close\r\n\r\n"

def one(checkout):
    launched = time.monotonic()
    daemon = subprocess.Popen([checkout + "/bin/gatehouse", "run", config], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            client = socket.socket()
            try:
                client.connect(("127.0.0.1", 18102))
                break
            except OSError:
                client.close()
                if daemon.poll() is not None:
                    sys.exit("start-up: %s exited with %d before listening" % (checkout, daemon.returncode))
                time.sleep(0.002)
        listening = time.monotonic()
        with client:
            client.settimeout(10)
            client.sendall(GET)
            head = client.recv(12)
            while 0 < len(head) < 12:   # the status line, in however many reads it comes
                more = client.recv(12 - len(head))
                if not more:
                    break
                head += more
        answered = time.monotonic()
        if not head.startswith(b"HTTP/1.1 200"):
            sys.exit("start-up: %s answered %r" % (checkout, head))
        return (listening - launched) * 1000, (answered - launched) * 1000
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait()
        time.sleep(0.5)

results = {checkout: [] for checkout in checkouts}
print("%-4s %-40s %10s %15s %8s" % ("run", "checkout", "listening", "first response", "request"))
for run in range(1, runs + 1):
    for checkout in checkouts:
        listening, first = one(checkout)
        results[checkout].append((listening, first))
        print("%-4d %-40s %10.0f %15.0f %8.1f" % (run, checkout[-40:], listening, first, first - listening), flush=True)
print()
for checkout, times in results.items():
    listening = [t[0] for t in times]
    first = [t[1] for t in times]
    print("%s: first response median %.0f ms (%.0f-%.0f), listening median %.0f ms (%.0f-%.0f), request median %.1f ms" % (
        checkout, statistics.median(first), min(first), max(first), statistics.median(listening), min(listening),
        max(listening), statistics.median([t[1] - t[0] for t in times])))
EOF
