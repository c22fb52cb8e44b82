#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for the test suite's PostgreSQL pass.
#
#   scripts/pg.sh start DIR   # initdb into DIR (new or empty), start on a free 127.0.0.1 port,
#                             # print the URL (postgresql://terjime@127.0.0.1:PORT/postgres)
#   scripts/pg.sh stop DIR    # stop the server and delete DIR
#
# Debian's postgresql package puts initdb/pg_ctl under /usr/lib/postgresql/<version>/bin (not on
# PATH); the newest version there wins, else pg_ctl from PATH. PostgreSQL refuses to run as root,
# so as root the cluster belongs to the "postgres" account (runuser); a normal user runs it
# directly. Durability is switched off (fsync, full-page writes): the data lives for one test run.
# The cluster is created --no-locale (ctype "C", lower() folds ASCII only) on purpose: the
# harshest setting a deployment may have, so search must not rely on the server's locale.
# Exit status 3 means "PostgreSQL is not installed" so callers can tell it from a failure.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

bindir() {
    local newest
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$newest" ] && [ -x "$newest/pg_ctl" ]; then
        echo "$newest"
    elif command -v pg_ctl >/dev/null; then
        dirname "$(command -v pg_ctl)"
    else
        return 1
    fi
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    local python
    python=$(command -v python3 || command -v python)
    "$python" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local bin port attempt
    if ! bin=$(bindir); then
        echo "pg.sh: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl, no pg_ctl on PATH)" >&2
        exit 3
    fi
    mkdir -p "$dir"
    if [ -n "$(ls -A "$dir")" ]; then
        echo "pg.sh: $dir is not empty" >&2
        exit 2
    fi
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$dir"
    fi
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U terjime -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    # Another process may take the free port between the probe and the start: try a few.
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null 2>&1; then
            echo "$bin" >"$dir/bindir"
            echo "postgresql://terjime@127.0.0.1:$port/postgres"
            return 0
        fi
        echo "pg.sh: start attempt $attempt on port $port failed" >&2
    done
    cat "$dir/server.log" >&2 || true
    exit 1
}

stop() {
    [ -d "$dir" ] || return 0
    if [ -f "$dir/bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "$action" in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
