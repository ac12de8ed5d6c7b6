#!/usr/bin/env bash
# PHP through FastCGI (issue 18): Gatehouse (files + fastcgi) against lighttpd + php-cgi and nginx + php-fpm, the
# same number of PHP processes behind each, all on 127.0.0.1, driven by wrk with keep-alive. Not part of CI.
#
#   bench/php.sh                        # 3 interleaved rounds, 10 s per run
#   bench/php.sh --rounds 1 --duration 3s --warmup 2s    # smoke test (numbers meaningless)
#   bench/php.sh --install              # apt-get install the missing packages first (php8.2-fpm etc.; root)
#
# Options:
#   --rounds N        measured rounds, interleaved, the server order rotating (default 3); medians reported
#   --duration D      each measured run, in seconds as 10s (default 10s)
#   --warmup D        discarded load per server and script before the rounds (default 10s)
#   --children N      PHP processes behind each server (default 4): PHP_FCGI_CHILDREN for php-cgi,
#                     pm = static with pm.max_children for php-fpm
#   --connections N   wrk connections (default 64)
#   --keep-alive N    also run a second Gatehouse, "gatehouse+ka", with fastcgi.keepAlive: N (on 18137, its own
#                     php-cgi on 18136), in the same rounds; the first Gatehouse keeps the default (no kept connection)
#   --max-connections M  with --keep-alive: "gatehouse+ka" also has fastcgi.maxConnections: M (the cap, requests
#                     beyond it queued in the gateway; give --children to cap at the PHP workers). Default 0: no cap
#   --keep            keep the work directory (configs, logs, wrk output, results.tsv)
#   --install         install missing packages with apt-get (root or sudo); otherwise nothing is installed
#
# Scripts: hello.php (6 bytes) and big.php (64 KiB, echo str_repeat). Servers and ports:
#   gatehouse  bin/gatehouse on 18131, files + fastcgi to `php-cgi -b 127.0.0.1:18130` (PHP_FCGI_CHILDREN=N)
#   lighttpd   lighttpd on 18133, mod_fastcgi to its own `php-cgi -b 127.0.0.1:18132` (PHP_FCGI_CHILDREN=N):
#              the same php-cgi started the same way as Gatehouse's rather than lighttpd's bin-path spawn, so that
#              both run byte-for-byte the same PHP process tree and only the server in front differs; a separate
#              instance because a php-cgi child serves one FastCGI connection for as long as it stays open
#   nginx      nginx on 18135 (one worker per CPU), fastcgi_pass to php-fpm8.2 on 127.0.0.1:18134 (pm = static,
#              pm.max_children = N), without fastcgi_keep_conn (nginx's default)
# All three talk FastCGI over TCP. Reported per script and server: requests/s (median over the rounds), errors
# (non-2xx + socket errors, summed), the CPU time (user + system, all threads, from /proc) per request of the
# server's own processes and of its PHP processes (medians; less sensitive than requests/s to the other load on a
# busy machine), the peak RSS of the server's own processes (for Gatehouse its JVM alone) and the peak RSS of its
# PHP processes, separately. Needs php-cgi, php-fpm8.2, lighttpd, nginx, wrk, curl, python3
# and a Java 17 runtime; ports 18130-18135; works in a mktemp -d directory and stops what it started on exit.
# Gatehouse runs through bin/gatehouse, so its environment applies: GATEHOUSE_FOOTPRINT=small bench/php.sh measures
# the launcher's C1-alone footprint, GATEHOUSE_JAVA_OPTS any other options.
set -euo pipefail

rounds=3 duration=10s warmup=10s children=4 connections=64 keep=0 install=0 keep_alive=0 max_connections=0
name=php
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
source "$here/lib.sh"
while (($#)); do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --duration) seconds_arg "$1" "$2"; duration=$2; shift 2 ;;
    --warmup) seconds_arg "$1" "$2"; warmup=$2; shift 2 ;;
    --children) children=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --keep-alive) keep_alive=$2; shift 2 ;;
    --max-connections) max_connections=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --install) install=1; shift ;;
    -h|--help) sed -n '2,38p' "$0"; exit 0 ;;
    *) echo "php: unknown option $1" >&2; exit 64 ;;
  esac
done

