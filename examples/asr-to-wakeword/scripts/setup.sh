#!/usr/bin/env bash
# Installs what the demo needs from Debian, only what is missing:
# espeak-ng and flite synthesise the speech (resampling and noise are done in JS);
# Asterisk's recorded prompts (es, fr, it, ru) and music on hold are real negatives;
# the English prompts are kept for an independent check, never for training.
set -euo pipefail
need=()
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v flite >/dev/null 2>&1 || need+=(flite)
for pair in es:es_MX_f_Allison fr:fr_CA_f_June it:it_IT_m_Carlo ru:ru_RU_f_IvrvoiceRU en:en_US_f_Allison; do
  [ -d "/usr/share/asterisk/sounds/${pair#*:}" ] || need+=("asterisk-core-sounds-${pair%%:*}-wav")
done
[ -d /usr/share/asterisk/moh ] || need+=(asterisk-moh-opsound-wav)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "asr-to-wakeword: installing ${need[*]} (Debian packages) …"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get install -y --no-install-recommends "${need[@]}" || {
  $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "${need[@]}"
}
