#!/usr/bin/env bash
# Start Patron on SQLite: migrate, load the demo shop into an empty database, make the
# demo admin (its password is printed once), then run a worker beside the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
PATRON="${VENV:-.venv}/bin/patron"

"$PATRON" migrate --noinput -v 0
"$PATRON" firstrun

"$PATRON" worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Patron is on http://127.0.0.1:8000 (Ctrl-C stops it)"
"$PATRON" serve --bind 127.0.0.1:8000
