#!/usr/bin/env bash
# Runs every test of the solution against real parts: it installs redis-server and chromium
# when they are missing (apt-get, as root), starts a redis-server on a free loopback port for
# the run, runs `dotnet test`, and ends with the line "N passed, N failed". Exit code 0 only if all pass.
#
#   ./test.sh          unit, integration and system tests (tests/Realtime.*Tests)
#   ./test.sh --fast   the unit tests only: no Redis, no browser, no processes; the inner loop
set -euo pipefail
cd "$(dirname "$0")"

fast=false
case "${1:-}" in
  "") ;;
  --fast) fast=true ;;
  *) echo "usage: ./test.sh [--fast]" >&2; exit 2 ;;
esac

log() { printf '[test.sh] %s\n' "$*"; }

# install_missing <command> <debian package>: apt-get installs the package when the command is missing.
install_missing() {
  local command=$1 package=$2
  if command -v "$command" >/dev/null 2>&1; then return; fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "$package is needed: install it (apt-get install -y $package) and run again." >&2
    exit 2
  fi
  log "installing $package"
  for attempt in 1 2 3 4 5; do
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; then return; fi
    log "apt-get failed (attempt $attempt), retrying"
    sleep 5
  done
  echo "could not install $package" >&2
  exit 2
}

free_port() {
  local port
  for port in $(seq 16379 16479); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port for redis" >&2
  exit 2
}

start_redis() {
  install_missing redis-server redis-server
  # The team page's browser test drives Debian's Chromium (Playwright cannot download its own here).
  install_missing chromium chromium
  redis_port=$(free_port)
  redis_dir=$(mktemp -d)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$redis_dir" --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
  trap cleanup EXIT
  for _ in $(seq 1 100); do
    if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  export REALTIME_TEST_REDIS="127.0.0.1:$redis_port"
  log "redis-server on $REALTIME_TEST_REDIS"
}
cleanup() {
  if [ -f "$redis_dir/redis.pid" ]; then kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null || true; fi
}

mkdir -p artifacts
if [ "$fast" = false ]; then start_redis; fi

results=artifacts/test-results
rm -rf "$results"
status=0
# One trx file per test project (LogFilePrefix adds the framework and a timestamp); the summary
# below adds them all up.
loggers=(--logger "trx;LogFilePrefix=results" --logger "console;verbosity=normal" --results-directory "$results")
if [ "$fast" = true ]; then
  dotnet test tests/Realtime.UnitTests -c Release "${loggers[@]}" || status=$?
else
  # Build first with both cores, then test one project at a time (-m:1): the integration and
  # system tests time what they wait for, and two of them at once on a 2-core machine would not.
  if dotnet build Realtime.Orleans.sln -c Release -v quiet -nologo; then
    dotnet test Realtime.Orleans.sln -c Release --no-build -m:1 "${loggers[@]}" || status=$?
  else
    status=1
  fi
fi

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$failed" -gt 0 ]; then
  # Name each failed test and the first lines of its message here, at the end, where a CI log
  # that keeps only its tail still shows them.
  echo "failed tests:"
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    awk '
      /<UnitTestResult / && /outcome="Failed"/ {
        match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11)
        print "  " name; inside = 1; lines = 0; next
      }
      inside && /<Message>/ { sub(/.*<Message>/, ""); printing = 1 }
      inside && printing {
        done = sub(/<\/Message>.*/, "")
        if (lines < 6) print "    " $0
        lines++
        if (done) { inside = 0; printing = 0 }
      }
    ' "$trx"
  done
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run broke before or outside the tests (build error, crashed host): count it as a failure.
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
