#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system packages, then a virtualenv in .venv
# with the project installed (editable) and its test/dev extras. Sourced by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian packages the tests and tools need: gettext (msgfmt/msgcat/msgmerge as validators),
# po4a (a peer in bench/extract.py), postgresql (the PostgreSQL test run), chromium and its
# driver (browser journeys through Playwright), fonts for Uyghur/Arabic-script and CJK
# rendering (HTML/PDF/DOCX exports), WeasyPrint's Pango, poppler-utils (pdftotext/pdftoppm read
# exported PDFs back), a Java runtime and npm for the Nu HTML Checker (vnu-jar, package.json).
APT_PACKAGES=(gettext po4a postgresql chromium chromium-driver fonts-ukij-uyghur fonts-noto-core
              fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils default-jre-headless
              npm)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    # A machine with Node.js from elsewhere already has npm; a Java runtime may come from
    # another package than default-jre-headless.
    if [ "$pkg" = npm ] && command -v npm >/dev/null; then continue; fi
    if [ "$pkg" = default-jre-headless ] && command -v java >/dev/null; then continue; fi
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

# The Nu HTML Checker (vnu.jar) from the npm registry, for the HTML export validation tests.
npm_stamp=node_modules/.terjime-installed
npm_want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if command -v npm >/dev/null && { [ ! -f "$npm_stamp" ] || [ "$(cat "$npm_stamp")" != "$npm_want" ]; }; then
    echo "setup: installing npm packages (vnu-jar)"
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
    echo "$npm_want" > "$npm_stamp"
fi
