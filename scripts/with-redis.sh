#!/usr/bin/env bash
# Run a command against a throw-away Redis server on localhost:
#   scripts/with-redis.sh .venv/bin/pytest -m redis
# The server starts on a free loopback port with its files in a temporary directory, is given
# to the command as REDIS_URL, and is stopped (and removed) however the command ends.
set -euo pipefail

REDIS_SERVER=$(command -v redis-server || true)
[ -n "$REDIS_SERVER" ] || { echo "Redis is not installed (scripts/install-system-deps.sh test)" >&2; exit 1; }
# A free port, so that two runs on one machine do not meet.
PORT=${IPX_REDIS_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DATA=$(mktemp -d /tmp/ipx-redis.XXXXXX)

cleanup() {
  if [ -f "$DATA/redis.pid" ]; then kill "$(cat "$DATA/redis.pid")" 2>/dev/null || true; fi
  for _ in $(seq 50); do [ -f "$DATA/redis.pid" ] || break; sleep 0.1; done
  rm -rf "$DATA"
}
trap cleanup EXIT

"$REDIS_SERVER" --bind 127.0.0.1 --port "$PORT" --dir "$DATA" --pidfile "$DATA/redis.pid" \
  --daemonize yes --save "" --appendonly no --logfile "$DATA/redis.log" \
  --maxmemory 256mb --maxmemory-policy volatile-lru >/dev/null
for _ in $(seq 50); do
  redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$PORT" ping >/dev/null || { echo "Redis did not start:" >&2; cat "$DATA/redis.log" >&2; exit 1; }

echo "Redis $("$REDIS_SERVER" --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$PORT"
export REDIS_URL="redis://127.0.0.1:$PORT/0"
"$@"
