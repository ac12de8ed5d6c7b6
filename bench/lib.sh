# Shared by the side benchmarks (transfer-heap.sh, vhost-scale.sh, cost-per-request.sh, start-up.sh, php.sh, tls.sh): sourced, never
# run.
# Each script sets `name` (its name in messages) before sourcing this file.

export PATH="$PATH:/usr/sbin:/sbin"

# The backend's /small location for an nginx server block: the 100-byte body every benchmark's small scenario
# measures (bench/conf/backend-nginx.conf, which run.sh renders, says the same in its own template).
small_location='location = /small { default_type text/plain; return 200 "Gatehouse benchmark: a small response body of one hundred bytes, padded with dots to length........\n"; }'

# Writes $work/backend.conf: one nginx worker serving /small on 127.0.0.1:<port>, without an access log.
write_small_backend_conf() {  # the port
  cat > "$work/backend.conf" <<EOF
worker_processes 1;
pid $work/backend.pid;
error_log $work/backend.err warn;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$1;
        $small_location
    }
}
EOF
}

# Stops the script unless an option's value ($2, option $1) is whole seconds as wrk writes them: 10s.
seconds_arg() {
  [[ $2 =~ ^[0-9]+s$ ]] || { echo "$name: $1 takes seconds, as 10s" >&2; exit 64; }
}

# --keep: the work directory is copied next to itself on exit instead of lost. Call after start_workdir.
keep_workdir() {
  before_cleanup() { cp -r "$work" "$work.kept" && echo "$name: kept $work.kept" >&2; }
}

# Stops the script, naming the missing tools and the packages that provide them, unless every tool is installed.
require_tools() {  # "apt-get install ..." hint, then the tools
  local hint=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" > /dev/null || { echo "$name: needs $tool ($hint)" >&2; exit 1; }
  done
}

# Stops the script when anything listens on one of the loopback ports it is about to use.
require_free_ports() {  # the ports
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$name: 127.0.0.1:$port is in use; the script needs ports $1-${*: -1} free" >&2; exit 1
    fi
  done
}

# A mktemp -d directory in $work, and a trap that stops every process in $pids and removes the directory on exit.
# A script that must do something first on exit defines before_cleanup.
start_workdir() {
  work=$(mktemp -d -t "gatehouse-$name.XXXXXX")
  chmod 755 "$work"   # nginx workers run as nobody when started by root
  pids=()
  trap cleanup EXIT
}

cleanup() {
  if declare -F before_cleanup > /dev/null; then before_cleanup || true; fi
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

# For the scripts that sample the servers' memory (php.sh, tls.sh).
pid_tree() {  # a process and all its descendants
  local p=$1 child
  echo "$p"
  for child in $(pgrep -P "$p" || true); do pid_tree "$child"; done
}
rss_kib() {  # the summed VmRSS of the given pids
  local total=0 p key value unit
  for p in "$@"; do
    while read -r key value unit; do [[ $key == VmRSS: ]] && total=$((total + value)); done 2>/dev/null < "/proc/$p/status" || true
  done
  echo "$total"
}
