#!/usr/bin/env bash
# Gatehouse benchmark: Gatehouse against nginx and HAProxy as reverse proxies in front of the same nginx backend,
# all on 127.0.0.1, driven by wrk with keep-alive. Prints one table (see bench/README.md and
# src-docs/performance.md for how to read it). Never part of CI.
#
#   bench/run.sh                      # 3 interleaved rounds of every scenario, 10 s per run (about 30 minutes)
#   bench/run.sh --quick              # smoke test: 1 round, 3 s per run, a few scenarios (about 2 minutes)
#   bench/run.sh --rounds 5 --duration 20s --scenarios small64,small256
#   bench/run.sh --install            # apt-get the missing tools first (root), then run
#
# Options:
#   --rounds N          measured rounds, interleaved (default 3); the table shows medians over them
#   --duration D        length of each measured run: 10s, 1m (default 10s)
#   --warmup D          small-body load each server gets before anything is measured (default 15s); each
#                       scenario then gets one discarded run of --scenario-warmup (default 3s) on every server
#   --scenarios LIST    comma-separated, from: small64 small256 big64 close upload vhosts idle (default all)
#   --vhosts N          virtual hosts in the vhosts scenario's configs (default 1000)
#   --idle-conns N      connections held open in the idle scenario (default 5000)
#   --quick             --rounds 1 --duration 3s --warmup 3s --scenario-warmup 1s --scenarios small64,close,vhosts
#                       (explicit options given after --quick still apply)
#   --keep              keep the temp directory (rendered configs, server logs, wrk output, results.tsv)
#   --install           install missing packages with apt-get (needs root or sudo); otherwise nothing is installed
#   --baseline DIR      also measure the Gatehouse of another checkout (DIR/bin/gatehouse, its own
#                       bench/conf/gatehouse.yaml) as server "gatehouse@base", interleaved with this one: a
#                       change is compared with the commit before it in the same rounds
#                       (git worktree add /tmp/base HEAD~1; bench/run.sh --baseline /tmp/base --scenarios small64,small256)
#   --peers             also measure the JVM peers of bench/peers/ (reverse proxies doing the same work) as servers
#                       jetty, vertx, spring-gw and undertow, on ports 18101-18104, in every scenario but vhosts;
#                       builds their jars with Maven if missing (mvn -q -B -f bench/peers/pom.xml package). One
#                       scenario per run keeps a run near 5 minutes: --peers --scenarios small64 --rounds 2
#                       --duration 8s --warmup 8s
#
# Gatehouse runs through bin/gatehouse (building gateway-daemon/target/gatehouse.jar if it is missing) with the
# launcher's default JVM options, or GATEHOUSE_JAVA_OPTS when set. The peers run with the JVM's defaults plus
# -Xmx128m, the heap cap of Gatehouse's launcher.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
export PATH="$PATH:/usr/sbin:/sbin"   # Debian installs nginx and haproxy in /usr/sbin

rounds=3 duration=10s warmup=15s scenario_warmup=3s vhosts=1000 idle_conns=5000 keep=0 install=0 baseline="" peers=0
scenarios="small64,small256,big64,close,upload,vhosts,idle"
all_scenarios=" small64 small256 big64 close upload vhosts idle "
command_line="bench/run.sh $*"

die() { echo "bench: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

while (($#)); do
  case $1 in
    --rounds) rounds=${2:?}; shift ;;
    --duration) duration=${2:?}; shift ;;
    --warmup) warmup=${2:?}; shift ;;
    --scenario-warmup) scenario_warmup=${2:?}; shift ;;
    --scenarios) scenarios=${2:?}; shift ;;
    --vhosts) vhosts=${2:?}; shift ;;
    --idle-conns) idle_conns=${2:?}; shift ;;
    --quick) rounds=1 duration=3s warmup=3s scenario_warmup=1s scenarios=small64,close,vhosts ;;
    --keep) keep=1 ;;
    --install) install=1 ;;
    --baseline) baseline=$(cd "${2:?}" && pwd) || die "--baseline: no directory '$2'"; shift ;;
    --peers) peers=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
  shift
done

seconds() {   # 10s, 2m, 10 -> whole seconds
  case $1 in
    *m) echo $(( ${1%m} * 60 )) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a whole number >= 1"
for d in "$duration" "$warmup" "$scenario_warmup"; do
  [[ $d =~ ^[1-9][0-9]*[sm]?$ ]] || die "durations are whole seconds or minutes: 10s, 2m (got '$d')"
done
if [[ -n $baseline && ! -x $baseline/bin/gatehouse ]]; then
  die "--baseline $baseline has no bin/gatehouse: give the root of a Gatehouse checkout"
