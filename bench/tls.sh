#!/usr/bin/env bash
# HTTPS front door (issue 17): Gatehouse against nginx and HAProxy, all three terminating TLS with the same
# certificate and proxying to one plain-HTTP nginx backend serving the 100-byte /small, all on 127.0.0.1.
# Not part of CI.
#
#   bench/tls.sh                                   # 3 interleaved rounds, 10 s per run
#   bench/tls.sh --rounds 1 --duration 3s --warmup 2s   # smoke test (numbers meaningless)
#   bench/tls.sh --scenarios h2,h1-keepalive             # some scenarios only
#
# Options:
#   --rounds N       measured rounds, interleaved, the server order rotating (default 3); medians reported
#   --duration D     each measured run, in seconds as 10s (default 10s)
#   --warmup D       discarded load per server and scenario before the rounds (default 5s)
#   --scenarios LIST comma-separated, from: h1-keepalive h2 rss-256 handshake-ec handshake-rsa (default all)
#   --keep           keep the work directory (configs, certificates, logs, results.tsv)
#   --peers          also measure the JVM peers of bench/peers/ (jetty, vertx, spring-gw, undertow on 18161-18164,
#                    EC certificate only, so not in handshake-rsa), with the JVM's defaults plus -Xmx128m (the
#                    heap cap of Gatehouse's launcher); builds their jars with Maven if missing
#
# Scenarios (each against each server, EC P-256 certificate unless named):
#   h1-keepalive   wrk -c64, HTTP/1.1 over TLS, keep-alive (ALPN http/1.1)
#   h2             h2load -c64 -m10: HTTP/2 over TLS, 64 connections x 10 concurrent streams
#   rss-256        wrk -c256 keep-alive: the peak RSS of the server's own processes (Gatehouse: its JVM)
#   handshake-ec   wrk -c64 with "Connection: close": a full TLS handshake per request (ECDSA P-256)
#   handshake-rsa  the same with an RSA 2048 certificate
# Servers and ports: backend nginx 18150; gatehouse 18151 (EC) / 18152 (RSA); nginx 18153 / 18154;
# haproxy 18155 / 18156. Gatehouse runs through bin/gatehouse with its default JVM options; nginx and HAProxy
# with one worker / thread per CPU. Needs nginx, haproxy, wrk, h2load (nghttp2-client), openssl, curl, python3.
set -euo pipefail

rounds=3 duration=10s warmup=5s keep=0 peers=0
all_scenarios=(h1-keepalive h2 rss-256 handshake-ec handshake-rsa)
scenarios=("${all_scenarios[@]}")
name=tls
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
source "$here/lib.sh"
while (($#)); do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --duration) seconds_arg "$1" "$2"; duration=$2; shift 2 ;;
    --warmup) seconds_arg "$1" "$2"; warmup=$2; shift 2 ;;
    --scenarios) IFS=, read -r -a scenarios <<< "${2:?}"; shift 2 ;;
    --keep) keep=1; shift ;;
    --peers) peers=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "tls: unknown option $1" >&2; exit 64 ;;
  esac
done
for scenario in "${scenarios[@]}"; do
  [[ " ${all_scenarios[*]} " == *" $scenario "* ]] || { echo "tls: unknown scenario '$scenario' (known: ${all_scenarios[*]})" >&2; exit 64; }
done

require_tools "apt-get install nginx-light haproxy wrk nghttp2-client openssl curl python3" nginx haproxy wrk h2load openssl curl python3
require_free_ports 18150 18151 18152 18153 18154 18155 18156
peer_names=(jetty vertx spring-gw undertow)
declare -A peer_jar=([jetty]=jetty/target/jetty-peer.jar [vertx]=vertx/target/vertx-peer.jar
                     [spring-gw]=spring/target/spring-peer.jar [undertow]=undertow/target/undertow-peer.jar)
declare -A peer_port=([jetty]=18161 [vertx]=18162 [spring-gw]=18163 [undertow]=18164)
if ((peers)); then
  require_free_ports 18161 18162 18163 18164
  for peer in "${peer_names[@]}"; do
    [[ -f $here/peers/${peer_jar[$peer]} ]] && continue
    require_tools "apt-get install maven" mvn
    echo "tls: building the JVM peers (mvn -q -B -f bench/peers/pom.xml package)" >&2
    mvn -q -B -f "$here/peers/pom.xml" package > /dev/null || { echo "tls: building bench/peers failed" >&2; exit 1; }
    break
  done
