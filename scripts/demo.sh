#!/usr/bin/env bash
# graft's demos in one command, from a clean clone:
#   bash scripts/demo.sh [flags]            cat → radiology (flags: examples/cat-to-radiology/README.md)
#   bash scripts/demo.sh wakeword [flags]   ASR → wake word (flags: examples/asr-to-wakeword/README.md)
# Installs the toolchain and workspace dependencies (scripts/setup.sh), the
# Debian packages holding the demo's data if they are missing (a real head
# CT and Fashion-MNIST; needs root), then runs the example end to end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

if [ "${1:-}" = "wakeword" ]; then
  shift
  exec pnpm --filter asr-to-wakeword start "$@"
fi

debian_packages=(invesalius-examples dataset-fashion-mnist)
missing=()
for pkg in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "demo: missing Debian packages: ${missing[*]}. Fix: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "demo: installing ${missing[*]} …"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq "${missing[@]}" >/dev/null; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

pnpm --filter cat-to-radiology start "$@"
