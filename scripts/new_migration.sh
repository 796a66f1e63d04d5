#!/usr/bin/env bash
# Write an Alembic revision for the model changes: scripts/new_migration.sh "what changed"
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
.venv/bin/python - "$tmp/m.db" "$1" <<'PY'
import sys
from alembic import command
from catalog.db import alembic_config, make_engine
url = f"sqlite:///{sys.argv[1]}"
config = alembic_config(url)
with make_engine(url).begin() as connection:
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    command.revision(config, message=sys.argv[2], autogenerate=True)
PY
rm -rf "$tmp"