fi
start_workdir
if ((keep)); then
  keep_workdir
fi

# One test CA, an EC P-256 and an RSA 2048 leaf for bench.test, as certbot writes them (full chain + key).
(
  cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 30 \
    -subj "/CN=Gatehouse bench CA" 2> /dev/null
  for kind in ec rsa; do
    if [[ $kind == ec ]]; then key_opts=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else key_opts=(-newkey rsa:2048); fi
    openssl req "${key_opts[@]}" -nodes -keyout "$kind.key" -out "$kind.csr" -subj "/CN=bench.test" 2> /dev/null
    printf 'subjectAltName=DNS:bench.test,DNS:localhost,IP:127.0.0.1\n' > "$kind.ext"
    openssl x509 -req -in "$kind.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile "$kind.ext" \
      -out "$kind.crt" 2> /dev/null
    cat "$kind.crt" ca.pem > "$kind.fullchain.pem"
    cat "$kind.fullchain.pem" "$kind.key" > "$kind.haproxy.pem"
  done
  # The JVM peers read a PKCS12 keystore.
  openssl pkcs12 -export -in ec.fullchain.pem -inkey ec.key -out ec.p12 -passout pass:bench -name bench
)

write_small_backend_conf 18150
nginx -p "$work/" -c "$work/backend.conf" -g 'daemon off;' > "$work/backend.out" 2>&1 &
pids+=($!)

cat > "$work/gatehouse.yaml" <<EOF
listen: ["127.0.0.1:18151 tls"]
accessLog: { path: "off" }
tls:
  certificates: [{ cert: "$work/ec.fullchain.pem", key: "$work/ec.key" }]
vhosts:
  - hosts: ["*"]
    # Sized like nginx's "keepalive 256" (bench/conf/nginx-proxy.conf) as in bench/conf/gatehouse.yaml: HTTP/2's
    # 64 x 10 streams keep 640 requests at the backend, and the default 64 idle connections per IO thread would
    # close and reopen backend connections all run long (tens of thousands of TIME_WAIT sockets).
    proxy: { backends: ["http://127.0.0.1:18150"], connections: 256 }
EOF
sed -e 's/18151/18152/' -e 's/ec\./rsa./g' "$work/gatehouse.yaml" > "$work/gatehouse-rsa.yaml"
"$root/bin/gatehouse" run "$work/gatehouse.yaml" > "$work/gatehouse.out" 2>&1 &
gatehouse_pid=$!   # the launcher execs the JVM: this is the JVM's pid
pids+=("$gatehouse_pid")
"$root/bin/gatehouse" run "$work/gatehouse-rsa.yaml" > "$work/gatehouse-rsa.out" 2>&1 &
pids+=($!)

sed -e "s|@LISTEN@|127.0.0.1:18153 ssl http2|" -e "s|@PREFIX@|$work/nginx|" -e "s|@NOFILE@|65536|" \
    -e "s|@WORKER_CONNECTIONS@|16384|" -e '/#LOG_ON#/d' -e 's/#LOG_OFF#//' "$here/conf/nginx-proxy.conf" \
  | sed -e "s|server_name _;|server_name _; ssl_certificate $work/ec.fullchain.pem; ssl_certificate_key $work/ec.key; ssl_protocols TLSv1.2 TLSv1.3;|" \
        -e 's/18080/18150/' > "$work/nginx.conf.tmp"
mkdir -p "$work/nginx" && cp "$here/conf/nginx-proxy-common.conf" "$work/nginx/"
sed -e 's|include nginx-proxy-common.conf|include '"$work"'/nginx/nginx-proxy-common.conf|' "$work/nginx.conf.tmp" > "$work/nginx/nginx.conf"
sed -e 's/18153/18154/' -e 's/ec\./rsa./g' -e 's|/nginx.pid|/nginx-rsa.pid|' "$work/nginx/nginx.conf" > "$work/nginx/nginx-rsa.conf"
nginx -p "$work/nginx/" -c "$work/nginx/nginx.conf" -g 'daemon off;' > "$work/nginx.out" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")
nginx -p "$work/nginx/" -c "$work/nginx/nginx-rsa.conf" -g 'daemon off;' > "$work/nginx-rsa.out" 2>&1 &
pids+=($!)

