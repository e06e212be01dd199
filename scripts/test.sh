#!/usr/bin/env bash
# Install everything the tests need, start PostgreSQL and Redis where absent, then run the
# checks and the whole test suite on SQLite and again on PostgreSQL. Exits non-zero if any
# part fails, after a summary of every part.
#
#   sudo bash scripts/test.sh            (or as root; CI runs it through .ci/run)
#
# Environment:
#   CI=true                   tests that need PostgreSQL or Redis must not skip
#                             (exports HUANJIE_REQUIRE_SERVICES=1)
#   TEST_DATABASE_URL         PostgreSQL to test on (default: found on 127.0.0.1:5432)
#   TEST_REDIS_URL            Redis for tests that need one (default redis://127.0.0.1:6379/15)
#   PYTEST_WORKERS            run pytest with -n N (pytest-xdist); default: 2
#   PYTEST_ARGS               extra pytest arguments, e.g. "-x -k login"
#   PYTEST_TIMEOUT            seconds allowed per pytest run (default 1200)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

started=$SECONDS

bash scripts/install-system-packages.sh --dev
bash scripts/services.sh
ensure_venv requirements-dev.txt
compile_messages

# PostgreSQL role: the postgres superuser where it is reachable without a password (trust
# auth, as on CI machines); else a local role "huanjie" with a password, made once through
# the postgres system account (Debian's default pg_hba asks passwords on 127.0.0.1).
pg_reachable() { PGCONNECT_TIMEOUT=5 psql "$1" -w -Atqc 'select 1' >/dev/null 2>&1; }
if [ -z "${TEST_DATABASE_URL:-}" ]; then
    if pg_reachable "postgresql://postgres@127.0.0.1:5432/postgres"; then
        TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/huanjie"
    else
        if ! pg_reachable "postgresql://huanjie:huanjie@127.0.0.1:5432/postgres"; then
            say "Creating PostgreSQL role huanjie (CREATEDB) for the tests"
            as_root runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c \
                "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'huanjie') THEN
                 CREATE ROLE huanjie LOGIN CREATEDB PASSWORD 'huanjie'; END IF; END \$\$;"
        fi
        TEST_DATABASE_URL="postgres://huanjie:huanjie@127.0.0.1:5432/huanjie"
    fi
fi
export TEST_DATABASE_URL
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
if is_ci; then
    export HUANJIE_REQUIRE_SERVICES=1
fi
# The checks and the tests never touch the checkout's own database or files.
DATA_DIR="$(mktemp -d -t huanjie-test.XXXXXX)"
export DATA_DIR
trap 'rm -rf "$DATA_DIR"' EXIT
mkdir "$DATA_DIR/staticfiles" # WhiteNoise warns on every request when STATIC_ROOT is absent.
if [ "$RUN_USER" != "$(id -un)" ]; then
    chown -R "$RUN_USER": "$DATA_DIR"
fi
unset DATABASE_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND

pytest_args=(-p no:cacheprovider --durations=10)  # the slowest tests, to keep the suite fast
PYTEST_WORKERS="${PYTEST_WORKERS:-2}"
if [ "${PYTEST_WORKERS}" != "1" ]; then
    pytest_args+=(-n "$PYTEST_WORKERS")
fi
# shellcheck disable=SC2206  # word splitting of the user's extra arguments is intended
pytest_args+=(${PYTEST_ARGS:-})

names=()
results=()
durations=()
failed=0

# Run one part, keep going whatever it returns, and remember how it went.
part() {
    local name="$1" start=$SECONDS code=0
    shift
    say "$name"
    "$@" || code=$?
    names+=("$name")
    durations+=("$((SECONDS - start))s")
    if [ "$code" -eq 0 ]; then
        results+=("ok")
    else
        failed=1
        if [ "$code" -eq 5 ]; then
            results+=("FAILED (no tests collected)")
        elif [ "$code" -eq 124 ]; then
            results+=("FAILED (timed out)")
        else
            results+=("FAILED (exit $code)")
        fi
    fi
}

venv() { as_user "$VENV/bin/$1" "${@:2}"; }
run_pytest() {
    as_user timeout --kill-after=30 "${PYTEST_TIMEOUT:-1200}" "$VENV/bin/pytest" "${pytest_args[@]}" "$@"
}
run_pytest_postgres() { DATABASE_URL="$TEST_DATABASE_URL" run_pytest "$@"; }

part "ruff check" venv ruff check .
part "ruff format --check" venv ruff format --check .
part "makemigrations --check" manage makemigrations --check --dry-run
part "pytest on SQLite" run_pytest
part "pytest on PostgreSQL" run_pytest_postgres

echo
say "Summary: $((SECONDS - started))s in all; PostgreSQL $(echo "$TEST_DATABASE_URL" | sed 's#:[^:@/]*@#:***@#'); CI=${CI:-unset}"
for i in "${!names[@]}"; do
    printf '  %-26s %-30s %s\n' "${names[$i]}" "${results[$i]}" "${durations[$i]}"
done
if [ "$failed" -ne 0 ]; then
    printf '\033[1;31mFAILED\033[0m: see the parts marked FAILED above.\n'
    exit 1
fi
printf '\033[1;32mAll checks and tests passed.\033[0m\n'
