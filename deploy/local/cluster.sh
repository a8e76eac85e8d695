#!/usr/bin/env bash
# A production-shaped cluster on loopback: one redis-server (append-only, so a restart keeps
# state), two silos (Redis clustering, grain storage, PubSubStore and reminders) and two edges.
#   deploy/local/cluster.sh start|stop|status
# Settings (env): REDIS_PORT (6390), EDGE1_URL (http://127.0.0.1:3001), EDGE2_URL
# (http://127.0.0.1:3002), SILO1_PORT/SILO2_PORT (11121/11122), GATEWAY1_PORT/GATEWAY2_PORT
# (30021/30022), SILO1_HEALTH/SILO2_HEALTH (3121/3122), REALTIME_JWT_SIGNING_KEY (default: the
# development key of src/EdgeGateway/appsettings.Development.json; never use it elsewhere),
# ASPNETCORE_ENVIRONMENT (Development, for /dev/token), NO_BUILD=1 to skip the build.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
run="$root/.run/local-cluster"
mkdir -p "$run"

REDIS_PORT="${REDIS_PORT:-6390}"
EDGE1_URL="${EDGE1_URL:-http://127.0.0.1:3001}"
EDGE2_URL="${EDGE2_URL:-http://127.0.0.1:3002}"
SILO1_PORT="${SILO1_PORT:-11121}"; SILO2_PORT="${SILO2_PORT:-11122}"
GATEWAY1_PORT="${GATEWAY1_PORT:-30021}"; GATEWAY2_PORT="${GATEWAY2_PORT:-30022}"
SILO1_HEALTH="http://127.0.0.1:${SILO1_HEALTH:-3121}"; SILO2_HEALTH="http://127.0.0.1:${SILO2_HEALTH:-3122}"
SIGNING_KEY="${REALTIME_JWT_SIGNING_KEY:-realtime-orleans-development-signing-key-not-for-production}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export DOTNET_ENVIRONMENT="$ASPNETCORE_ENVIRONMENT"
redis="127.0.0.1:$REDIS_PORT"
names=(redis silo1 silo2 edge1 edge2)

alive() { [[ -f "$run/$1.pid" ]] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

status() {
  for n in "${names[@]}"; do
    if alive "$n"; then echo "$n: running (pid $(cat "$run/$n.pid"))"; else echo "$n: stopped"; fi
  done
}

# SIGTERM, then SIGKILL after a bounded wait; only the PIDs this script recorded.
stop_one() {
  local n=$1 pid
  alive "$n" || { rm -f "$run/$n.pid"; return 0; }
  pid=$(cat "$run/$n.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then echo "$n did not stop in 20 s; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$run/$n.pid"
  echo "$n stopped"
}

stop() {
  # Edges first (they drain their clients), then silos one by one (grains hand over), Redis last.
  for n in edge2 edge1 silo2 silo1 redis; do stop_one "$n"; done
}

wait_ready() {
  local n=$1 url=$2
  for _ in $(seq 1 120); do
    if curl -fsS "$url/health/ready" >/dev/null 2>&1; then echo "$n ready ($url)"; return 0; fi
    alive "$n" || { echo "$n exited; see $run/$n.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "$n not ready within 60 s; see $run/$n.log" >&2; exit 1
}

start_dotnet() {
  local n=$1 project=$2 dll=$3; shift 3
  alive "$n" && { echo "$n already running (pid $(cat "$run/$n.pid"))"; return 0; }
  env "$@" dotnet "src/$project/bin/Release/net10.0/$dll" --contentRoot "$root/src/$project" > "$run/$n.log" 2>&1 &
  echo $! > "$run/$n.pid"
}

start() {
  command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install -y redis-server)" >&2; exit 1; }
  [[ "${NO_BUILD:-0}" == 1 ]] || dotnet build Realtime.Orleans.sln -c Release -v quiet -nologo

  if ! alive redis; then
    mkdir -p "$run/redis-data"
    # Every write in the append-only file before Redis answers, synced every second: a restart keeps
    # everything acknowledged (deploy/README.md, Redis persistence).
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$run/redis-data" --appendonly yes --appendfsync everysec --save "" \
      > "$run/redis.log" 2>&1 &
    echo $! > "$run/redis.pid"
  fi
  for _ in $(seq 1 40); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.25; done

  # A fresh ClusterId per start, unless this cluster is partly running (then join it).
  if alive silo1 || alive silo2 || alive edge1 || alive edge2; then
    cluster_id=$(cat "$run/cluster-id")
  else
    cluster_id="local-$(date +%s)"
    echo "$cluster_id" > "$run/cluster-id"
  fi
  common=(Cluster__ClusterId="$cluster_id" Cluster__Clustering=Redis Cluster__RedisConnectionString="$redis")
  silo=("${common[@]}" Silo__Persistence=Redis Silo__Reminders=Redis)

  start_dotnet silo1 Silo Realtime.Silo.dll "${silo[@]}" Urls="$SILO1_HEALTH" Silo__SiloPort="$SILO1_PORT" Cluster__GatewayPort="$GATEWAY1_PORT"
  start_dotnet silo2 Silo Realtime.Silo.dll "${silo[@]}" Urls="$SILO2_HEALTH" Silo__SiloPort="$SILO2_PORT" Cluster__GatewayPort="$GATEWAY2_PORT"
  wait_ready silo1 "$SILO1_HEALTH"
  wait_ready silo2 "$SILO2_HEALTH"

  start_dotnet edge1 EdgeGateway Realtime.EdgeGateway.dll "${common[@]}" Urls="$EDGE1_URL" Jwt__SigningKey="$SIGNING_KEY"
  start_dotnet edge2 EdgeGateway Realtime.EdgeGateway.dll "${common[@]}" Urls="$EDGE2_URL" Jwt__SigningKey="$SIGNING_KEY"
  wait_ready edge1 "$EDGE1_URL"
  wait_ready edge2 "$EDGE2_URL"

  cat <<MSG

Local cluster $cluster_id is up (logs and PIDs in $run).
  Edges:   $EDGE1_URL  $EDGE2_URL   (hubs /realtime /presence /notifications /dashboard /inbox /metrics)
  Silos:   $SILO1_HEALTH/health  $SILO2_HEALTH/health
  Redis:   $redis (append-only data in $run/redis-data)
  Token:   curl '$EDGE1_URL/dev/token?userId=alice&workspaces=w1'
Stop with: deploy/local/cluster.sh stop
MSG
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
