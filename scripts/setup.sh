#!/usr/bin/env bash
# Installs the toolchain graft pins (pnpm 10.34.9) and the workspace's
# dependencies. Needs Node.js 20.11+, 22.12+ or 24+ and the npm registry; nothing else is
# downloaded (no model weights, no native TensorFlow binaries).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

want_pnpm="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  npm install --global --no-fund --no-audit "pnpm@$want_pnpm"
fi
export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
