import type { GraftManifest } from "@graft/core";
import { describe, expect, it } from "vitest";

import { trainingCurves } from "../report/curves.js";
import { modelCard } from "../report/model-card.js";

const base: GraftManifest = {
  formatVersion: 1,
  graftVersion: "0.0.0",
  tfjsVersion: "4.22.0",
  engine: "cpu",
  createdAt: "2026-12-01T00:00:00.000Z",
  task: { kind: "binary", labels: ["n", "p"] },
  backbone: { name: "tiny", provenance: {}, featureLayer: "b", layerNames: ["a", "b"] },
  head: { spec: null, layerNames: ["head_output"] },
};
const row = (phase: string, epoch: number, extra: object = {}) => ({
  phase,
  epoch,
  loss: 1 / epoch,
  accuracy: 0.5,
  ...extra,
});

/** The text of the "freeze schedule" and "frozen at the end" rows of the card. */
function freezeRows(html: string): string[] {
  return [
    ...html.matchAll(/<tr><th>(freeze schedule|frozen at the end)<\/th><td>([^<]*)<\/td><\/tr>/g),
  ].map((m) => `${m[1]}: ${m[2]}`);
}

/** Expects the curves' phase list and the card's freeze rows of `m`. */
function expectPhases(m: GraftManifest, starts: string[], card: string[]): void {
  const curves = trainingCurves(m.schedule, m.phases);
  expect([...curves.matchAll(/<li>([^<]*)<\/li>/g)].map((x) => x[1])).toEqual(starts);
  expect(freezeRows(modelCard(m))).toEqual(card);
}

describe("the report's training phases", () => {
  it("should read each phase's freeze policy from phases in a new graft.json", () => {
    const m: GraftManifest = {
      ...base,
      freeze: "frozen",
      phases: [
        { name: "head", freeze: "frozen", epochs: 2, learningRate: 0.01, backboneLrMult: 1 },
        { name: "fine-tune", freeze: "top:1", epochs: 1, learningRate: 0.001, backboneLrMult: 0.1 },
      ],
      schedule: [row("head", 1), row("head", 2), row("fine-tune", 1)],
    };
    expectPhases(
      m,
      ["head (frozen) from epoch 1", "fine-tune (top:1) from epoch 3"],
      [
        "freeze schedule: head: 2 epochs, backbone frozen; fine-tune: 1 epochs, backbone top:1, backbone lr × 0.1",
        "frozen at the end: top:1",
      ],
    );
  });

  it("should read a graft.json written before phases, with the policy in every schedule row", () => {
    const m: GraftManifest = {
      ...base,
      freeze: "top:1",
      schedule: [row("head", 1, { freeze: "frozen" }), row("fine-tune", 1, { freeze: "top:1" })],
      extra: {
        cli: {
          phases: [
            { name: "head", epochs: 1, freeze: "frozen", learningRate: 0.01, backboneLrMult: 1 },
            {
              name: "fine-tune",
              epochs: 1,
              freeze: "top:1",
              learningRate: null,
              backboneLrMult: 1,
            },
          ],
        },
      },
    };
    expectPhases(
      m,
      ["head (frozen) from epoch 1", "fine-tune (top:1) from epoch 2"],
      [
        "freeze schedule: head: 1 epochs, backbone frozen; fine-tune: 1 epochs, backbone top:1",
        "frozen at the end: top:1",
      ],
    );
  });
});
