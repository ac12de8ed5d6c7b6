#!/usr/bin/env bash
# What one proxied request costs, Gatehouse against nginx (issue 6: "where the remaining gap to nginx is"). Not part
# of CI.
#
#   bench/cost-per-request.sh [--rounds 3] [--duration 6s (seconds only)] [--connections 64]
#
# An nginx backend on 127.0.0.1:18096 answers /small (100 bytes); an nginx reverse proxy on 18097 (the proxy
# settings of bench/conf/nginx-proxy-common.conf, upstream keep-alive 256, two workers), bin/gatehouse on 18098
# (launcher defaults) and bench/relay/Relay.java on 18099 (the least a JVM proxy can do: bytes relayed, no HTTP) sit
# in front of it. In interleaved rounds, wrk (-t 2, keep-alive) loads each proxy and the script reads from /proc,
# for all of the proxy's processes and threads: user and system CPU time per request and involuntary context
# switches per request; for Gatehouse also the time its collector stopped the JVM (jstat GCT) per request. Then a
# second Gatehouse daemon (on 18100) with a 1.2 GiB young generation (no collection during the run) is loaded for
# 3 s between two `jmap -histo:all`: the bytes and objects one request allocates, and the classes that take the
# most. Needs nginx, wrk, curl, python3 and a JDK (jstat, jmap); installs nothing; needs ports 18096-18100; works
# in a mktemp -d directory and stops what it started on exit.
set -euo pipefail

rounds=3
duration=6s
connections=64
while (($#)); do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2
      [[ $duration =~ ^[0-9]+s$ ]] || { echo "cost-per-request: --duration takes seconds, as 6s" >&2; exit 64; } ;;
    --connections) connections=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "cost-per-request: unknown option $1" >&2; exit 64 ;;
  esac
done
name=cost-per-request
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
source "$here/lib.sh"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"   # the JDK bin/gatehouse runs, for the relay too
require_tools "apt-get install nginx wrk curl python3 procps openjdk-17-jdk-headless" nginx wrk curl python3 pgrep \
  "$java" jstat jcmd jmap
require_free_ports 18096 18097 18098 18099 18100
start_workdir

nginx_conf() {  # the file's name, then the upstreams and servers of its http block
  cat > "$work/$1.conf" <<EOF
worker_processes 2;
pid $work/$1.pid;
error_log $work/$1.err warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
$2
}
EOF
}
nginx_conf backend "
    server {
        listen 127.0.0.1:18096 backlog=4096;
        $small_location
    }"
nginx_conf proxy "
    upstream backend {
        server 127.0.0.1:18096;
        keepalive 256;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:18097 backlog=4096;
        location / {
            include $root/bench/conf/nginx-proxy-common.conf;
            proxy_pass http://backend;
        }
    }"
cat > "$work/gatehouse.yaml" <<EOF
listen: ["127.0.0.1:18098"]
accessLog: { path: "off" }
vhosts:
  - name: bench
    hosts: ["*"]
    proxy: { backends: ["http://127.0.0.1:18096"], connections: 256 }
EOF
sed 's/18098/18100/' "$work/gatehouse.yaml" > "$work/gatehouse-alloc.yaml"

