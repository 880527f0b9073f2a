#!/usr/bin/env bash
# Sets up a fresh machine and runs every check graft has: lint, typecheck and
# the tests of every package. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
pnpm test
