#!/usr/bin/env bash
# The fuzz campaign: every fuzz target in tests/fuzz with 10,000 examples (the suite itself
# runs them with 1,000 in CI, 200 on a laptop). CI runs it after scripts/test.sh. The targets
# run in two pytest processes side by side (web forms and API payloads in one, PO uploads and
# Markdown sources in the other); extra arguments go to both.
#
#   TERJIME_FUZZ_EXAMPLES=50000 bash scripts/fuzz.sh     # a longer campaign
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
export TERJIME_FUZZ_EXAMPLES=${TERJIME_FUZZ_EXAMPLES:-10000}
log=$(mktemp "${TMPDIR:-/tmp}/terjime-fuzz.XXXXXX")
trap 'rm -f "$log"' EXIT
start=$SECONDS
echo "fuzz.sh: $TERJIME_FUZZ_EXAMPLES examples per target"
env -u TERJIME_TEST_DATABASE_URL .venv/bin/python -m pytest -x -q -p no:cacheprovider \
    tests/fuzz/test_fuzz_po_upload.py tests/fuzz/test_fuzz_markdown.py "$@" >"$log" 2>&1 &
other=$!
status=0
env -u TERJIME_TEST_DATABASE_URL .venv/bin/python -m pytest -x -q -p no:cacheprovider \
    tests/fuzz/test_fuzz_payloads.py "$@" || status=$?
other_status=0
wait "$other" || other_status=$?
echo "fuzz.sh: --- PO uploads and Markdown sources ---"
cat "$log"
echo "fuzz.sh: $((SECONDS - start)) s"
[ "$status" -eq 0 ] && [ "$other_status" -eq 0 ]
