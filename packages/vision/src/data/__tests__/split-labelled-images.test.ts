import { describe, expect, it } from "vitest";

import { splitLabelledImages } from "../split-labelled-images.js";

describe("splitLabelledImages", () => {
  const images = {
    inputs: Array.from({ length: 40 }, (_, i) => `/data/${i}.png`),
    labels: Array.from({ length: 40 }, (_, i) => (i < 30 ? 0 : 1)),
    classNames: ["normal", "nodule"],
  };

  it("should keep class shares, pair files with labels and repeat for a seed", () => {
    const split = splitLabelledImages(images, { validation: 0.2, test: 0.2, seed: 3 });
    const { train, validation, test } = split;
    expect(train.inputs.length + validation.inputs.length + test.inputs.length).toBe(40);
    expect(new Set([...train.inputs, ...validation.inputs, ...test.inputs]).size).toBe(40);
    for (const part of [train, validation, test]) {
      expect(part.classNames).toEqual(["normal", "nodule"]);
      part.inputs.forEach((f, i) =>
        expect(part.labels[i]).toBe(Number(/(\d+)\.png$/.exec(f)?.[1]) < 30 ? 0 : 1),
      );
    }
    expect(test.labels.filter((l) => l === 1)).toHaveLength(2);
    expect(splitLabelledImages(images, { validation: 0.2, test: 0.2, seed: 3 })).toEqual(split);
  });
});
