#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what it needs, then lints and tests
# against SQLite and PostgreSQL. Usage: bash scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"

# System parts: Japanese fonts for PDFs, chromium for browser tests, poppler for PDF checks.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in chromium fonts-ipamj-mincho fonts-ipaexfont poppler-utils; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "apt-get install ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if [ -z "${KIKAN_TEST_DATABASE_URL:-}" ]; then
  # shellcheck source=scripts/postgres.sh
  source scripts/postgres.sh
  kikan_pg
fi

echo "== lint" >&2
.venv/bin/ruff check .
.venv/bin/lint-imports --config .importlinter
.venv/bin/mypy kikan

echo "== tests" >&2
exec .venv/bin/pytest -n "${KIKAN_TEST_WORKERS:-2}" -p no:cacheprovider "$@"
