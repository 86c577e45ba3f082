#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server on localhost:
#   scripts/with-postgres.sh .venv/bin/pytest
# The server is initialised in a temporary directory, started, given to the command as
# DATABASE_URL, and stopped (and removed) however the command ends. IPX_PG_OPTIONS adds
# server settings (e.g. "-c shared_buffers=2GB" for benchmarks).
set -euo pipefail

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PG_BIN" ] || { echo "PostgreSQL is not installed (scripts/install-system-deps.sh)" >&2; exit 1; }
# A free port, so that two runs on one machine do not meet.
PORT=${IPX_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DATA=$(mktemp -d /tmp/ipx-pg.XXXXXX)

as_pg() {
  # PostgreSQL refuses to run as root; use its own system user then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$DATA/db" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] && chown postgres "$DATA"
as_pg "$PG_BIN/initdb" -D "$DATA/db" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$DATA/db" -l "$DATA/server.log" -w \
  -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=250 ${IPX_PG_OPTIONS:-}" \
  start >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres ipx

echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/ipx"
"$@"
