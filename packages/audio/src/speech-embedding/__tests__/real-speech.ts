// Real recorded human speech from a Debian package, for parity tests and the bench.
import { readdirSync } from "node:fs";
import { join } from "node:path";

import { decodeWav } from "../../decode/decode-wav.js";
import { resample } from "../../decode/resample.js";

/** Real recorded speech: Debian's asterisk-core-sounds-es (8 kHz), resampled to 16 kHz and joined. */
export async function realSpeech(files = 4): Promise<Float32Array> {
  const dir = "/usr/share/asterisk/sounds/es_MX_f_Allison";
  const names = readdirSync(dir).filter((n) => n.endsWith(".wav")).sort().slice(0, files);
  const parts: Float32Array[] = [];
  for (const name of names) {
    const audio = await decodeWav(join(dir, name));
    parts.push(resample(audio.samples, audio.sampleRate, 16000));
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
