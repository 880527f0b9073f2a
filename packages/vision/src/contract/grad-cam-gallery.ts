import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import { escapeHtml as esc, toPrediction, type Predictor } from "@graft/core";

import { gradCamLayer } from "../explain/grad-cam-layer.js";
import { writeGradCamOverlay } from "../explain/grad-cam-overlay.js";
import { gradCam } from "../explain/grad-cam.js";

/** Grad-CAM overlays of up to `limit` images (inlined as PNG data URIs), with true and predicted labels. */
export async function gradCamGallery(
  predictor: Predictor,
  files: readonly string[],
  trueLabels: readonly number[],
  limit: number,
): Promise<string> {
  const layerName = gradCamLayer(predictor.model);
  if (!layerName || !predictor.preprocessor)
    return `<p class="empty">No Grad-CAM: the model has no spatial feature map.</p>`;
  if (files.length === 0)
    return `<p class="empty">No held-out images recorded in graft.json; pass --data &lt;folder&gt;.</p>`;
  const tmp = await mkdtemp(path.join(tmpdir(), "graft-report-"));
  const figures: string[] = [];
  try {
    for (const [i, file] of files.slice(0, limit).entries()) {
      const x = await predictor.preprocessor.process([file]);
      try {
        const probs = tf.tidy(() => predictor.model.predict(x) as tf.Tensor);
        const row = Array.from(await probs.data());
        probs.dispose();
        const prediction = toPrediction(predictor.task, row, predictor.threshold);
        // Binary models have one sigmoid unit: explain it (the positive class score).
        const heat = await gradCam(predictor.model, x, {
          layerName,
          ...(predictor.task.kind === "binary" ? { classIndex: 0 } : {}),
        });
        const out = path.join(tmp, `${i}.png`);
        await writeGradCamOverlay(heat, file, out);
        heat.dispose();
        const png = (await readFile(out)).toString("base64");
        const truth = predictor.task.labels[trueLabels[i] ?? -1] ?? "?";
        const ok = truth === prediction.label;
        figures.push(
          `<figure class="${ok ? "right" : "wrong"}"><img alt="Grad-CAM of ${esc(path.basename(file))}" src="data:image/png;base64,${png}"><figcaption>${esc(path.basename(file))}<br>true ${esc(truth)} · predicted ${esc(prediction.label)} ${prediction.score.toFixed(2)}</figcaption></figure>`,
        );
      } finally {
        x.dispose();
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return `<p>Grad-CAM at layer <code>${esc(layerName)}</code>${predictor.task.kind === "binary" ? ` for the positive class "${esc(predictor.task.labels[1])}"` : " for the predicted class"}: red = regions that raised the score.</p><div id="gradcam" class="gallery">${figures.join("")}</div>`;
}
