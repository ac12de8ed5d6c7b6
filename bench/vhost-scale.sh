#!/usr/bin/env bash
# Routing cost against the number of virtual hosts (issue 6: "1,000 and 10,000 virtual hosts route as fast as one,
# within 5 %"). Not part of CI.
#
#   bench/vhost-scale.sh [--rounds 3] [--duration 8s]
#
# Three daemons with 1, 1,000 and 10,000 vhosts (bench/gen-vhosts.sh: each vhost its own proxy pool) in front of one
# nginx backend on 127.0.0.1:18096 answering /small, on ports 18097-18099, all running at once. In interleaved
# rounds, wrk (-t 2 -c 64, keep-alive) measures each daemon twice:
#   one:    every request names the last vhost of the file (the host table's size is all that differs);
#   spread: each request names the next of all the file's vhosts (bench/lua/vhosts.lua): the table is walked all
#           over and every vhost's pool is used, as in bench/run.sh's vhosts scenario.
# Prints each run and the medians, with each figure's ratio to the 1-vhost daemon of the same round; a run with
# socket errors or non-2xx answers stops the script. Spread over 10,000 vhosts keeps up to 20,000 backend
# connections open (a pool per vhost and IO thread): the script raises the open-files limit to the hard limit and
# runs that case only when it is at least 30,000 (spread over 1,000 needs 5,000). Needs nginx, wrk, curl and python3; installs nothing; needs ports 18096-18099; works in a mktemp -d
# directory and stops what it started on exit.
set -euo pipefail

rounds=3
duration=8s
while (($#)); do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "vhost-scale: unknown option $1" >&2; exit 64 ;;
  esac
done
name=vhost-scale
source "$(dirname "$0")/lib.sh"
require_tools "apt-get install nginx wrk curl python3" nginx wrk curl python3
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nofile=$(ulimit -n)
((nofile >= 5000)) || { echo "vhost-scale: needs an open-files limit of 5000 (have $nofile): raise the hard limit" >&2; exit 1; }
spread_counts=(1 1000)
if ((nofile >= 30000)); then spread_counts+=(10000); else
  echo "vhost-scale: open-files limit $nofile < 30000: spread over 10,000 vhosts is left out" >&2
fi
require_free_ports 18096 18097 18098 18099
export GATEHOUSE_CDS=off   # three first runs would write the same class-data archive
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
start_workdir

cat > "$work/nginx.conf" <<EOF
worker_processes auto;
worker_rlimit_nofile $nofile;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections $((nofile - 1000)); }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:18096 backlog=4096;
        $small_location
    }
}
EOF
nginx -p "$work/" -c "$work/nginx.conf" -g 'daemon off;' 2> "$work/nginx.err" &
pids+=($!)

declare -A port=([1]=18097 [1000]=18098 [10000]=18099)
counts=(1 1000 10000)
for n in "${counts[@]}"; do
  "$here/gen-vhosts.sh" "$n" "$work/v$n" > /dev/null
  sed -i -e "s|127.0.0.1:18095|127.0.0.1:${port[$n]}|" -e "s|127.0.0.1:18080|127.0.0.1:18096|" "$work/v$n/gatehouse.yaml"
  "$root/bin/gatehouse" run "$work/v$n/gatehouse.yaml" > "$work/v$n/daemon.log" 2>&1 &
  pids+=($!)
done
last() { printf "site%0$(( ${#1} > 4 ? ${#1} : 4 ))d.bench.test" "$1"; }
for n in "${counts[@]}"; do
  ready=""
  for _ in $(seq 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Host: $(last "$n")" "http://127.0.0.1:${port[$n]}/small" || true) == 200 ]] && ready=1 && break
    sleep 0.1
  done
  [[ -n $ready ]] || { tail -n 20 "$work/v$n/daemon.log" >&2; echo "vhost-scale: the $n-vhost daemon does not answer" >&2; exit 1; }
done

run() {  # vhosts mode duration -> req/s; stops the script on errors
  local n=$1 mode=$2 d=$3 out
  if [[ $mode == one ]]; then
    out=$(wrk -t2 -c64 -d"$d" -H "Host: $(last "$n")" "http://127.0.0.1:${port[$n]}/small")
  else
    out=$(BENCH_VHOSTS=$n wrk -t2 -c64 -d"$d" -s "$here/lua/vhosts.lua" "http://127.0.0.1:${port[$n]}/small")
  fi
  if grep -qE 'Non-2xx|Socket errors' <<< "$out"; then
    echo "vhost-scale: errors with $n vhosts ($mode):" >&2; echo "$out" >&2; exit 1
  fi
  awk '/Requests\/sec/ {print $2}' <<< "$out"
}

echo "vhost-scale: bin/gatehouse (JVM options: ${GATEHOUSE_JAVA_OPTS:-launcher defaults}), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), $rounds rounds of $duration"
for n in "${counts[@]}"; do run "$n" one 10s > /dev/null; done   # JIT warm-up
for n in "${spread_counts[@]}"; do run "$n" spread 5s > /dev/null; done
: > "$work/results"
for r in $(seq "$rounds"); do
  for mode in one spread; do
    ns=("${counts[@]}")
    [[ $mode == spread ]] && ns=("${spread_counts[@]}")
    for n in "${ns[@]}"; do
      rps=$(run "$n" "$mode" "$duration")
      echo "round $r  $mode  $n vhosts  $rps req/s"
      echo "$r $mode $n $rps" >> "$work/results"
    done
  done
done
python3 - "$work/results" <<'PY'
import sys, statistics, collections
rows = [l.split() for l in open(sys.argv[1])]
by = collections.defaultdict(dict)
for r, mode, n, rps in rows:
    by[(mode, r)][int(n)] = float(rps)
print("\nmode    vhosts   req/s (median)  ratio to 1 vhost (median of same-round ratios)")
for mode in ("one", "spread"):
    for n in (1, 1000, 10000):
        if not any(n in by[(m, r)] for (m, r) in by if m == mode):
            continue
        vals = [by[(mode, r)][n] for (m, r) in by if m == mode]
        ratios = [by[(mode, r)][n] / by[(mode, r)][1] for (m, r) in by if m == mode]
        print(f"{mode:6} {n:7}  {statistics.median(vals):14,.0f}  {statistics.median(ratios):.3f}")
PY
