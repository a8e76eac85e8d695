#!/usr/bin/env bash
# Runs the whole system on its embedded default: one silo (localhost clustering, in-memory
# grain storage, reminders and memory streams) and one edge gateway on http://localhost:3001.
# Ctrl+C stops both. Needs the .NET SDK, and Node.js with npm for the edge's web client.
set -euo pipefail
cd "$(dirname "$0")"

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export DOTNET_ENVIRONMENT="$ASPNETCORE_ENVIRONMENT"
mkdir -p .run

dotnet build Realtime.Orleans.sln -c Release -v quiet -nologo

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

dotnet src/Silo/bin/Release/net10.0/Realtime.Silo.dll --contentRoot "$PWD/src/Silo" > .run/silo.log 2>&1 &
pids+=($!)
echo "silo starting (log: .run/silo.log)"

dotnet src/EdgeGateway/bin/Release/net10.0/Realtime.EdgeGateway.dll --contentRoot "$PWD/src/EdgeGateway" > .run/edge.log 2>&1 &
pids+=($!)
echo "edge starting (log: .run/edge.log)"

for _ in $(seq 1 120); do
  if curl -fsS http://localhost:3001/health >/dev/null 2>&1; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null || ! kill -0 "${pids[1]}" 2>/dev/null; then
    echo "a process exited; see .run/silo.log and .run/edge.log" >&2; exit 1
  fi
  sleep 1
done

cat <<'MSG'

Realtime.Orleans is up.
  Edge gateway:   http://localhost:3001   (hubs /realtime /presence /notifications /dashboard /inbox /metrics)
  Silo health:    http://127.0.0.1:3101/health
  Team page:      http://localhost:3001/?user=alice&workspace=w1
  Get a token:    curl 'http://localhost:3001/dev/token?userId=alice&workspaces=w1'
  Connect:        new signalR.HubConnectionBuilder()
                    .withUrl('http://localhost:3001/realtime?workspaceId=w1', { accessTokenFactory: () => token })
                    .build()
Press Ctrl+C to stop.
MSG
wait -n "${pids[@]}"
