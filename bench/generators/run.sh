#!/usr/bin/env bash
# Side-by-side load generator benchmark: nginx (one worker, pinned to SERVER_CPU) serves a 13-byte
# body on 127.0.0.1; wrk, ab, hey, autocannon and Loadlens run one after another, each pinned to
# GEN_CPU, with the same connections and duration. Prints one table (req/s, generator CPU µs per
# request, max RSS, ratios to wrk in the same run), then a latency-accuracy run against a loopback
# server with a fixed 5 ms delay (Loadlens p50/p99 next to wrk's).
#
#   bash bench/generators/run.sh                    # defaults below
#   DURATION=30 CONNECTIONS=128 bash bench/generators/run.sh
#
# Environment overrides:
#   DURATION=10        seconds per generator run
#   CONNECTIONS=64     keep-alive connections (Loadlens: closed-model users)
#   SERVER_CPU=0       CPU for nginx / the delay server
#   GEN_CPU=1          CPU for each generator
#   PORT=18080         nginx port;  DELAY_PORT=18081 delay-server port
#   DELAY_MS=5         fixed delay of the latency-accuracy server
#   LATENCY_CONNECTIONS=16  connections for the latency-accuracy run
#   TOOLS="wrk ab hey autocannon loadlens"   which generators to run (wrk is the reference;
#                                            loadlens-epoll / loadlens-lean force a transport;
#                                            loadlens-trace-off / loadlens-trace-on: with --otlp (a receiver,
#                                            nothing exports to it) and the traceparent off / on;
#                                            loadlens-timed: against /timed, whose responses carry
#                                            Server-Timing: db;dur=53.2;desc="select, join", app;dur=47.2)
#   OTLP_PORT=18082    the receiver's port for loadlens-trace-*
#   LATENCY=0          skip the latency-accuracy run
#   SKIP_INSTALL=1     do not install missing tools
#   OUT=<dir>          where logs and the table go (default: a new temp directory)
set -euo pipefail

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
PORT=${PORT:-18080}
DELAY_PORT=${DELAY_PORT:-18081}
DELAY_MS=${DELAY_MS:-5}
LATENCY_CONNECTIONS=${LATENCY_CONNECTIONS:-16}
OTLP_PORT=${OTLP_PORT:-18082}
LATENCY=${LATENCY:-1}
TOOLS=${TOOLS:-"wrk ab hey autocannon loadlens"}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$(mktemp -d /tmp/loadlens-bench.XXXXXX)}
mkdir -p "$OUT"
URL="http://127.0.0.1:$PORT/"

