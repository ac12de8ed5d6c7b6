#!/usr/bin/env bash
# Heap of the Gatehouse daemon while it relays a 1 GiB download and a 1 GiB upload (issue 6: "heap flat during a
# 1 GiB upload and a 1 GiB download"). Not part of CI.
#
#   bench/transfer-heap.sh [--size 1G]
#
# Starts an nginx backend on 127.0.0.1:18096 serving a sparse file of --size and reading POST bodies whole before
# it answers, and bin/gatehouse on 127.0.0.1:18097 in front of it (launcher defaults), then for each transfer
# samples every 0.25 s the JVM's heap (jstat -gc: young and old generation used and committed) and the process's
# VmRSS, and prints one line per transfer: bytes moved and time, the old generation (where anything the relay kept
# would pile up) before and after (each after a full GC), the range of heap in use, the most heap committed and the
# range of RSS. Needs nginx, curl, a JDK (jstat, jcmd) and python3; installs nothing; needs ports 18096-18098.
# Works in a mktemp -d directory and stops what it started on exit.
set -euo pipefail

size=1G
while (($#)); do
  case $1 in
    --size) size=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "transfer-heap: unknown option $1" >&2; exit 64 ;;
  esac
done

name=transfer-heap
source "$(dirname "$0")/lib.sh"
require_tools "apt-get install nginx curl openjdk-17-jdk-headless python3" nginx curl jstat jcmd python3
require_free_ports 18096 18097 18098
root=$(cd "$(dirname "$0")/.." && pwd)
before_cleanup() {
  touch "$work/stop"   # ends a sampling loop still running
}
start_workdir
mkdir -p "$work/www" "$work/logs"
truncate -s "$size" "$work/www/big.bin"
chmod -R a+rX "$work/www"
cat > "$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    sendfile on;
    client_max_body_size 0;
    client_body_temp_path $work/body;
    server {
        listen 127.0.0.1:18096;
        root $work/www;
        # Reads the whole body first (proxy_pass buffers it, to a file beyond the buffer), then answers through
        # the sink below without it: as an application would, and never before the upload is in.
        location = /upload {
            proxy_pass http://127.0.0.1:18098;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
        }
    }
    server {
        listen 127.0.0.1:18098;
        location / { return 200 "uploaded\n"; }
    }
}
EOF
cat > "$work/gatehouse.yaml" <<EOF
listen: ["127.0.0.1:18097"]
accessLog: { path: "off" }
limits: { maxBody: 1024GiB }   # --size may exceed the 1 GiB default
vhosts:
  - name: transfer
    hosts: ["*"]
    proxy: { backends: ["http://127.0.0.1:18096"] }
EOF
nginx -p "$work/" -c "$work/nginx.conf" -g 'daemon off;' > "$work/logs/nginx.out" 2>&1 &
pids+=($!)
"$root/bin/gatehouse" run "$work/gatehouse.yaml" > "$work/logs/gatehouse.out" 2>&1 &
jvm=$!   # the launcher execs the JVM
pids+=($jvm)
for _ in $(seq 100); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:18097/upload" -d x && break
  sleep 0.1
done
curl -s -o /dev/null --fail --max-time 1 "http://127.0.0.1:18097/upload" -d x \
  || { cat "$work/logs/"* >&2; echo "transfer-heap: the daemon or the backend does not answer" >&2; exit 1; }

measure() {  # name, then the curl arguments of the transfer
  local name=$1; shift
  jcmd "$jvm" GC.run > /dev/null   # a settled heap before
  jstat -gc "$jvm" 250 > "$work/$name.gc" &
  local gc=$!
  rm -f "$work/stop"
  (while [[ ! -e $work/stop ]] && kill -0 "$jvm" 2>/dev/null; do
     awk '/VmRSS/ {print $2}' "/proc/$jvm/status"; sleep 0.25
   done) > "$work/$name.rss" &
  local rss=$!
  pids+=("$gc" "$rss")
  local moved
  moved=$(curl -s -o /dev/null --fail -w '%{size_download} %{size_upload} %{time_total}' "$@")
  touch "$work/stop"; kill "$gc"; wait "$gc" "$rss" 2>/dev/null || true
  jcmd "$jvm" GC.run > /dev/null
  local after
  after=$(jstat -gc "$jvm" | awk 'NR==2 {print $8}')
  python3 - "$name" "$work/$name.gc" "$work/$name.rss" "$after" $moved <<'PY'
import sys
name, gc, rss, after, down, up, secs = sys.argv[1:8]
# jstat -gc columns: S0C S1C S0U S1U EC EU OC OU ... (KiB)
rows = [list(map(float, l.split()[:8])) for l in open(gc) if l.split() and l.split()[0][0].isdigit()]
rss = [float(l) for l in open(rss) if l.strip()]
mib = lambda k: k / 1024
used = [r[2] + r[3] + r[5] + r[7] for r in rows]
print(f"{name:9} {float(down) + float(up):>13,.0f} bytes in {float(secs):5.1f} s  heap samples {len(rows):3}  "
      f"old gen {mib(rows[0][7]):4.1f} -> {mib(float(after)):4.1f} MiB after GC  heap used {mib(min(used)):4.1f}-{mib(max(used)):4.1f} MiB  "
      f"committed max {mib(max(r[0] + r[1] + r[4] + r[6] for r in rows)):4.1f} MiB  RSS {mib(min(rss)):5.1f}-{mib(max(rss)):5.1f} MiB")
PY
}

echo "transfer-heap: $size through bin/gatehouse (JVM options: ${GATEHOUSE_JAVA_OPTS:-launcher defaults}), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
measure download "http://127.0.0.1:18097/big.bin"
measure upload -X POST -H 'Content-Type: application/octet-stream' -T "$work/www/big.bin" "http://127.0.0.1:18097/upload"
