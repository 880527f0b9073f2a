import { existsSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PATTERNS, tempDir, writeImageFolder } from "./fixtures/data.js";
import { runCli } from "./fixtures/run-cli.js";

const { dir, cleanup } = tempDir();
const data = join(dir, "data");

beforeAll(async () => {
  await writeImageFolder(data, { horizontal: PATTERNS.horizontal, vertical: PATTERNS.vertical }, 6);
});
afterAll(cleanup);

const oneLine = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("fix:") && !l.startsWith("graft engine")).length;

describe("graft errors and exit codes", () => {
  it.each([
    [["transfer", "x", "--out", "y", "--head", "dense:abc"], /--head <spec>.*"dense:abc"/],
    [["transfer", "x", "--out", "y", "--cut", "last:0"], /last:N" needs N ≥ 1/],
    [["pretrain", "x", "--out", "y", "--epochs", "-3"], /expected an integer ≥ 0/],
    [["pretrain", "x"], /required option '-o, --out <dir>' not specified/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["evaluate", "only-one-arg"], /missing required argument 'data'/],
    [
      [
        "transfer",
        data,
        "--out",
        join(dir, "o"),
        "--plugin",
        "@graft/text",
        "--backbone",
        "nsfwjs-mobilenetv2",
      ],
      /unknown plugin "@graft\/text"/,
    ],
    [["transfer", data, "--out", join(dir, "o")], /transfer needs a source model/],
    [
      ["transfer", data, "--out", join(dir, "o"), "--backbone", "resnet"],
      /unknown built-in backbone "resnet"/,
    ],
  ])("should reject %j with a one-line error and exit code 2", async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(oneLine(r.stderr)).toBe(1);
  });

  it("should say which packages to install for an unknown plugin", async () => {
    const r = await runCli(["pretrain", data, "--plugin", "text", "--out", join(dir, "o")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fix: .*@graft\/vision.*@graft\/audio.*npm install/m);
  });

  it("should print a graft error with its fix and exit 1", async () => {
    const r = await runCli(["evaluate", join(dir, "no-model"), data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^graft: ModelFileError: .*graft\.json not found/m);
    expect(r.stderr).toMatch(/^fix: /m);
  });

  it("should exit 0 with help", async () => {
    const r = await runCli(["transfer", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--unfreeze <policy>/);
  });

  it("should stop cleanly on Ctrl-C, keep the checkpoint and resume from it", async () => {
    const out = join(dir, "model");
    const controller = new AbortController();
    let epochs = 0;
    const pretrain = [
      "pretrain",
      data,
      "--input-size",
      "16",
      "--width",
      "4",
      "--blocks",
      "1",
      "--epochs",
      "6",
      "--batch-size",
      "2",
      "--out",
      out,
    ];
    const io = await runCli(pretrain, {
      signal: controller.signal,
      onStderr: (text) => {
        if (/epoch \d\/6/.test(text) && ++epochs === 2) controller.abort();
      },
    });
    expect(io.code).toBe(130);
    expect(io.stderr).toMatch(
      /stopped by Ctrl-C after 2 epochs; the last checkpoint is kept in .*model\.checkpoint/,
    );
    expect(existsSync(`${out}.checkpoint`)).toBe(true);
    expect(existsSync(out)).toBe(false);
    const resumed = await runCli([...pretrain, "--resume"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).not.toMatch(/epoch 2\/6/);
    expect(resumed.stderr).toMatch(/epoch 3\/6/);
    expect(existsSync(join(out, "graft.json"))).toBe(true);
    expect(existsSync(`${out}.checkpoint`)).toBe(false);
  });
});
