#!/usr/bin/env bash
# Debian packages IPX needs beyond Python: a Chinese font and Pango for contract PDFs
# (always), PostgreSQL with its RUM extension (search ranking) and Redis (real servers for the
# second test run) and Chromium (browser tests) with "test". Installed only when missing.
set -euo pipefail

missing=()
# grep reads all (no -q): an early exit would fail the pipe under pipefail and read as "missing".
fc-list :lang=zh 2>/dev/null | grep . >/dev/null || missing+=(fonts-wqy-microhei)
ldconfig -p 2>/dev/null | grep libpango-1.0 >/dev/null || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "${1:-}" = "test" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi

install() {
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      echo "need these Debian packages: $* (run as root or install them)" >&2; exit 1
    fi
  else SUDO=""; fi
  echo "installing $* from Debian's packages"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

[ ${#missing[@]} -eq 0 ] || install "${missing[@]}"
if [ "${1:-}" = "test" ]; then
  # The extension's package is named after the server's major version, known once it is installed.
  major=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1 | awk -F/ '{print $5}')
  [ -e "/usr/share/postgresql/$major/extension/rum.control" ] || install "postgresql-$major-rum"
fi
