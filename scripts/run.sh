#!/usr/bin/env bash
# Set up, then run the review server on an embedded SQLite database (instance/terjime.db) with
# the bundled statement: extract and merge the catalogues (creating ug, tr and ru if there are
# none yet), then serve the editor at http://127.0.0.1:8000 (extra arguments go to
# `terjime serve`, e.g. --port 8080).
# On the first start it prints a one-time link to create the admin account.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
T=.venv/bin/terjime
if [ -z "$(find locales -path '*/LC_MESSAGES/*.po' -print -quit 2>/dev/null)" ]; then
    $T init ug tr ru
fi
$T update
$T stats
exec $T serve "$@"