log() { echo "[bench] $*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# ---------------------------------------------------------------- install what is missing
install_tools() {
  local apt_pkgs=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_pkgs+=(nginx-light)
  command -v wrk >/dev/null || apt_pkgs+=(wrk)
  command -v ab >/dev/null || apt_pkgs+=(apache2-utils)
  command -v hey >/dev/null || apt_pkgs+=(hey)
  command -v taskset >/dev/null || apt_pkgs+=(util-linux)
  [ -x /usr/bin/time ] || apt_pkgs+=(time)
  command -v python3 >/dev/null || apt_pkgs+=(python3)
  command -v curl >/dev/null || apt_pkgs+=(curl)
  if ! command -v autocannon >/dev/null && ! command -v npm >/dev/null; then apt_pkgs+=(nodejs npm); fi
  if [ ${#apt_pkgs[@]} -gt 0 ]; then
    log "installing ${apt_pkgs[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
  fi
  if ! command -v autocannon >/dev/null; then
    log "installing autocannon (npm)"
    $SUDO npm install -g autocannon >/dev/null 2>&1
  fi
}
[ "${SKIP_INSTALL:-0}" = "1" ] || install_tools
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ "$(nproc --all)" -lt 2 ] && [ "$SERVER_CPU" != "$GEN_CPU" ]; then
  log "fewer than 2 CPUs: server and generator share CPU $SERVER_CPU"
  GEN_CPU=$SERVER_CPU
fi

# ---------------------------------------------------------------- build Loadlens once
# ReadyToRun (precompiled) as a shipped tool would be: ~0.25 s less start-up CPU than JIT-only. Falls
# back to a plain publish when the crossgen package cannot be restored.
log "publishing Loadlens (Release, ReadyToRun)"
RID="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
if ! dotnet publish "$ROOT/src/Loadlens.Cli/Loadlens.Cli.csproj" -c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true \
     -o "$OUT/loadlens-bin" -nologo -v q >"$OUT/publish.log" 2>&1; then
  log "ReadyToRun publish failed (see $OUT/publish.log); publishing without it"
  dotnet publish "$ROOT/src/Loadlens.Cli/Loadlens.Cli.csproj" -c Release -o "$OUT/loadlens-bin" -nologo -v q >"$OUT/publish.log" 2>&1 \
    || { cat "$OUT/publish.log"; exit 1; }
fi
dotnet build "$ROOT/bench/Loadlens.Benchmarks/Loadlens.Benchmarks.csproj" -c Release -nologo -v q >"$OUT/build-bench.log" 2>&1 \
  || { cat "$OUT/build-bench.log"; exit 1; }
LOADLENS="$OUT/loadlens-bin/loadlens"
BENCH_DLL=$(ls "$ROOT"/bench/Loadlens.Benchmarks/bin/Release/net*/Loadlens.Benchmarks.dll | head -1)

# ---------------------------------------------------------------- nginx, one worker on SERVER_CPU
mkdir -p "$OUT/nginx/tmp"
cat >"$OUT/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  client_body_temp_path $OUT/nginx/tmp;
  proxy_temp_path $OUT/nginx/tmp;
  fastcgi_temp_path $OUT/nginx/tmp;
  uwsgi_temp_path $OUT/nginx/tmp;
  scgi_temp_path $OUT/nginx/tmp;
  server {
    listen 127.0.0.1:$PORT;
    location / { default_type text/plain; return 200 "hello, world\n"; }
    location /timed { default_type text/plain; add_header Server-Timing 'db;dur=53.2;desc="select, join", app;dur=47.2'; return 200 "hello, world\n"; }
  }
}
EOF
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  log "nothing listens on port $1"; return 1
}

# the worker inherits the master's affinity: one worker process on SERVER_CPU
taskset -c "$SERVER_CPU" "$NGINX" -c "$OUT/nginx/nginx.conf" -p "$OUT/nginx" -e "$OUT/nginx/error.log" >"$OUT/nginx/stdout.log" 2>&1 &
PIDS+=($!)
wait_port "$PORT"
[ "$(curl -s "$URL" 2>/dev/null || true)" = "hello, world" ] || log "warning: could not verify nginx's response with curl"

# ---------------------------------------------------------------- run one generator under /usr/bin/time
# Writes $OUT/<name>.out (tool output) and $OUT/<name>.time ("wall user sys maxrss_kb").
timed() {
  local name=$1; shift
  log "running $name: $*"
  /usr/bin/time -o "$OUT/$name.time" -f "%e %U %S %M" taskset -c "$GEN_CPU" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || {
    log "$name failed (exit $?); see $OUT/$name.err"; return 1; }
  sleep 1
}

