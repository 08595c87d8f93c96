# Shared by scripts/demo and scripts/test: everything installs from the project's own files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ensure_venv() {  # $1: pip extras ("" or "test")
  local extras="${1:-}"
  local stamp=".venv/.installed-${extras:-base}"
  if [ ! -x .venv/bin/python ]; then
    echo "==> Creating .venv"
    python3 -m venv .venv
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "==> Installing Python packages from PyPI (pyproject.toml)"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
}

ensure_chromium() {  # Debian's Chromium for the browser tests (Playwright drives it; no browser download)
  if [ -x /usr/bin/chromium ] || [ -n "${ARMSTRACE_CHROMIUM:-}" ]; then return; fi
  echo "==> Installing Chromium with apt-get"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq chromium fonts-noto-core >/dev/null
}
