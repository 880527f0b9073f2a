#!/usr/bin/env bash
# Installs what the demo needs from Debian, only if it is missing:
# espeak-ng synthesises the speech corpus (resampling and noise are done in JS).
set -euo pipefail
if command -v espeak-ng >/dev/null 2>&1; then
  exit 0
fi
echo "asr-to-wakeword: installing espeak-ng (Debian package) …"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get install -y --no-install-recommends espeak-ng || {
  $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends espeak-ng
}
