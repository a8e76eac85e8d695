#!/usr/bin/env bash
# Runs the whole system on its embedded default: one silo (localhost clustering, in-memory
# grain storage, reminders and memory streams) and one edge gateway on http://localhost:3001.
# Ctrl+C stops both, and so does either one exiting. Needs the .NET SDK, and Node.js with npm for
# the edge's web client. Plain bash 3.2 (macOS's /bin/bash) is enough: no `wait -n`, no empty arrays
# under `set -u`.
set -euo pipefail
cd "$(dirname "$0")"

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export DOTNET_ENVIRONMENT="$ASPNETCORE_ENVIRONMENT"
mkdir -p .run

dotnet build Realtime.Orleans.sln -c Release -v quiet -nologo

silo_pid=""
edge_pid=""
running() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
stop() {
  for pid in $silo_pid $edge_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
# Ctrl+C or a TERM ends the script; leaving it, however, stops both processes.
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

dotnet src/Silo/bin/Release/net10.0/Realtime.Silo.dll --contentRoot "$PWD/src/Silo" > .run/silo.log 2>&1 &
silo_pid=$!
echo "silo starting (log: .run/silo.log)"

dotnet src/EdgeGateway/bin/Release/net10.0/Realtime.EdgeGateway.dll --contentRoot "$PWD/src/EdgeGateway" > .run/edge.log 2>&1 &
edge_pid=$!
echo "edge starting (log: .run/edge.log)"

for _ in $(seq 1 120); do
  if curl -fsS http://localhost:3001/health >/dev/null 2>&1; then break; fi
  if ! running "$silo_pid" || ! running "$edge_pid"; then
    echo "a process exited; see .run/silo.log and .run/edge.log" >&2; exit 1
  fi
  sleep 1
done

cat <<'MSG'

Realtime.Orleans is up.
  Edge gateway:   http://localhost:3001   (hubs /realtime /presence /notifications /dashboard /inbox /metrics)
  Silo health:    http://127.0.0.1:3101/health
  Orleans Dashboard: http://127.0.0.1:3101/orleans/   (this machine only)
  Team page:      http://localhost:3001/?user=alice&workspace=w1
  Get a token:    curl 'http://localhost:3001/dev/token?userId=alice&workspaces=w1'
  Connect:        new signalR.HubConnectionBuilder()
                    .withUrl('http://localhost:3001/realtime?workspaceId=w1', { accessTokenFactory: () => token })
                    .build()
Press Ctrl+C to stop.
MSG

# Polled rather than `wait -n` (bash 4.3+): once either process is gone, the other is stopped.
while running "$silo_pid" && running "$edge_pid"; do sleep 1; done
if running "$silo_pid"; then exited=edge; pid=$edge_pid; else exited=silo; pid=$silo_pid; fi
status=0
wait "$pid" || status=$?
echo "the $exited exited (status $status; see .run/$exited.log); stopping the other" >&2
exit "$status"
