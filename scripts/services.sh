#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, starting them where
# they are absent, then wait for them. Services that already run are left alone.
#
#   bash scripts/services.sh
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

WAIT_SECONDS=30

has_systemd() { [ -d /run/systemd/system ]; }

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

wait_for() {
    local name="$1" check="$2" i
    for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
        "$check" && return 0
        sleep 0.5
    done
    die "$name did not answer on 127.0.0.1 within ${WAIT_SECONDS}s."
}

start_postgres() {
    command -v pg_isready >/dev/null 2>&1 || die "PostgreSQL is not installed (scripts/install-system-packages.sh --dev)."
    postgres_up && return 0
    say "Starting PostgreSQL"
    if has_systemd; then
        as_root systemctl start postgresql
    else
        # The cluster listening on 5432, else the first one; created if the package made none.
        local cluster
        cluster="$(pg_lsclusters -h 2>/dev/null | awk '$3 == 5432 {print $1 " " $2; exit}')"
        [ -n "$cluster" ] || cluster="$(pg_lsclusters -h 2>/dev/null | awk '{print $1 " " $2; exit}')"
        if [ -z "$cluster" ]; then
            local version
            version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
            [ -n "$version" ] || version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
            as_root pg_createcluster "$version" main >/dev/null
            cluster="$version main"
        fi
        # shellcheck disable=SC2086  # "version name" splits into two arguments on purpose
        as_root pg_ctlcluster --skip-systemctl-redirect $cluster start
    fi
    wait_for PostgreSQL postgres_up
}

start_redis() {
    command -v redis-server >/dev/null 2>&1 || die "Redis is not installed (scripts/install-system-packages.sh --dev)."
    redis_up && return 0
    say "Starting Redis"
    if has_systemd; then
        as_root systemctl start redis-server
    else
        as_root mkdir -p /var/lib/redis /var/log/redis
        # No persistence (test data only); noeviction, as Celery needs.
        as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
            --appendonly no --maxmemory-policy noeviction --dir /var/lib/redis \
            --logfile /var/log/redis/ci.log
    fi
    wait_for Redis redis_up
}

start_postgres
start_redis
say "PostgreSQL and Redis answer on 127.0.0.1"
