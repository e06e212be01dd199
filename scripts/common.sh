# shellcheck shell=bash
# Shared by scripts/*.sh: sourced, never run. Root of the checkout, logging, privilege
# helpers and the project's virtual environment.
#
# The scripts work run as root (CI), through sudo (the venv then belongs to the invoking
# user, $SUDO_USER) or as a plain user (sudo is used only for apt and for starting services).

set -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die() {
    printf '\033[1;31merror:\033[0m %s\n' "$*" >&2
    exit 1
}

is_ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }

# Commands that need root: run directly as root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "'$*' needs root: run this script as root or install sudo."
    fi
}

# Who owns the venv and runs Python: the user behind sudo, if they can write the checkout.
# runuser (util-linux, on every Debian and Ubuntu) switches user and keeps the environment,
# which sudo would reset.
RUN_USER="$(id -un)"
if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != "root" ]; then
    if runuser -u "$SUDO_USER" -- test -w "$ROOT"; then
        RUN_USER="$SUDO_USER"
    else
        warn "$SUDO_USER cannot write $ROOT: building the venv as root."
    fi
fi

# Run a command as $RUN_USER.
as_user() {
    if [ "$RUN_USER" = "$(id -un)" ]; then
        "$@"
    else
        runuser -u "$RUN_USER" -- "$@"
    fi
}

# Give $RUN_USER back what an earlier run as root left in the checkout (venv, tool caches).
claim() {
    local path
    for path in "$@"; do
        if [ -e "$path" ] && [ "$(stat -c %U "$path")" != "$RUN_USER" ]; then
            as_root chown -R "$RUN_USER": "$path"
        fi
    done
}

# A Python 3.11 or later (Debian 12: python3; Ubuntu 22.04: python3.11).
# Checked as $RUN_USER, who may not reach root's own Pythons (pyenv under /root).
find_python() {
    local candidate path
    for candidate in python3 python3.13 python3.12 python3.11 /usr/bin/python3; do
        path="$(command -v "$candidate" 2>/dev/null)" || continue
        if as_user "$path" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$path"
            return 0
        fi
    done
    return 1
}

# Create .venv if needed and install a requirements file into it. A stamp of the requirement
# files' hashes skips pip entirely when nothing changed, so repeated runs take no time.
ensure_venv() {
    local requirements="$1" python stamp wanted
    claim "$VENV" "$ROOT/.ruff_cache" "$ROOT/.hypothesis" "$ROOT/.pytest_cache"
    if ! as_user "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python="$(find_python)" || die "Python 3.11 or later not found (install python3 python3-venv)."
        say "Creating .venv with $("$python" --version)"
        rm -rf "$VENV"
        as_user "$python" -m venv "$VENV"
    fi
    stamp="$VENV/.installed-$(basename "$requirements")"
    wanted="$(cd "$ROOT" && cat requirements*.txt | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        say "Python packages up to date ($(basename "$requirements"))"
        return
    fi
    say "Installing Python packages from $(basename "$requirements")"
    # This machine kind's pip.conf names local indexes that may be absent: drop that noise only.
    as_user "$PY" -m pip install --quiet --disable-pip-version-check -r "$ROOT/$requirements" 2>&1 |
        { grep -v 'is ignored: it is neither a file nor a directory' || true; } ||
        die "pip install -r $requirements failed."
    # shellcheck disable=SC2016  # $1 and $2 expand in the inner shell
    as_user sh -c 'printf "%s\n" "$1" > "$2"' sh "$wanted" "$stamp"
}

manage() { as_user "$PY" "$ROOT/manage.py" "$@"; }

# Compile translations when the project has any (.po files outside the venv).
compile_messages() {
    if [ -n "$(cd "$ROOT" && find . -path ./.venv -prune -o -name '*.po' -print -quit)" ]; then
        claim "$ROOT/locale"
        say "Compiling translations"
        (cd "$ROOT" && manage compilemessages --ignore=.venv --ignore=var --verbosity 0)
    else
        say "No translations to compile yet"
    fi
}
