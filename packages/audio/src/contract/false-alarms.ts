import { escapeHtml as esc, type Predictor } from "@graft/core";
import wavefile from "wavefile";

import { loadAudio } from "../decode/load-audio.js";
import type { AudioPreprocessor } from "../features/audio-preprocessor.js";
import { DEFAULT_DETECTION, detectionsAt, scoreRecordings } from "./recordings.js";

/** Playable snippets (WAV data URIs) around each false alarm on the negative recordings. */
export async function falseAlarmSnippets(
  predictor: Predictor,
  negatives: readonly string[],
  limit: number,
): Promise<string> {
  if (negatives.length === 0)
    return `<p class="empty">No negative recordings: transfer with --negatives, or pass --negatives to graft report.</p>`;
  const preprocessor = predictor.preprocessor as AudioPreprocessor;
  const rate = preprocessor.featureConfig.sampleRate;
  const recordings = await scoreRecordings(
    predictor.model,
    preprocessor,
    negatives,
    DEFAULT_DETECTION,
  );
  const alarms = detectionsAt(recordings, predictor.threshold, DEFAULT_DETECTION);
  const hours = recordings.seconds / 3600;
  const header = `<p>${alarms.length} false alarm${alarms.length === 1 ? "" : "s"} at threshold ${predictor.threshold} in ${recordings.seconds.toFixed(1)} s of negative audio (${hours > 0 ? (alarms.length / hours).toFixed(1) : "n/a"} per hour).</p>`;
  const items: string[] = [];
  for (const alarm of alarms.slice(0, limit)) {
    const samples = await loadAudio(alarm.file, rate);
    const from = Math.max(0, Math.round((alarm.time - 1) * rate));
    const clip = samples.subarray(
      from,
      Math.min(samples.length, Math.round((alarm.time + 1) * rate)),
    );
    const wav = new wavefile.WaveFile();
    wav.fromScratch(
      1,
      rate,
      "16",
      Array.from(clip, (v) => Math.round(Math.max(-1, Math.min(1, v)) * 32767)),
    );
    const uri = `data:audio/wav;base64,${Buffer.from(wav.toBuffer()).toString("base64")}`;
    items.push(
      `<li>${esc(alarm.file.split("/").at(-1) ?? alarm.file)} at ${alarm.time.toFixed(2)} s, score ${alarm.score.toFixed(2)} <audio controls preload="none" src="${uri}"></audio></li>`,
    );
  }
  return `${header}<ul id="false-alarms" class="snippets">${items.join("")}</ul>`;
}