sed -e "s|@LISTEN@|127.0.0.1:18155 ssl crt $work/ec.haproxy.pem alpn h2,http/1.1 ssl-min-ver TLSv1.2|" \
    -e 's|@MAXCONN@|4096|' -e '/#LOG_ON#/d' -e 's/#LOG_OFF#//' -e 's/127.0.0.1:18080/127.0.0.1:18150/' \
    -e 's/set-header X-Forwarded-Proto http$/set-header X-Forwarded-Proto https/' "$here/conf/haproxy.cfg" > "$work/haproxy.cfg"
sed -e 's/18155/18156/' -e 's/ec\.haproxy/rsa.haproxy/' "$work/haproxy.cfg" > "$work/haproxy-rsa.cfg"
haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.out" 2>&1 &
haproxy_pid=$!
pids+=("$haproxy_pid")
haproxy -db -f "$work/haproxy-rsa.cfg" > "$work/haproxy-rsa.out" 2>&1 &
pids+=($!)

servers=(gatehouse nginx haproxy)
declare -A port=([gatehouse]=18151 [nginx]=18153 [haproxy]=18155)
declare -A rsa_port=([gatehouse]=18152 [nginx]=18154 [haproxy]=18156)
declare -A server_pid=([gatehouse]=$gatehouse_pid [nginx]=$nginx_pid [haproxy]=$haproxy_pid)
if ((peers)); then
  for peer in "${peer_names[@]}"; do
    java -Xmx128m -Dpeer.port="${peer_port[$peer]}" -Dpeer.backend=http://127.0.0.1:18150 \
      -Dpeer.keystore="$work/ec.p12" -jar "$here/peers/${peer_jar[$peer]}" > "$work/$peer.out" 2>&1 &
    pids+=($!)
    servers+=("$peer"); port[$peer]=${peer_port[$peer]}; server_pid[$peer]=$!
  done
fi
url() { echo "https://127.0.0.1:$1/small"; }
for server in "${servers[@]}"; do
  for p in "${port[$server]}" ${rsa_port[$server]:-}; do
    for _ in $(seq 600); do curl -sk -o /dev/null --max-time 1 "$(url "$p")" && break; sleep 0.1; done
    for proto in --http1.1 --http2; do
      got=$(curl -sk $proto --max-time 2 -o /dev/null -w '%{http_code} %{http_version}' "$(url "$p")" || true)
      want="200 $([[ $proto == --http2 ]] && echo 2 || echo 1.1)"
      if [[ $got != "$want" ]]; then
        tail -n 5 "$work"/*.out >&2 2>/dev/null || true
        echo "tls: $server on $p answered '$got' to curl $proto, expected '$want'" >&2; exit 1
      fi
    done
  done
done

# run SERVER SCENARIO DURATION OUT: the load's output in OUT, the server's peak RSS (KiB) in OUT.rss.
run() {
  local server=$1 scenario=$2 seconds=${3%s} out=$4 load_pid peak=0 now server_pids duration_or_count
  read -r -a server_pids <<< "$(pid_tree "${server_pid[$server]}" | tr '\n' ' ')"
  case $scenario in
    h1-keepalive) wrk -t "$(nproc)" -c 64 -d "$3" "$(url "${port[$server]}")" > "$out" 2>&1 & ;;
    rss-256) wrk -t "$(nproc)" -c 256 -d "$3" "$(url "${port[$server]}")" > "$out" 2>&1 & ;;
    # h2load -D can wait forever for connections still in their handshake when the time is up, as those of a JVM
    # not yet compiled are: the warm-up asks for batches of requests instead, as many as fit in its time (one batch
    # left the JVM compiling its HTTP/2 path through the measured rounds).
    h2) if [[ $out == */warmup.out ]]; then
          (end=$((SECONDS + seconds)); while ((SECONDS < end)); do
             h2load -t "$(nproc)" -c 64 -m 10 -n 20000 "$(url "${port[$server]}")" > "$out" 2>&1 || exit
           done) &
        else
          # Bounded: a server too slow to finish its connections' handshakes (Spring Cloud Gateway on a busy
          # machine) kept h2load past -D for minutes; such a run reports 0 req/s.
          timeout "$((seconds + 20))" h2load -t "$(nproc)" -c 64 -m 10 -D "$seconds" "$(url "${port[$server]}")" > "$out" 2>&1 &
        fi ;;
    handshake-ec) wrk -t "$(nproc)" -c 64 -d "$3" -H 'Connection: close' "$(url "${port[$server]}")" > "$out" 2>&1 & ;;
    handshake-rsa) wrk -t "$(nproc)" -c 64 -d "$3" -H 'Connection: close' "$(url "${rsa_port[$server]}")" > "$out" 2>&1 & ;;
  esac
  load_pid=$!
  if [[ $scenario == handshake-rsa ]]; then
    read -r -a server_pids <<< ""   # the RSA instances are other processes: RSS is measured on the EC ones
  fi
  while kill -0 "$load_pid" 2>/dev/null; do
    if ((${#server_pids[@]})); then now=$(rss_kib "${server_pids[@]}"); ((now > peak)) && peak=$now; fi
    sleep 0.5
  done
  wait "$load_pid" || true
  echo "$peak" > "$out.rss"
}
# requests/s and errors of a finished run
figures() {  # out
  if grep -q '^finished in' "$1"; then   # h2load
    awk '/^finished in/ {gsub(",", ""); for (i = 1; i <= NF; i++) if ($i ~ /req\/s/) rps = $(i - 1)}
         /^requests:/ {gsub(",", ""); for (i = 1; i <= NF; i++) { if ($(i + 1) == "failed" || $(i + 1) == "errored") err += $i }}
         /^status codes:/ {gsub(",", ""); for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^[345]xx$/) err += $i}
         END {print rps + 0, err + 0}' "$1"
  else
    awk '/^Requests\/sec:/ {rps = $2} /Non-2xx/ {err += $NF}
         /Socket errors/ {gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) err += $i} END {print rps + 0, err + 0}' "$1"
  fi
}

