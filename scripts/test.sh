#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, lint, then run the whole suite on each
# database backend: SQLite, and PostgreSQL on a throwaway loopback server (scripts/pg.sh).
#
#   TERJIME_TEST_BACKENDS="sqlite postgresql"   # the default; e.g. "postgresql" for one pass
#   TERJIME_TEST_PARALLEL=0                     # one pass after the other (default: side by
#                                               # side when the machine has 2+ CPUs)
#
# Side by side, the SQLite pass's output is kept in a log and printed when it ends. Extra
# arguments go to both pytest runs. Without PostgreSQL installed the PostgreSQL pass is skipped
# with a message on a laptop, and fails when CI=true.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
.venv/bin/ruff check app tests bench

backends=${TERJIME_TEST_BACKENDS:-sqlite postgresql}
for backend in $backends; do
    case "$backend" in
        sqlite | postgresql) ;;
        *) echo "test.sh: unknown backend '$backend' in TERJIME_TEST_BACKENDS (sqlite, postgresql)" >&2
           exit 2 ;;
    esac
done

pg_dir=""
sqlite_log=""
cleanup() {
    if [ -n "$pg_dir" ]; then
        bash scripts/pg.sh stop "$pg_dir"
    fi
    if [ -n "$sqlite_log" ]; then
        rm -f "$sqlite_log"
    fi
}
trap cleanup EXIT

run_sqlite() {
    local start=$SECONDS status=0
    env -u TERJIME_TEST_DATABASE_URL .venv/bin/python -m pytest -x -q "$@" || status=$?
    echo "test.sh: SQLite pass: $((SECONDS - start)) s, exit status $status"
    return "$status"
}

run_postgresql() {
    local start=$SECONDS status=0
    TERJIME_TEST_DATABASE_URL=$pg_url .venv/bin/python -m pytest -x -q "$@" || status=$?
    echo "test.sh: PostgreSQL pass: $((SECONDS - start)) s, exit status $status"
    return "$status"
}

use_sqlite=false
use_postgresql=false
[[ " $backends " == *" sqlite "* ]] && use_sqlite=true
[[ " $backends " == *" postgresql "* ]] && use_postgresql=true

if $use_postgresql; then
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/terjime-pg.XXXXXX")
    status=0
    pg_url=$(bash scripts/pg.sh start "$pg_dir") || status=$?
    if [ "$status" -eq 3 ] && [ "${CI:-}" != true ]; then
        echo "test.sh: SKIPPED the suite on PostgreSQL: PostgreSQL is not installed" \
             "(sudo apt-get install postgresql)" >&2
        use_postgresql=false
    elif [ "$status" -eq 3 ]; then
        echo "test.sh: PostgreSQL is not installed (CI must install it: see scripts/setup.sh)" >&2
        exit 1
    elif [ "$status" -ne 0 ]; then
        echo "test.sh: could not start PostgreSQL for the test run" >&2
        exit 1
    fi
fi

parallel=${TERJIME_TEST_PARALLEL:-$([ "$(nproc)" -ge 2 ] && echo 1 || echo 0)}
if $use_sqlite && $use_postgresql && [ "$parallel" = 1 ]; then
    sqlite_log=$(mktemp "${TMPDIR:-/tmp}/terjime-sqlite-pass.XXXXXX")
    echo "test.sh: the suite on SQLite (output below when it ends) and on PostgreSQL ($pg_url)"
    run_sqlite "$@" >"$sqlite_log" 2>&1 &
    sqlite_pid=$!
    pg_status=0
    run_postgresql "$@" || pg_status=$?
    sqlite_status=0
    wait "$sqlite_pid" || sqlite_status=$?
    echo "test.sh: --- the SQLite pass ---"
    cat "$sqlite_log"
    [ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]
    exit
fi
if $use_sqlite; then
    echo "test.sh: the suite on SQLite"
    run_sqlite "$@"
fi
if $use_postgresql; then
    echo "test.sh: the suite on PostgreSQL ($pg_url)"
    run_postgresql "$@"
fi
