#!/usr/bin/env bash
# The soak of docs/reliability.md: the local cluster as cluster.sh runs it (Redis with append-only,
# 2 silos, 2 edges, a fresh ClusterId) on its own loopback ports (17300-17341 unless --base-port),
# at least 2,000 clients under steady load, and a silo, an edge or Redis killed (SIGKILL) and
# started again every 30-90 s; then the verdict. Exit code 0 only if every criterion passed.
#   deploy/local/soak.sh [--minutes 10] [--clients 2000] [--seed N] [--kill-every 30-90] [--kill silo,edge,redis] ...
# Report: artifacts/soak/soak-<time>.md and .json, process logs in artifacts/soak/soak-<time>-logs/.
# NO_BUILD=1 skips the build. Never run two soaks at once (same ports), nor next to a heavy job.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install -y redis-server)" >&2; exit 2; }
[[ "${NO_BUILD:-0}" == 1 ]] || dotnet build Realtime.Orleans.sln -c Release -v quiet -nologo
exec dotnet bench/Realtime.LoadTest/bin/Release/net10.0/Realtime.LoadTest.dll soak "$@"
