#!/usr/bin/env bash
# A backend outage as an operator sees it, through Gatehouse and through nginx side by side (issue 19). Not part of CI.
#
#   bench/outage.sh [--down 2] [--clients 32] [--seconds 3] [CHECKOUT]
#
# One nginx backend on 127.0.0.1:18121 (/small, 100 bytes); in front of it, with their defaults and one backend
# each, CHECKOUT's bin/gatehouse (default: this one) on 18122 and an nginx proxy on 18123 (upstream with one
# server, error_log at its default level). Two measurements:
#   restart: both fronts are polled every 10 ms; the backend is stopped for --down seconds and started again.
#            Prints each front's answers while the backend was down, and the time from the backend answering
#            again to each front's first 200.
#   flood:   with the backend stopped, wrk (--clients connections, 2 threads, --seconds) against each front in
#            turn; prints the requests it made and the log lines each front wrote meanwhile, and lines per second.
# Needs nginx, curl, wrk and python3; installs nothing; needs ports 18121-18123; works in a mktemp -d directory and
# stops what it started on exit.
set -euo pipefail

down=2
clients=32
seconds=3
checkout=
while (($#)); do
  case $1 in
    --down) down=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "outage: unknown option $1" >&2; exit 64 ;;
    *) [[ -d $1 ]] || { echo "outage: $1 is not a directory" >&2; exit 64; }
       checkout=$(cd "$1" && pwd); shift ;;
  esac
done
name=outage
here=$(cd "$(dirname "$0")" && pwd)
[[ -n $checkout ]] || checkout=$(cd "$here/.." && pwd)
source "$here/lib.sh"
require_tools "apt-get install nginx curl wrk python3" nginx curl wrk python3
require_free_ports 18121 18122 18123
start_workdir

write_small_backend_conf 18121
cat > "$work/front.conf" <<EOF
worker_processes 1;
pid $work/front.pid;
error_log $work/front.err;
events { worker_connections 1024; }
http {
    access_log off;
    upstream app { server 127.0.0.1:18121; }
    server {
        listen 127.0.0.1:18123;
        location / { proxy_pass http://app; }
    }
}
EOF
cat > "$work/gatehouse.yaml" <<EOF
listen: ["127.0.0.1:18122"]
accessLog: { path: "off" }
vhosts:
  - hosts: ["*"]
    proxy: { backends: ["http://127.0.0.1:18121"] }
EOF

nginx -p "$work/" -c "$work/front.conf" -g 'daemon off;' 2> "$work/front.out" &
pids+=($!)
"$checkout/bin/gatehouse" run "$work/gatehouse.yaml" > "$work/gatehouse.out" 2>&1 &
pids+=($!)

python3 - "$work" "$down" "$clients" "$seconds" <<'EOF'
import os, signal, subprocess, sys, threading, time, urllib.request, urllib.error

work, down, clients, seconds = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
FRONTS = {"gatehouse": (18122, work + "/gatehouse.out"), "nginx": (18123, work + "/front.err")}

def status(port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/small" % port, timeout=2) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0

def wait_for(port, seconds=20):
    deadline = time.monotonic() + seconds
    while status(port) != 200:
        if time.monotonic() > deadline:
            sys.exit("outage: 127.0.0.1:%d does not answer 200" % port)
        time.sleep(0.01)

def start_backend():
    backend = subprocess.Popen(["nginx", "-p", work + "/", "-c", work + "/backend.conf", "-g", "daemon off;"],
                               stderr=subprocess.DEVNULL, start_new_session=True)
    return backend

def stop_backend(backend):
    os.killpg(backend.pid, signal.SIGTERM)
    backend.wait()

def lines(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")

backend = start_backend()
for port in (18121, 18122, 18123):
    wait_for(port, 60)

# restart
answers = {name: [] for name in FRONTS}
first_ok = {}
stop = threading.Event()
back = threading.Event()
back_at = [0.0]

def poll(name, port):
    while not stop.is_set():
        code = status(port)
        if back.is_set() and code == 200:
            first_ok[name] = time.monotonic() - back_at[0]
            return
        if not back.is_set():
            answers[name].append(code)
        time.sleep(0.01)

stop_backend(backend)
pollers = [threading.Thread(target=poll, args=(name, port)) for name, (port, _) in FRONTS.items()]
for poller in pollers:
    poller.start()
time.sleep(down)
backend = start_backend()
while status(18121) != 200:
    time.sleep(0.001)
back_at[0] = time.monotonic()
back.set()
for poller in pollers:
    poller.join(30)
stop.set()
print("restart: backend down %.1f s, polled every 10 ms" % down)
for name in FRONTS:
    seen = answers[name]
    counts = ", ".join("%d x %s" % (seen.count(c), c or "no answer") for c in sorted(set(seen)))
    took = first_ok.get(name)
    print("  %-9s while down: %s; first 200 %s after the backend answered again" % (
        name, counts, "%.0f ms" % (took * 1000) if took is not None else "not within 30 s"))

# flood
stop_backend(backend)
print("flood: backend stopped, wrk -t2 -c%d -d%ds per front" % (clients, seconds))
for name, (port, log) in FRONTS.items():
    before = lines(log)
    out = subprocess.run(["wrk", "-t2", "-c%d" % clients, "-d%ds" % seconds, "http://127.0.0.1:%d/small" % port],
                         capture_output=True, text=True).stdout
    time.sleep(0.5)
    written = lines(log) - before
    requests = next((l.split()[0] for l in out.splitlines() if "requests in" in l), "?")
    print("  %-9s %s requests, %d log lines (%.1f lines/s)" % (name, requests, written, written / seconds))
EOF
echo "gatehouse log during the flood (last lines):"
tail -n 5 "$work/gatehouse.out"