nginx -p "$work/" -c "$work/backend.conf" -g 'daemon off;' 2> "$work/backend.out" &
pids+=($!)
nginx -p "$work/" -c "$work/proxy.conf" -g 'daemon off;' 2> "$work/proxy.out" &
nginx_pid=$!
pids+=($nginx_pid)
"$root/bin/gatehouse" run "$work/gatehouse.yaml" > "$work/gatehouse.out" 2>&1 &
gatehouse_pid=$!   # the launcher execs the JVM
pids+=($gatehouse_pid)
"$java" -XX:+UseSerialGC -Xmx32m "$here/relay/Relay.java" 18099 18096 > "$work/relay.out" 2>&1 &
relay_pid=$!
pids+=($relay_pid)
for port in 18097 18098 18099; do
  for _ in $(seq 100); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/small" && break; sleep 0.1; done
  curl -s -o /dev/null --fail --max-time 1 "http://127.0.0.1:$port/small" \
    || { cat "$work"/*.out "$work"/*.err >&2; echo "cost-per-request: nothing answers on $port" >&2; exit 1; }
done

hz=$(getconf CLK_TCK)
# user ticks, system ticks, involuntary context switches: summed over a process, its children and all their threads
snapshot() {
  local procs u=0 s=0 n=0 a b c
  procs=$(pgrep -P "$1" || true)
  for p in $1 $procs; do
    read -r a b < <(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12, $13}') || continue   # gone
    u=$((u + a)); s=$((s + b))
    for t in /proc/"$p"/task/*; do
      c=$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' "$t/status" 2>/dev/null || echo 0)
      n=$((n + ${c:-0}))
    done
  done
  echo "$u $s $n"
}
jstat_field() { jstat -gc "$1" | awk -v f="$2" 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i} NR == 2 {print $col[f]}'; }
gc_seconds() { jstat_field "$1" GCT; }
collections() { echo $(($(jstat_field "$1" YGC) + $(jstat_field "$1" FGC))); }
load() {  # port, duration: prints the request count; stops the script on errors
  local out
  out=$(wrk -t2 -c"$connections" -d"$2" "http://127.0.0.1:$1/small")
  if grep -qE 'Socket errors|Non-2xx' <<< "$out"; then echo "$out" >&2; echo "cost-per-request: errors on $1" >&2; exit 1; fi
  awk '/requests in/ {print $1}' <<< "$out"
}

echo "cost-per-request: commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), wrk -t2 -c$connections -d$duration /small, $rounds rounds"
for port in 18097 18098 18099; do load "$port" 15s > /dev/null; done   # warm-up (the JIT)
printf '%-6s %-9s %9s %8s %8s %8s %10s %8s\n' round proxy req/s user_us sys_us cpu_us invol_csw gc_us
for round in $(seq "$rounds"); do
  for proxy in nginx gatehouse relay; do
    case $proxy in
      nginx) pid=$nginx_pid port=18097 ;;
      gatehouse) pid=$gatehouse_pid port=18098 ;;
      relay) pid=$relay_pid port=18099 ;;
    esac
    read -r u0 s0 n0 < <(snapshot "$pid")
    [[ $proxy == gatehouse ]] && g0=$(gc_seconds "$pid")
    requests=$(load "$port" "$duration")
    read -r u1 s1 n1 < <(snapshot "$pid")
    gc=-
    [[ $proxy == gatehouse ]] && gc=$(python3 -c "print(f'{($(gc_seconds "$pid") - $g0) * 1e6 / $requests:.1f}')")
    python3 -c "
r = $requests; d = float('${duration%s}')
print(f'{$round:<6} {\"$proxy\":<9} {r / d:9.0f} {($u1 - $u0) / $hz * 1e6 / r:8.1f} {($s1 - $s0) / $hz * 1e6 / r:8.1f} '
      f'{($u1 - $u0 + $s1 - $s0) / $hz * 1e6 / r:8.1f} {($n1 - $n0) / r:10.2f} {\"$gc\":>8}')"
  done
done

# Allocation: a daemon whose young generation holds several seconds of garbage, so that no collection runs between
# the two histograms and their difference is everything the requests allocated.
GATEHOUSE_CDS=off GATEHOUSE_JAVA_OPTS="-XX:+UseSerialGC -Xms1400m -Xmx1400m -Xmn1200m -XX:-TieredCompilation -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=32m -XX:FreqInlineSize=100 -XX:InlineSmallCode=1000" \
  "$root/bin/gatehouse" run "$work/gatehouse-alloc.yaml" > "$work/gatehouse-alloc.out" 2>&1 &
alloc_pid=$!
pids+=($alloc_pid)
for _ in $(seq 100); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:18100/small" && break; sleep 0.1; done
load 18100 10s > /dev/null
jcmd "$alloc_pid" GC.run > /dev/null
collections_before=$(collections "$alloc_pid")
jmap -histo:all "$alloc_pid" > "$work/before.histo"
requests=$(load 18100 3s)
jmap -histo:all "$alloc_pid" > "$work/after.histo"
if [[ $(collections "$alloc_pid") != "$collections_before" ]]; then
  echo "cost-per-request: a collection ran during the allocation run; its figures would be low" >&2; exit 1
fi
python3 - "$work/before.histo" "$work/after.histo" "$requests" <<'PY'
import re, sys
def histogram(path):
    rows = {}
    for line in open(path):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows
before, after, n = histogram(sys.argv[1]), histogram(sys.argv[2]), int(sys.argv[3])
delta = sorted(((after[k][1] - before.get(k, (0, 0))[1], after[k][0] - before.get(k, (0, 0))[0], k) for k in after), reverse=True)
print(f"allocated per request ({n:,} requests): {sum(d[0] for d in delta) / n:,.0f} bytes, "
      f"{sum(d[1] for d in delta) / n:.1f} objects; the largest:")
for size, count, name in delta[:12]:
    print(f"  {size / n:6.0f} bytes  {count / n:5.2f} objects  {name}")
PY