packages="php-cgi php8.2-fpm lighttpd nginx-light wrk curl python3 procps"
if ((install)); then
  missing=()
  for tool in php-cgi:php-cgi php-fpm8.2:php8.2-fpm lighttpd:lighttpd nginx:nginx-light wrk:wrk curl:curl; do
    command -v "${tool%%:*}" > /dev/null || missing+=("${tool#*:}")
  done
  if ((${#missing[@]})); then
    sudo=(); (($(id -u) == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  fi
fi
require_tools "apt-get install $packages, or rerun with --install" php-cgi php-fpm8.2 lighttpd nginx wrk curl python3 pgrep
require_free_ports 18130 18131 18132 18133 18134 18135
((keep_alive == 0)) || require_free_ports 18136 18137
start_workdir
if ((keep)); then
  keep_workdir
fi

mkdir -p "$work/www"
echo '<?php echo "hello\n";' > "$work/www/hello.php"
echo '<?php echo str_repeat("x", 65536);' > "$work/www/big.php"
chmod -R a+rX "$work"

start_php_cgi() {  # port: php-cgi -b with N children; its pid in php_pid
  PHP_FCGI_CHILDREN=$children PHP_FCGI_MAX_REQUESTS=0 php-cgi -b "127.0.0.1:$1" > "$work/php-cgi-$1.out" 2>&1 &
  php_pid=$!
  pids+=("$php_pid")
}

# Gatehouse: start_gatehouse NAME PHP_PORT PORT KEEP_ALIVE MAX_CONNECTIONS; the JVM's pid in gatehouse_pid, its
# php-cgi's in php_pid
start_gatehouse() {
  start_php_cgi "$2"
  cat > "$work/$1.yaml" <<EOF
listen: ["127.0.0.1:$3"]
accessLog: { path: "off" }
vhosts:
  - name: php
    hosts: ["*"]
    files:
      root: "$work/www"
      index: [index.php, index.html]
      fastcgi: { backends: ["127.0.0.1:$2"], extensions: [".php"], keepAlive: $4, maxConnections: $5 }
EOF
  "$root/bin/gatehouse" run "$work/$1.yaml" > "$work/$1.out" 2>&1 &
  gatehouse_pid=$!   # the launcher execs the JVM: this is the JVM's pid
  pids+=("$gatehouse_pid")
}
start_gatehouse gatehouse 18130 18131 0 0
gatehouse_php=$php_pid gatehouse_jvm=$gatehouse_pid

# lighttpd
start_php_cgi 18132
lighttpd_php=$php_pid
cat > "$work/lighttpd.conf" <<EOF
server.modules = ("mod_indexfile", "mod_fastcgi", "mod_staticfile")
server.document-root = "$work/www"
server.bind = "127.0.0.1"
server.port = 18133
server.errorlog = "$work/lighttpd.err"
server.pid-file = "$work/lighttpd.pid"
server.max-connections = 4096
server.max-fds = 8192
index-file.names = ("index.php", "index.html")
static-file.exclude-extensions = (".php")
fastcgi.server = (".php" => (("host" => "127.0.0.1", "port" => 18132, "check-local" => "enable")))
EOF
lighttpd -D -f "$work/lighttpd.conf" > "$work/lighttpd.out" 2>&1 &
lighttpd_pid=$!
pids+=("$lighttpd_pid")

# nginx + php-fpm
as_root=(); (($(id -u) == 0)) && as_root=(-R)   # php-fpm refuses to run its pool as root without -R
cat > "$work/php-fpm.conf" <<EOF
[global]
pid = $work/php-fpm.pid
error_log = $work/php-fpm.err
daemonize = no
[bench]
listen = 127.0.0.1:18134
pm = static
pm.max_children = $children
pm.max_requests = 0
EOF
php-fpm8.2 -F -y "$work/php-fpm.conf" ${as_root[@]+"${as_root[@]}"} > "$work/php-fpm.out" 2>&1 &
fpm_pid=$!
pids+=("$fpm_pid")
cat > "$work/nginx.conf" <<EOF
worker_processes $(nproc);
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:18135 backlog=4096;
        root $work/www;
        index index.php index.html;
        location ~ \.php\$ {
            try_files \$uri =404;
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
            fastcgi_pass 127.0.0.1:18134;
        }
    }
}
EOF
nginx -p "$work/" -c "$work/nginx.conf" -g 'daemon off;' > "$work/nginx.out" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")

servers=(gatehouse lighttpd nginx)
declare -A port=([gatehouse]=18131 [lighttpd]=18133 [nginx]=18135)
declare -A server_pid=([gatehouse]=$gatehouse_jvm [lighttpd]=$lighttpd_pid [nginx]=$nginx_pid)
declare -A php_of=([gatehouse]=$gatehouse_php [lighttpd]=$lighttpd_php [nginx]=$fpm_pid)
if ((keep_alive)); then
  start_gatehouse gatehouse+ka 18136 18137 "$keep_alive" "$max_connections"
  servers+=(gatehouse+ka)
  port[gatehouse+ka]=18137 server_pid[gatehouse+ka]=$gatehouse_pid php_of[gatehouse+ka]=$php_pid
fi
for server in "${servers[@]}"; do
  for _ in $(seq 200); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:${port[$server]}/hello.php" && break; sleep 0.1; done
  answer=$(curl -s --max-time 2 "http://127.0.0.1:${port[$server]}/hello.php" || true)
  if [[ $answer != hello ]]; then
    tail -n 5 "$work"/*.out "$work"/*.err >&2 2>/dev/null || true
    echo "php: $server on ${port[$server]} does not run hello.php (answered: ${answer:0:80})" >&2; exit 1
  fi
  size=$(curl -s --max-time 2 "http://127.0.0.1:${port[$server]}/big.php" | wc -c)
  ((size == 65536)) || { echo "php: $server's big.php answered $size bytes, not 65536" >&2; exit 1; }
done

cpu_ticks() {  # the summed user + system clock ticks of the given pids, all their threads
  local total=0 p fields
  for p in "$@"; do
    read -r -a fields 2>/dev/null < <(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue   # gone
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}
# load SERVER SCRIPT DURATION OUT: wrk's output in OUT, then "peak server RSS, peak PHP RSS" (KiB), sampled every
# 0.5 s while wrk runs, and "server CPU ticks, PHP CPU ticks" over the run, in OUT.rss. Gatehouse's own RSS and CPU
# are its JVM's alone (bin/gatehouse execs it).
load() {
  local server_pids php_pids wrk_pid peak_server=0 peak_php=0 now server_ticks php_ticks
  read -r -a server_pids <<< "$(pid_tree "${server_pid[$1]}" | tr '\n' ' ')"
  read -r -a php_pids <<< "$(pid_tree "${php_of[$1]}" | tr '\n' ' ')"
  server_ticks=$(cpu_ticks "${server_pids[@]}") php_ticks=$(cpu_ticks "${php_pids[@]}")
  wrk --latency -t "$(nproc)" -c "$connections" -d "$3" --timeout 10s "http://127.0.0.1:${port[$1]}/$2" > "$4" 2>&1 &
  wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do
    now=$(rss_kib "${server_pids[@]}"); ((now > peak_server)) && peak_server=$now
    now=$(rss_kib "${php_pids[@]}"); ((now > peak_php)) && peak_php=$now
    sleep 0.5
  done
  wait "$wrk_pid" || true
  server_ticks=$(($(cpu_ticks "${server_pids[@]}") - server_ticks)) php_ticks=$(($(cpu_ticks "${php_pids[@]}") - php_ticks))
  echo "$peak_server $peak_php $server_ticks $php_ticks" > "$4.rss"
}

echo "php: commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'), $(nproc) CPUs, $children PHP processes each," \
  "wrk -c$connections, $rounds round(s) of $duration, warm-up $warmup" >&2
echo "php: $(php-cgi -v | head -n 1 | cut -d' ' -f1-3); $(lighttpd -v | head -n 1); $(nginx -v 2>&1 | sed 's/^nginx version: //')" >&2
for server in "${servers[@]}"; do
  for script in hello.php big.php; do load "$server" "$script" "$warmup" "$work/warmup.out"; done
done
echo -e "round\tscript\tserver\trequests_per_s\terrors\tserver_rss_kib\tphp_rss_kib\tp99_ms\tserver_cpu_us\tphp_cpu_us" \
  > "$work/results.tsv"
hz=$(getconf CLK_TCK)
for ((round = 1; round <= rounds; round++)); do
  for script in hello.php big.php; do
    for ((i = 0; i < ${#servers[@]}; i++)); do
      server=${servers[(i + round - 1) % ${#servers[@]}]}
      out="$work/round$round-$script-$server.out"
      load "$server" "$script" "$duration" "$out"
      rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
      errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) n += $i} END {print n + 0}' "$out")
      p99=$(awk '$1 == "99%" {v = $2; if (v ~ /us$/) v /= 1000; else if (v ~ /ms$/) v += 0; else if (v ~ /s$/) v *= 1000; print v}' "$out")
      read -r server_rss php_rss server_ticks php_ticks < "$out.rss"
      requests=$(awk '/ requests in / {print $1}' "$out")
      per_request() { python3 -c "print(f'{$1 / $hz * 1e6 / max(${requests:-0}, 1):.1f}')"; }
      echo -e "$round\t$script\t$server\t${rps:-0}\t$errors\t$server_rss\t$php_rss\t${p99:-0}\t$(per_request "$server_ticks")\t$(per_request "$php_ticks")" \
        >> "$work/results.tsv"
      echo "php: round $round $script $server: ${rps:-0} req/s, $errors errors" >&2
    done
  done
done

python3 - "$work/results.tsv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
print(f"{'script':<10} {'server':<12} {'req/s (median)':>15} {'errors':>7} {'server RSS MiB':>15} {'PHP RSS MiB':>12} {'p99 ms':>8}"
      f" {'server CPU us/req':>18} {'PHP CPU us/req':>15}")
for script in ('hello.php', 'big.php'):
    for server in ('gatehouse', 'gatehouse+ka', 'lighttpd', 'nginx'):
        r = [x for x in rows if x['script'] == script and x['server'] == server]
        if not r:
            continue
        print(f"{script:<10} {server:<12} {statistics.median(float(x['requests_per_s']) for x in r):15.0f} "
              f"{sum(int(x['errors']) for x in r):7d} {max(int(x['server_rss_kib']) for x in r) / 1024:15.1f} "
              f"{max(int(x['php_rss_kib']) for x in r) / 1024:12.1f} "
              f"{statistics.median(float(x['p99_ms']) for x in r):8.1f} "
              f"{statistics.median(float(x['server_cpu_us']) for x in r):18.1f} "
              f"{statistics.median(float(x['php_cpu_us']) for x in r):15.1f}")
print("server RSS: the server's own processes (Gatehouse: its JVM alone); PHP RSS: its php-cgi or php-fpm tree; "
      "p99: wrk's 99th percentile latency; CPU: user + system time per request, of the same processes; "
      "medians over the rounds")
PY
