#!/usr/bin/env bash
# Rebuild Alembic revision 0002 (resident registry) from the current table definitions.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/regen_revision.py 0002 juki "resident registry"
