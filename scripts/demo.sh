#!/usr/bin/env bash
# Install Huanjie, fill a demo city (first run only) and serve it on port 8000, on the embedded
# default: SQLite in DATA_DIR (default ./var), background tasks in-process, no Redis needed.
#
#   sudo bash scripts/demo.sh            (or as root)
#
# Environment: DATA_DIR (where the database lives), PORT (default 8000), ALLOWED_HOSTS
# (default *: the demo answers on every address of this machine).
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

PORT="${PORT:-8000}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-*}"
# The demo answers every address of this machine: DEBUG off, so that an error shows the
# product's own page and never a traceback with the data behind it (ID numbers, phones);
# plain HTTP (HTTPS=0), as a trial on the intranet is served. Production: docs/deployment.md.
export DEBUG=0 HTTPS=0
unset DATABASE_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND
if [ -n "${DATA_DIR:-}" ]; then
    export DATA_DIR
    mkdir -p "$DATA_DIR"
    data="$DATA_DIR"
else
    data="$ROOT/var"
fi
claim "$data"

bash scripts/install-system-packages.sh
ensure_venv requirements.txt
# A secret key of this demo's own, made on its first run and kept with its database.
if [ ! -s "$data/secret_key" ]; then
    as_user mkdir -p "$data"
    as_user "$PY" -c 'import os, secrets, sys
os.umask(0o077)
open(sys.argv[1], "w").write(secrets.token_urlsafe(50))' "$data/secret_key"
fi
SECRET_KEY="$(cat "$data/secret_key")"
export SECRET_KEY
compile_messages
say "Preparing the database"
manage migrate --noinput --verbosity 0
manage collectstatic --noinput --verbosity 0

seeded=0
if manage help seed_demo >/dev/null 2>&1; then
    say "Demo data (only when the database is empty)"
    manage seed_demo --if-empty
    seeded=1
else
    warn "manage.py seed_demo does not exist yet: the database stays empty."
fi

addresses="http://127.0.0.1:$PORT/"
for ip in $(hostname -I 2>/dev/null); do
    case "$ip" in
        *:*) ;; # IPv6: the IPv4 addresses are enough to type
        *) addresses+="  http://$ip:$PORT/" ;;
    esac
done
echo
echo "============================================================"
echo " 换届 Huanjie demo / 演示"
echo " Address / 地址:  $addresses"
# seed_demo prints the accounts when it creates them; they are repeated here on every run.
if [ "$seeded" -eq 1 ]; then
    echo " Demo accounts / 演示账号 (password / 密码: Huanjie-2026)"
    echo "   city       市委组织部: the whole city / 全市"
    echo "   county     县(区)委组织部: one county / 一个县(区)"
    echo "   township   乡镇(街道)组织委员: one township / 一个乡镇(街道)"
    echo "   inspector  督查指导组: read-only / 只读"
    echo "   admin      superuser, also /admin/ / 超级管理员, 含后台 /admin/"
fi
echo " Stop with Ctrl+C / 按 Ctrl+C 停止"
echo "============================================================"
echo

if [ "$RUN_USER" = "$(id -un)" ]; then
    exec "$PY" manage.py runserver --noreload "0.0.0.0:$PORT"
fi
as_user "$PY" manage.py runserver --noreload "0.0.0.0:$PORT"