echo "tls: commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'), $(nproc) CPUs," \
  "$rounds round(s) of $duration, warm-up $warmup" >&2
echo "tls: $(nginx -v 2>&1 | sed 's/^nginx version: //'); $(haproxy -v | head -n 1 | cut -d' ' -f1-3); $(openssl version)" >&2
measured() {  # server scenario: whether the server takes part (the peers have no RSA instance)
  [[ $2 != handshake-rsa || -n ${rsa_port[$1]:-} ]]
}
((peers)) && echo "tls: peers ${peer_names[*]} with JVM options -Xmx128m (JVM defaults otherwise)" >&2
for server in "${servers[@]}"; do
  for scenario in "${scenarios[@]}"; do
    measured "$server" "$scenario" && run "$server" "$scenario" "$warmup" "$work/warmup.out"
  done
done
echo -e "round\tscenario\tserver\trequests_per_s\terrors\tserver_rss_kib" > "$work/results.tsv"
for ((round = 1; round <= rounds; round++)); do
  for scenario in "${scenarios[@]}"; do
    for ((i = 0; i < ${#servers[@]}; i++)); do
      server=${servers[(i + round - 1) % ${#servers[@]}]}
      measured "$server" "$scenario" || continue
      out="$work/round$round-$scenario-$server.out"
      run "$server" "$scenario" "$duration" "$out"
      read -r rps errors <<< "$(figures "$out")"
      echo -e "$round\t$scenario\t$server\t$rps\t$errors\t$(cat "$out.rss")" >> "$work/results.tsv"
      echo "tls: round $round $scenario $server: $rps req/s, $errors errors" >&2
    done
  done
done

python3 - "$work/results.tsv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
print(f"{'scenario':<14} {'server':<10} {'req/s (median)':>15} {'errors':>7} {'peak RSS MiB':>13} {'vs faster peer':>15}")
for scenario in ('h1-keepalive', 'h2', 'rss-256', 'handshake-ec', 'handshake-rsa'):
    med = {}
    for server in ('gatehouse', 'nginx', 'haproxy', 'jetty', 'vertx', 'spring-gw', 'undertow'):
        r = [x for x in rows if x['scenario'] == scenario and x['server'] == server]
        if r:
            med[server] = (statistics.median(float(x['requests_per_s']) for x in r), sum(int(x['errors']) for x in r),
                           max(int(x['server_rss_kib']) for x in r) / 1024)
    peer = max(med.get('nginx', (0,))[0], med.get('haproxy', (0,))[0])
    for server, (rps, errors, rss) in med.items():
        ratio = f"{rps / peer:.2f}x" if peer and server not in ('nginx', 'haproxy') else ''
        rss_text = f"{rss:.1f}" if rss else '-'
        print(f"{scenario:<14} {server:<10} {rps:15.0f} {errors:7d} {rss_text:>13} {ratio:>15}")
print("peak RSS: the server's own processes (Gatehouse: its JVM alone); handshake-rsa RSS is not sampled")
PY
