#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system packages, then a virtualenv in .venv
# with the project installed (editable) and its test/dev extras. Sourced by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian packages the tests and tools need: gettext (msgfmt/msgcat/msgmerge as validators),
# po4a (a peer in bench/extract.py), postgresql (the PostgreSQL test run), chromium and its
# driver (browser journeys through Playwright), fonts for Uyghur/Arabic-script rendering.
APT_PACKAGES=(gettext po4a postgresql chromium chromium-driver fonts-ukij-uyghur fonts-noto-core)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "setup: installing Debian packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "setup: missing Debian packages (${missing[*]}); run as root or: sudo apt-get install ${missing[*]}" >&2
    fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.terjime-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing Python packages"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[dev]"
    echo "$want" > "$stamp"
fi
