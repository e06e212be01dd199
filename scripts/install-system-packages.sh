#!/usr/bin/env bash
# Install the Debian/Ubuntu packages Huanjie needs. Fast when everything is already there:
# dpkg is asked first, and apt runs only for what is missing.
#
#   bash scripts/install-system-packages.sh          what the app needs to run (demo)
#   bash scripts/install-system-packages.sh --dev    plus PostgreSQL, Redis and Chromium (tests)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

dev=0
case "${1:-}" in
    --dev) dev=1 ;;
    "") ;;
    *) die "usage: $0 [--dev]" ;;
esac

command -v dpkg-query >/dev/null 2>&1 || die "This script supports Debian 12 and Ubuntu 22.04 or later."
. /etc/os-release
distro="${ID:-debian}"

packages=(
    python3 python3-venv python3-dev build-essential gettext
    # WeasyPrint; without harfbuzz-subset, subsetting CJK fonts into PDFs is very slow.
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
    # The app runs offline: the CJK font must be on the machine (web pages and PDFs).
    fonts-noto-cjk
    poppler-utils
)
if [ "$dev" -eq 1 ]; then
    packages+=(postgresql postgresql-client redis-server redis-tools)
    # Browser tests drive Debian's Chromium. Ubuntu only ships it as a snap (handled below).
    if [ "$distro" != "ubuntu" ]; then
        packages+=(chromium)
    fi
fi

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

has_candidate() {
    local candidate
    candidate="$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p')"
    [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}
apt_lists_present() { compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; }

missing=()
for package in "${packages[@]}"; do
    installed "$package" && continue
    # A release without the optional package must not cost an apt-get update on every run.
    if [ "$package" = "libharfbuzz-subset0" ] && apt_lists_present && ! has_candidate "$package"; then
        continue
    fi
    missing+=("$package")
done
need_chromium=0
if [ "$dev" -eq 1 ] && [ "$distro" = "ubuntu" ] && ! command -v chromium >/dev/null 2>&1 &&
    ! command -v chromium-browser >/dev/null 2>&1; then
    need_chromium=1
fi

# Ubuntu 22.04's python3 is 3.10; the project needs 3.11, which it has as python3.11.
need_python=0
find_python >/dev/null || need_python=1

if [ "${#missing[@]}" -eq 0 ] && [ "$need_chromium" -eq 0 ] && [ "$need_python" -eq 0 ]; then
    say "System packages already installed"
    exit 0
fi

log="$(mktemp -t huanjie-apt.XXXXXX)"
# apt's progress goes to a log, shown only when something fails.
apt_quiet() {
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@" >>"$log" 2>&1; then
        tail -n 40 "$log" >&2
        return 1
    fi
}
say "Installing system packages: ${missing[*]:-} $([ "$need_chromium" -eq 1 ] && echo chromium-browser)"
apt_quiet update || die "apt-get update failed (log: $log)"

# Only libharfbuzz-subset0 is optional (without it WeasyPrint subsets fonts with fontTools,
# slowly); any other package missing from apt's lists is an error.
available=()
for package in "${missing[@]}"; do
    if has_candidate "$package"; then
        available+=("$package")
    elif [ "$package" = "libharfbuzz-subset0" ]; then
        warn "$package is not available on this release; skipping it."
    else
        die "$package is not available from apt: check /etc/apt/sources.list (Ubuntu: universe)."
    fi
done
if [ "${#available[@]}" -gt 0 ]; then
    apt_quiet install -y --no-install-recommends "${available[@]}" ||
        die "apt-get install failed (log: $log)"
fi

if ! find_python >/dev/null; then
    say "python3 is older than 3.11: installing python3.11"
    apt_quiet install -y --no-install-recommends python3.11 python3.11-venv python3.11-dev ||
        die "Python 3.11 could not be installed (Ubuntu: enable the universe component)."
fi

if [ "$need_chromium" -eq 1 ]; then
    if ! apt_quiet install -y --no-install-recommends chromium-browser; then
        if is_ci; then
            die "Chromium could not be installed; browser tests need it under CI."
        fi
        warn "Chromium could not be installed (on Ubuntu it is a snap): browser tests will skip."
    fi
fi
rm -f "$log"
say "System packages installed"
