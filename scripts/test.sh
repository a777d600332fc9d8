#!/usr/bin/env bash
# Every check, in order: lint, then the suite on SQLite and on a throwaway PostgreSQL 15 cluster
# side by side, the browser tests (Debian's headless Chromium) following PostgreSQL's.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PG_BIN=/usr/lib/postgresql/15/bin
work=$(mktemp -d)
export PATRON_DATA_DIR="$work/data"

cleanup() {
    if [ -f "$work/pg/postmaster.pid" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "Missing Debian package(s) $*: install them (apt-get install $*) or run as root." >&2
        exit 1
    fi
    if [ -z "${apt_updated:-}" ]; then apt-get update -qq; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

echo "== lint"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .

# The Spark engine's test runs Spark in local mode, which needs Java 17.
command -v java >/dev/null || apt_install openjdk-17-jre-headless

# The two suites run side by side, one per core, each in its own data directory; every line
# is prefixed with the database it ran on. On PostgreSQL only the tests that use the database
# run (PATRON_TESTS_DATABASE_ONLY, patron/conftest.py): the others ran on SQLite.
suite() {
    local name=$1
    shift
    "$@" 2>&1 | sed -u "s/^/[$name] /"
    return "${PIPESTATUS[0]}"
}

[ -x "$PG_BIN/initdb" ] || apt_install postgresql
port=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/pg"
chown postgres "$work" "$work/pg"
runuser -u postgres -- "$PG_BIN/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
    -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null

[ -x /usr/bin/chromium ] || apt_install chromium

# PostgreSQL's suite ends first (it runs only the tests that use the database): the browser
# tests (headless Chromium, on SQLite in a data directory of their own) follow it on its core
# while SQLite's suite is still running.
postgresql_then_browser() {
    local status=0
    suite postgresql env PATRON_DATA_DIR="$work/data-postgresql" PATRON_TESTS_DATABASE_ONLY=1 \
        DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres" "$VENV/bin/pytest" -m "not browser" -q -p no:cacheprovider ||
        status=1
    suite browser env PATRON_DATA_DIR="$work/data-browser" "$VENV/bin/pytest" -m browser -q -p no:cacheprovider ||
        status=$((status + 2))
    return "$status"
}

echo "== tests on SQLite and on PostgreSQL 15 side by side, then the browser tests"
suite sqlite env PATRON_DATA_DIR="$work/data-sqlite" \
    "$VENV/bin/pytest" -m "not browser" -q -p no:cacheprovider &
sqlite=$!
postgresql_then_browser &
others=$!
failed=""
wait "$sqlite" || failed="$failed SQLite"
wait "$others" || case $? in
    1) failed="$failed PostgreSQL" ;;
    2) failed="$failed browser" ;;
    *) failed="$failed PostgreSQL browser" ;;
esac
if [ -n "$failed" ]; then
    echo "Tests failed on:$failed" >&2
    exit 1
fi