declare -A REQS RPS
run_tool() {
  local tool=$1 url=${2:-$URL} conns=${3:-$CONNECTIONS} tag=${4:-}
  local name="$tool$tag"
  case $tool in
    wrk)
      timed "$name" wrk -t1 -c"$conns" -d"${DURATION}s" --latency "$url" || return 0
      REQS[$name]=$(awk '/requests in/ {print $1}' "$OUT/$name.out")
      RPS[$name]=$(awk '/Requests\/sec/ {print $2}' "$OUT/$name.out") ;;
    ab)
      timed "$name" ab -k -q -c "$conns" -t "$DURATION" -n 100000000 "$url" || return 0
      REQS[$name]=$(awk '/Complete requests/ {print $3}' "$OUT/$name.out")
      RPS[$name]=$(awk '/Requests per second/ {print $4}' "$OUT/$name.out") ;;
    hey)
      timed "$name" hey -z "${DURATION}s" -c "$conns" "$url" || return 0
      REQS[$name]=$(awk '/\[[0-9]+\][ \t]+[0-9]+ responses/ {s+=$2} END {print s+0}' "$OUT/$name.out")
      RPS[$name]=$(awk '/Requests\/sec/ {print $2}' "$OUT/$name.out") ;;
    autocannon)
      timed "$name" autocannon -c "$conns" -d "$DURATION" -j "$url" || return 0
      REQS[$name]=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["requests"]["total"])' "$OUT/$name.out")
      RPS[$name]=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d["requests"]["total"]/d["duration"],1))' "$OUT/$name.out") ;;
    loadlens|loadlens-*)
      # loadlens-epoll / loadlens-lean / loadlens-sockets force a transport; plain loadlens uses auto;
      # loadlens-trace-off / -on: --otlp with the traceparent off / on; loadlens-timed: Server-Timing responses
      local transport=auto target=$url
      local extra=()
      case $tool in
        loadlens) ;;
        loadlens-trace-on) extra=(--otlp "127.0.0.1:$OTLP_PORT" --trace-context on) ;;
        loadlens-trace-off) extra=(--otlp "127.0.0.1:$OTLP_PORT" --trace-context off) ;;
        loadlens-timed) target="${url%/}/timed" ;;
        *) transport=${tool#loadlens-} ;;
      esac
      rm -rf "$OUT/$name-result"
      CI=1 timed "$name" "$LOADLENS" run "$target" -u "$conns" -d "${DURATION}s" -o "$OUT/$name-result" --name "bench" --transport "$transport" ${extra[@]+"${extra[@]}"} || return 0
      REQS[$name]=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"]["requests"])' "$OUT/$name-result/result.json")
      RPS[$name]=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"]["requestsPerSecond"])' "$OUT/$name-result/result.json") ;;
  esac
}

for tool in $TOOLS; do run_tool "$tool"; done

# ---------------------------------------------------------------- the table
MACHINE="$(lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(nproc --all) CPUs, $(uname -r)"
{
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')  ·  Machine: $MACHINE"
  echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') 1 worker on CPU $SERVER_CPU, 13-byte body; each generator on CPU $GEN_CPU; $CONNECTIONS keep-alive connections; ${DURATION} s"
  echo
  echo "| generator | req/s | CPU µs/request | max RSS (MB) | req/s vs wrk | CPU/request vs wrk |"
  echo "|---|---:|---:|---:|---:|---:|"
  wrk_rps=${RPS[wrk]:-}
  wrk_cpu=""
  if [ -n "${REQS[wrk]:-}" ]; then
    read -r _ u s _ <"$OUT/wrk.time"; wrk_cpu=$(python3 -c "print(($u+$s)*1e6/${REQS[wrk]})")
  fi
  for tool in $TOOLS; do
    [ -n "${REQS[$tool]:-}" ] && [ "${REQS[$tool]}" != "0" ] || { echo "| $tool | failed | | | | |"; continue; }
    read -r _ u s rss <"$OUT/$tool.time"
    python3 - "$tool" "${RPS[$tool]}" "${REQS[$tool]}" "$u" "$s" "$rss" "$wrk_rps" "$wrk_cpu" <<'PY'
import sys
tool, rps, reqs, u, s, rss, wrk_rps, wrk_cpu = sys.argv[1:]
rps, reqs, cpu = float(rps), int(reqs), float(u) + float(s)
us = cpu * 1e6 / reqs
ratio = f"{rps / float(wrk_rps):.2f}×" if wrk_rps else "–"
cratio = f"{us / float(wrk_cpu):.2f}×" if wrk_cpu else "–"
print(f"| {tool} | {rps:,.0f} | {us:.1f} | {int(rss) / 1024:.0f} | {ratio} | {cratio} |")
PY
  done
} | tee "$OUT/table.md"

if [ -f "$OUT/loadlens-result/result.json" ]; then
  python3 - "$OUT/loadlens-result/result.json" <<'PY' | tee -a "$OUT/table.md"
