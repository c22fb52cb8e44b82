#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then lint and run the whole suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
.venv/bin/ruff check app tests bench
.venv/bin/python -m pytest -x -q "$@"
