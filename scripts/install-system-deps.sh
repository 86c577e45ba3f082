#!/usr/bin/env bash
# Debian packages IPX needs beyond Python: a Chinese font and Pango for contract PDFs
# (always), PostgreSQL and Redis (real servers for the second test run) and Chromium (browser tests)
# with "test". Installed only when missing.
set -euo pipefail

missing=()
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "${1:-}" = "test" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "need these Debian packages: ${missing[*]} (run as root or install them)" >&2; exit 1
  fi
else SUDO=""; fi
echo "installing ${missing[*]} from Debian's packages"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
