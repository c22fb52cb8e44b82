#!/usr/bin/env bash
# Set up, then run the review server on an embedded SQLite database (instance/terjime.db) with
# the bundled statement: extract and merge the catalogues (creating ug, tr and ru if there are
# none yet), build every language's localized statement into build/, then serve the editor at
# http://127.0.0.1:8000 (extra arguments go to `terjime serve`, e.g. --port 8080).
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
for lang in $($T stats --format json | .venv/bin/python -c 'import json,sys; print(" ".join(sorted({r["language"] for r in json.load(sys.stdin)})))'); do
    for fmt in md html txt; do
        $T build "$lang" --format "$fmt" -o "build/statement.$lang.$fmt" 2>/dev/null
    done
done
echo "built: $(ls build | wc -l) files in build/"
exec $T serve "$@"