fi
[[ $vhosts =~ ^[1-9][0-9]*$ && $idle_conns =~ ^[1-9][0-9]*$ ]] || die "--vhosts and --idle-conns must be >= 1"
IFS=, read -r -a selected <<< "$scenarios"
for s in "${selected[@]}"; do
  [[ $all_scenarios == *" $s "* ]] || die "unknown scenario '$s' (known:$all_scenarios)"
done
wants() { [[ ",$scenarios," == *",$1,"* ]]; }

# --- Tools: say what is missing, install only when asked -------------------------------------------------------
declare -A package=([nginx]=nginx [haproxy]=haproxy [wrk]=wrk [curl]=curl [python3]=python3
                    [java]=openjdk-17-jre-headless [pgrep]=procps)
missing=()
for tool in "${!package[@]}"; do
  if [[ $tool == java && -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then continue; fi
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package[$tool]}")
done
peer_names=(jetty vertx spring-gw undertow)
declare -A peer_jar=([jetty]=jetty/target/jetty-peer.jar [vertx]=vertx/target/vertx-peer.jar
                     [spring-gw]=spring/target/spring-peer.jar [undertow]=undertow/target/undertow-peer.jar)
peers_built() {
  local name
  for name in "${peer_names[@]}"; do [[ -f $here/peers/${peer_jar[$name]} ]] || return 1; done
}
if { [[ ! -f $root/gateway-daemon/target/gatehouse.jar ]] || { ((peers)) && ! peers_built; }; } &&
   ! command -v mvn >/dev/null 2>&1; then
  missing+=(maven)
fi
if ((${#missing[@]})); then
  if ((install)); then
    sudo=(); ((EUID == 0)) || sudo=(sudo)
    echo "bench: installing ${missing[*]} with apt-get" >&2
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  else
    die "missing tools; install them with:  apt-get install ${missing[*]}   (or rerun with --install)"
  fi
fi

# --- Open files: every proxied connection costs a proxy two descriptors ---------------------------------------
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nofile=$(ulimit -n)
if wants idle && ((nofile < 2 * idle_conns + 1000)); then
  die "the idle scenario needs 'ulimit -n' of at least $((2 * idle_conns + 1000)) (have $nofile): raise the hard limit, or use --idle-conns"
fi

# --- Servers: instance -> port ------------------------------------------------------------------------------
declare -A port=([upload-sink]=18079 [backend]=18080 [nginx]=18081 [nginx+log]=18082 [haproxy]=18083 [haproxy+log]=18084
                 [gatehouse]=18085 [gatehouse+log]=18086 [gatehouse+log-admin]=18087 [gatehouse@base]=18088 [nginx-vhosts]=18091 [haproxy-vhosts]=18093
                 [gatehouse-vhosts]=18095)
((peers)) && port+=([jetty]=18101 [vertx]=18102 [spring-gw]=18103 [undertow]=18104)
declare -A pid=()
proxies=(nginx nginx+log haproxy haproxy+log gatehouse gatehouse+log)
[[ -z $baseline ]] || proxies+=(gatehouse@base)
((peers)) && proxies+=("${peer_names[@]}")

servers_of() {   # the table's servers measured in a scenario
  case $1 in
    vhosts) echo direct nginx haproxy gatehouse ;;
    idle) echo direct nginx haproxy gatehouse $( ((peers)) && echo "${peer_names[@]}") ;;
    *) echo direct "${proxies[@]}" ;;
  esac
}
instance_of() {  # scenario server -> the process that serves it
  if [[ $2 == direct ]]; then echo backend
  elif [[ $1 == vhosts ]]; then echo "$2-vhosts"
  else echo "$2"
  fi
}

for p in "${port[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    die "127.0.0.1:$p is in use; the benchmark needs ports 18079-18095 free$( ((peers)) && echo " (and 18101-18104 for --peers)")"
  fi
done

work=$(mktemp -d -t gatehouse-bench.XXXXXX)
chmod 755 "$work"   # nginx workers run as nobody when started by root
started=()      # server processes
load_pid=""     # the load generator while one runs
cleanup() {
  local p
  if [[ -n $load_pid ]]; then kill -TERM "$load_pid" 2>/dev/null || true; fi
  for p in "${started[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for p in "${started[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for p in "${started[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  if ((keep)); then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }

# render TEMPLATE OUT PREFIX LISTEN LOG(on|off): fill in the placeholders and keep the #LOG_ON# or #LOG_OFF# lines.
# Connection limits follow the open-files limit: an nginx worker needs one descriptor per connection (client or
# upstream), HAProxy two per proxied connection.
render() {
  local keep_tag=LOG_OFF drop_tag=LOG_ON
  [[ $5 == on ]] && keep_tag=LOG_ON drop_tag=LOG_OFF
  sed -e "/^#$drop_tag#/d" -e "s/^#$keep_tag#//" -e "s|@WORK@|$work|g" -e "s|@PREFIX@|$3|g" \
      -e "s|@NOFILE@|$nofile|g" -e "s|@WORKER_CONNECTIONS@|$((nofile - 500))|g" \
      -e "s|@MAXCONN@|$(((nofile - 500) / 2))|g" -e "s|@LISTEN@|$4|g" "$1" > "$2"
}

start_nginx() {  # instance template log
  local dir=$work/$1
  mkdir -p "$dir/logs"
  render "$2" "$dir/nginx.conf" "$dir" "127.0.0.1:${port[$1]}" "$3"
  cp "$here/conf/nginx-proxy-common.conf" "$dir/"
  nginx -t -q -p "$dir/" -c "$dir/nginx.conf" || die "$1: nginx rejects $dir/nginx.conf"
  nginx -p "$dir/" -c "$dir/nginx.conf" -g 'daemon off;' > "$dir/stdout.log" 2>&1 &
  pid[$1]=$!; started+=($!)
}

start_haproxy() {  # instance template log
  local dir=$work/$1
  mkdir -p "$dir"
  render "$2" "$dir/haproxy.cfg" "$dir" "127.0.0.1:${port[$1]}" "$3"
  [[ -f $work/vhosts/hosts.map ]] && cp "$work/vhosts/hosts.map" "$dir/"
  haproxy -c -q -f "$dir/haproxy.cfg" || die "$1: haproxy rejects $dir/haproxy.cfg"
  # Standard output is the access log of the +log variant (HAProxy logs to stdout, not to a file).
  (cd "$dir" && exec haproxy -db -f "$dir/haproxy.cfg" > "$dir/access.log" 2> "$dir/stderr.log") &
  pid[$1]=$!; started+=($!)
}

start_gatehouse() {  # instance yaml [checkout]
  local dir=$work/$1 checkout=${3:-$root}
  mkdir -p "$dir"
  cp "$2" "$dir/gatehouse.yaml"   # relative paths in it (the access log) resolve into $dir
  if [[ $1 == gatehouse@base ]]; then   # the baseline's own config listens on the plain instance's port
    sed -i "s/127\.0\.0\.1:${port[gatehouse]}/127.0.0.1:${port[gatehouse@base]}/" "$dir/gatehouse.yaml"
  fi
  "$checkout/bin/gatehouse" run "$dir/gatehouse.yaml" > "$dir/stdout.log" 2> "$dir/stderr.log" &
  pid[$1]=$!; started+=($!)
}

start_peer() {  # instance: a JVM peer of bench/peers/, proxying to the backend
  local dir=$work/$1
  mkdir -p "$dir"
  "$java_bin" -Xmx128m -Dpeer.port="${port[$1]}" -Dpeer.backend="http://127.0.0.1:${port[backend]}" \
    -jar "$here/peers/${peer_jar[$1]}" > "$dir/stdout.log" 2> "$dir/stderr.log" &
  pid[$1]=$!; started+=($!)
}

await() {  # instance host: until the instance answers 200 on /small
  local url="http://127.0.0.1:${port[$1]}/small"
  for _ in $(seq 600); do
    kill -0 "${pid[$1]}" 2>/dev/null || { tail -n 20 "$work/$1"/*.log >&2; die "$1 exited during start-up"; }
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Host: $2" "$url" || true) == 200 ]] && return 0
    sleep 0.1
  done
  tail -n 20 "$work/$1"/*.log >&2
  die "$1 did not answer 200 on $url within 60 s"
}

# --- Build, render, start ---------------------------------------------------------------------------------------
for checkout in "$root" ${baseline:+"$baseline"}; do
  if [[ ! -f $checkout/gateway-daemon/target/gatehouse.jar ]]; then
    log "building the daemon jar of $checkout (bin/gatehouse does it on first use)"
    "$checkout/bin/gatehouse" check "$checkout/bench/conf/gatehouse.yaml" > /dev/null
  fi
done
if ((peers)) && ! peers_built; then
  log "building the JVM peers (mvn -q -B -f bench/peers/pom.xml package)"
  mvn -q -B -f "$here/peers/pom.xml" package > /dev/null || die "building bench/peers failed"
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

mkdir -p "$work/www" "$work/lua"
head -c 65536 /dev/urandom > "$work/www/64k.bin"
chmod -R a+rX "$work/www"
for s in "${selected[@]}"; do
  case $s in
    upload) cat "$here/lua/upload.lua" ;;
    vhosts) cat "$here/lua/vhosts.lua" ;;
  esac > "$work/lua/$s.lua"
  cat "$here/lua/report.lua" >> "$work/lua/$s.lua"
done
if wants vhosts; then
  "$here/gen-vhosts.sh" "$vhosts" "$work/vhosts" 2> /dev/null
fi

mkdir -p "$work/backend/logs"
render "$here/conf/backend-nginx.conf" "$work/backend/nginx.conf" "$work/backend" "" off
nginx -t -q -p "$work/backend/" -c "$work/backend/nginx.conf" || die "nginx rejects the backend config"
nginx -p "$work/backend/" -c "$work/backend/nginx.conf" -g 'daemon off;' > "$work/backend/stdout.log" 2>&1 &
pid[backend]=$!; started+=($!)

needed=()   # proxy instances the selected scenarios use
for s in "${selected[@]}"; do
  for server in $(servers_of "$s"); do
    instance=$(instance_of "$s" "$server")
    [[ $instance == backend || " ${needed[*]} " == *" $instance "* ]] || needed+=("$instance")
  done
done
for instance in "${needed[@]}"; do
  case $instance in
    nginx) start_nginx "$instance" "$here/conf/nginx-proxy.conf" off ;;
    nginx+log) start_nginx "$instance" "$here/conf/nginx-proxy.conf" on ;;
    haproxy) start_haproxy "$instance" "$here/conf/haproxy.cfg" off ;;
    haproxy+log) start_haproxy "$instance" "$here/conf/haproxy.cfg" on ;;
    gatehouse) start_gatehouse "$instance" "$here/conf/gatehouse.yaml" ;;
    gatehouse+log) start_gatehouse "$instance" "$here/conf/gatehouse-accesslog.yaml" ;;
    gatehouse@base) start_gatehouse "$instance" "$baseline/bench/conf/gatehouse.yaml" "$baseline" ;;
    nginx-vhosts) start_nginx "$instance" "$work/vhosts/nginx.conf" off ;;
    haproxy-vhosts) start_haproxy "$instance" "$work/vhosts/haproxy.cfg" off ;;
    gatehouse-vhosts) start_gatehouse "$instance" "$work/vhosts/gatehouse.yaml" ;;
    jetty|vertx|spring-gw|undertow) start_peer "$instance" ;;
  esac
done
await backend 127.0.0.1
for instance in "${needed[@]}"; do
  if [[ $instance == *-vhosts ]]; then await "$instance" site0001.bench.test; else await "$instance" 127.0.0.1; fi
done

# --- Measuring ------------------------------------------------------------------------------------------------
threads=$(nproc)
idle_interval=5

pid_tree() {  # a process and all its descendants
  local p=$1 child
  echo "$p"
  for child in $(pgrep -P "$p" || true); do pid_tree "$child"; done
}

# peak_rss INSTANCE WATCHED_PID OUT: the peak over time of the summed VmRSS (KiB) of the instance's processes,
# sampled every 0.5 s while WATCHED_PID (the load generator) runs.
peak_rss() {
  local pids peak=0 now p key value unit
  pids=$(pid_tree "${pid[$1]}")
  while kill -0 "$2" 2>/dev/null; do
    now=0
    for p in $pids; do
      while read -r key value unit; do
        [[ $key == VmRSS: ]] && now=$((now + value))
      done 2>/dev/null < "/proc/$p/status" || true
    done
    ((now > peak)) && peak=$now
    sleep 0.5
  done
  echo "$peak" > "$3"
}

# load SCENARIO SERVER DURATION OUT: one run of the scenario's load against the server, its output in OUT
# (ending in a "BENCH ..." line) and the peak RSS in OUT.rss.
load() {
  local scenario=$1 server=$2 instance conns=64 path=/small extra=() host=127.0.0.1
  instance=$(instance_of "$scenario" "$server")
  case $scenario in
    small256) conns=256 ;;
    big64) path=/64k ;;
    upload) path=/upload ;;
    close) extra=(-H "Connection: close") ;;
  esac
  if [[ $scenario == idle ]]; then
    python3 "$here/idle_clients.py" --port "${port[$instance]}" --conns "$idle_conns" \
      --hold "$(seconds "$3")" --interval "$idle_interval" > "$4" 2>&1 &
  else
    BENCH_VHOSTS=$vhosts wrk --latency -t "$((threads < conns ? threads : conns))" -c "$conns" -d "$(seconds "$3")s" \
      --timeout 10s -s "$work/lua/$scenario.lua" ${extra[@]+"${extra[@]}"} \
      "http://$host:${port[$instance]}$path" > "$4" 2>&1 &
  fi
  load_pid=$!
  peak_rss "$instance" "$load_pid" "$4.rss"
  wait "$load_pid" || true
  load_pid=""
}

echo -e "round\tscenario\tserver\trequests\tduration_us\tp50_us\tp99_us\tstatus\tsocket\trss_kib" > "$work/results.tsv"

record() {  # round scenario server out
  local line
  line=$(grep '^BENCH ' "$4" | tail -n 1 || true)
  if [[ -z $line ]]; then
    log "round $1 $2 $3: no result; output was:"; tail -n 5 "$4" >&2
    return
  fi
  local -A f=()
  for kv in ${line#BENCH }; do f[${kv%%=*}]=${kv#*=}; done
  echo -e "$1\t$2\t$3\t${f[requests]}\t${f[duration_us]}\t${f[p50_us]}\t${f[p99_us]}\t${f[status]}\t${f[socket]}\t$(cat "$4.rss")" \
    >> "$work/results.tsv"
  awk -v r="$1" -v s="$2" -v v="$3" -v n="${f[requests]}" -v d="${f[duration_us]}" -v p50="${f[p50_us]}" \
      -v p99="${f[p99_us]}" -v rss="$(cat "$4.rss")" -v st="${f[status]}" -v so="${f[socket]}" 'BEGIN {
    printf "bench: round %s %-9s %-14s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  rss %6.1f MiB  errors %s/%s\n",
      r, s, v, (d > 0 ? n * 1e6 / d : 0), p50 / 1000, p99 / 1000, rss / 1024, st, so }' >&2
}

# --- Header -----------------------------------------------------------------------------------------------------
{
  echo "Gatehouse benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')  commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo "?")"
  echo "command:   $command_line"
  echo "machine:   $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
  echo "software:  $("$java_bin" -version 2>&1 | head -n 1); $(nginx -v 2>&1 | sed 's/^nginx version: //'); $(haproxy -v | head -n 1 | cut -d' ' -f1-3); $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2)"
  echo "gatehouse: JVM options ${GATEHOUSE_JAVA_OPTS-(bin/gatehouse defaults)}"
  ((peers)) && echo "peers:     ${peer_names[*]} (bench/peers/, commit $(git -C "$root" log -1 --format=%h -- bench/peers 2>/dev/null || echo "?")), JVM options -Xmx128m (JVM defaults otherwise)"
  [[ -z $baseline ]] || echo "baseline:  gatehouse@base is $baseline, commit $(git -C "$baseline" describe --always --dirty 2>/dev/null || echo "?")"
  echo "runs:      $rounds round(s) x ${#selected[@]} scenario(s), $duration each; warm-up $warmup + $scenario_warmup per scenario; wrk -t $threads; open files $nofile"
  for instance in "${proxies[@]}"; do
    [[ -n ${pid[$instance]:-} ]] || continue
    echo "check:     $instance -> backend saw: $(curl -s --max-time 2 "http://127.0.0.1:${port[$instance]}/headers")"
  done
} | tee "$work/header.txt" >&2

# --- Warm-up (discarded) ----------------------------------------------------------------------------------------
for instance in "${needed[@]}"; do
  warm_scenario=small64
  [[ $instance == *-vhosts ]] && warm_scenario=vhosts
  server=${instance%-vhosts}
  log "warming up $instance"
  load "$warm_scenario" "$server" "$warmup" "$work/warmup.out"
  for s in "${selected[@]}"; do
    [[ $s == idle ]] && continue
    [[ $(instance_of "$s" "$server") == "$instance" ]] || continue
    load "$s" "$server" "$scenario_warmup" "$work/warmup.out"
  done
done

# --- Rounds: every scenario on every server, the server order rotating from round to round ---------------------
for ((round = 1; round <= rounds; round++)); do
  for s in "${selected[@]}"; do
    read -r -a servers <<< "$(servers_of "$s")"
    n=${#servers[@]}
    for ((i = 0; i < n; i++)); do
      server=${servers[(i + round - 1) % n]}
      out="$work/round$round-$s-$server.out"
      load "$s" "$server" "$duration" "$out"
      record "$round" "$s" "$server" "$out"
    done
  done
done

echo
cat "$work/header.txt"
echo
python3 "$here/report.py" "$work/results.tsv"