import json, sys
d = json.load(open(sys.argv[1]))
g = d.get("generator") or {}
t = d["total"]
print()
print(f"Loadlens in-run view: transport {g.get('transport')}, inline socket completions {g.get('inlineSocketCompletions')}, "
      f"{g.get('cpuMicrosPerRequest', 0):.1f} µs CPU/request during the run (process CPU incl. start-up is in the table), "
      f"saturated={g.get('saturated')}; {t['failures']} failures; latency p50 {t['latency']['p50']:.2f} ms, p99 {t['latency']['p99']:.2f} ms "
      f"(every request recorded)")
PY
fi

# ---------------------------------------------------------------- traceparent on/off, Server-Timing present/absent
# In-run CPU per request (the generator's own figure: no start-up, no receiver start, no late-span wait) side by side.
python3 - "$OUT" $TOOLS <<'PY' | tee -a "$OUT/table.md"
import json, os, sys
out, tools = sys.argv[1], sys.argv[2:]
def load(tool):
    p = os.path.join(out, f"{tool}-result", "result.json")
    return json.load(open(p)) if os.path.exists(p) else None
pairs = [("loadlens-trace-off", "loadlens-trace-on", "traceparent off → on (both with --otlp)"),
         ("loadlens", "loadlens-timed", "Server-Timing absent → present (nginx /timed)")]
rows = []
for a, b, what in pairs:
    ra, rb = load(a), load(b)
    if not ra or not rb:
        continue
    ca, cb = ra["generator"]["cpuMicrosPerRequest"], rb["generator"]["cpuMicrosPerRequest"]
    pa, pb = ra["total"]["requestsPerSecond"], rb["total"]["requestsPerSecond"]
    st = ""
    timing = (rb["endpoints"][0].get("serverTiming") or {})
    if timing:
        st = "; " + ", ".join(f"{m['name']} mean {m['duration']['mean']:.1f} ms ({m['count']:,} entries)" for m in timing["metrics"])
    rows.append(f"| {what} | {pa:,.0f} → {pb:,.0f} ({pb / pa:.2f}×) | {ca:.2f} → {cb:.2f} ({cb / ca:.2f}×) | {rb['total']['failures']}{st} |")
if rows:
    print()
    print("| change | req/s | in-run CPU µs/request | failures; Server-Timing recorded |")
    print("|---|---:|---:|---|")
    print("\n".join(rows))
PY

[ "$LATENCY" = "1" ] || { log "logs and table in $OUT"; exit 0; }

# ---------------------------------------------------------------- latency accuracy: fixed 5 ms server
log "latency accuracy: fixed ${DELAY_MS} ms server on CPU $SERVER_CPU, $LATENCY_CONNECTIONS connections"
taskset -c "$SERVER_CPU" dotnet "$BENCH_DLL" serve "$DELAY_PORT" "$DELAY_MS" >"$OUT/delay-server.log" 2>&1 &
PIDS+=($!)
wait_port "$DELAY_PORT"
DURL="http://127.0.0.1:$DELAY_PORT/"
run_tool wrk "$DURL" "$LATENCY_CONNECTIONS" -delay
run_tool loadlens "$DURL" "$LATENCY_CONNECTIONS" -delay
{
  echo
  echo "Latency accuracy: loopback server answering after a fixed ${DELAY_MS} ms, $LATENCY_CONNECTIONS connections, ${DURATION} s"
  echo
  echo "| generator | req/s | p50 (ms) | p99 (ms) |"
  echo "|---|---:|---:|---:|"
  # wrk prints "50%    5.10ms" (units us/ms/s)
  python3 - "$OUT/wrk-delay.out" "${RPS[wrk-delay]:-0}" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(p):
    m = re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m: return float("nan")
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
print(f"| wrk | {float(sys.argv[2]):,.0f} | {ms(50):.2f} | {ms(99):.2f} |")
PY
  if [ -f "$OUT/loadlens-delay-result/result.json" ]; then
    python3 - "$OUT/loadlens-delay-result/result.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); t = d["total"]
print(f"| loadlens | {t['requestsPerSecond']:,.0f} | {t['latency']['p50']:.2f} | {t['latency']['p99']:.2f} |")
PY
  fi
} | tee -a "$OUT/table.md"

log "logs and table in $OUT"
