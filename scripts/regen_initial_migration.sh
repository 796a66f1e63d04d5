#!/usr/bin/env bash
# Nothing has shipped yet, so the schema is one initial migration regenerated from catalog/models.py.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f catalog/migrations/versions/*.py
scripts/new_migration.sh "initial schema"
