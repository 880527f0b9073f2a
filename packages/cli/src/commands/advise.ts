import { Command } from "commander";

import { dataSizeRule } from "../advise/data-size.js";
import { featuresRule } from "../advise/features-rule.js";
import { inputKindRule, sourceInput } from "../advise/input-kind.js";
import type { Advice, RuleResult } from "../advise/types.js";
import { taskFor } from "../data.js";
import { UsageError } from "../errors.js";
import type { CommandContext } from "../io.js";
import {
  fraction,
  headFactory,
  parseCut,
  parseHead,
  parsePooling,
  positiveInt,
  positiveNumber,
  type HeadSpec,
} from "../options.js";
import { loadPlugin, sniffPlugin } from "../plugins/index.js";
import type { CutSpec } from "../plugins/types.js";
import type { Runner } from "../program.js";
import { resolveSource } from "../source.js";

interface AdviseFlags {
  from?: string;
  backbone?: string;
  cut?: CutSpec;
  pooling: "auto" | "none" | "avg" | "max";
  plugin?: string;
  head: HeadSpec;
  epochs: number;
  lr: number;
  test: number;
  seed: number;
  json?: boolean;
  positive?: string;
}

/** `graft advise <data>`: should this source be transferred to this data? Measured, not assumed. */
export function adviseCommand(run: Runner): Command {
  return new Command("advise")
    .description(
      "measure whether transfer makes sense before training: (1) same kind of input, (2) m_A ≫ m_B, (3) do A's features beat a random backbone and raw inputs on B (plus a learning curve); prints go/no-go with the numbers",
    )
    .argument("<data>", "task-B data: folder of class sub-folders, or a .csv/.jsonl manifest")
    .option("--from <model>", "source: graft model dir, a TF.js Layers model dir / model.json, or an ONNX file (.onnx)")
    .option("--backbone <name>", "built-in source instead of --from: nsfwjs-mobilenetv2, speech-embedding")
    .option("--cut <layer>", "where to cut the source: a layer name or last:N", parseCut)
    .option("--pooling <kind>", "auto, avg, max, none", parsePooling, "auto")
    .option("--plugin <name>", "plugin of the B data (default: from its file types)")
    .option(
      "--head <spec>",
      "head trained on each kind of features",
      parseHead,
      parseHead("output"),
    )
    .option("--epochs <n>", "head epochs per measurement", positiveInt, 40)
    .option("--lr <rate>", "head learning rate", positiveNumber, 1e-2)
    .option("--test <fraction>", "fixed held-out part of B", fraction, 0.3)
    .option("--seed <n>", "seed of the split and the heads", positiveInt, 1)
    .option("--positive <label>", "positive class when B has two classes")
    .option("--json", "print the advice as JSON")
    .option("-q, --quiet", "no log lines")
    .addHelpText(
      "after",
      "\nExamples:\n  graft advise data/xrays --backbone nsfwjs-mobilenetv2\n  graft advise data/xrays --from models/task-a --json\n",
    )
    .action(
      run(async (context, data: string, flags: AdviseFlags) =>
        print(context, await advise(context, data, flags), flags),
      ),
    );
}

async function advise(context: CommandContext, data: string, flags: AdviseFlags): Promise<Advice> {
  if (!flags.from && !flags.backbone)
    throw new UsageError(
      "advise needs a source model.",
      "pass --from <model> or --backbone nsfwjs-mobilenetv2",
    );
  const bPlugin = flags.plugin ? await loadPlugin(flags.plugin) : await sniffPlugin(data);
  const rule1 = inputKindRule(await sourceInput(flags.from, flags.backbone), bPlugin);
  const rules: RuleResult[] = [rule1];
  if (rule1.status === "fail") {
    const skipped = (rule: 2 | 3, title: string): RuleResult => ({
      rule,
      title,
      status: "skipped",
      summary: "not measured: A's features cannot read B's inputs",
      details: {},
    });
    rules.push(
      skipped(2, "m_A ≫ m_B (much more data for A than for B)"),
      skipped(3, "A's features help B"),
    );
    return {
      verdict: "no-go",
      reason:
        "A and B take different kinds of input, so A's features cannot even be computed on B. Train on B from scratch, or find a source trained on the same kind of input.",
      rules,
    };
  }
  const source = await resolveSource({
    ...(flags.from ? { from: flags.from } : {}),
    ...(flags.backbone ? { backbone: flags.backbone } : {}),
    cut: flags.cut,
    pooling: flags.pooling,
    plugin: bPlugin.plugin.packageName,
    pluginOptions: {},
  });
  try {
    const labelled = await source.plugin.readLabelled(data);
    const { task, labels } = taskFor(labelled, "auto", flags.positive);
    rules.push(dataSizeRule(source.backbone.provenance, labels.length));
    const dataset = await source.plugin.dataset(labelled.inputs, labels, source.preprocessor);
    try {
      const head = headFactory(flags.head, source.plugin, { dropout: 0, normalization: "none" });
      rules.push(
        await featuresRule(context, source.backbone, dataset, labels, {
          head,
          task,
          epochs: flags.epochs,
          learningRate: flags.lr,
          seed: flags.seed,
          testFraction: flags.test,
        }),
      );
    } finally {
      dataset.dispose?.();
    }
  } finally {
    source.backbone.model.dispose();
  }
  const [, rule2, rule3] = rules as [RuleResult, RuleResult, RuleResult];
  const caveat = rule2.status === "warn" ? ` Caveat: ${rule2.summary}.` : "";
  if (rule3.status === "pass") {
    return {
      verdict: "go",
      reason: `A's frozen features beat both baselines on held-out B data; transfer with a frozen backbone first.${caveat}`,
      rules,
    };
  }
  return {
    verdict: "no-go",
    reason: `A's features do not beat a randomly initialised backbone or the raw inputs on held-out B data, so A's low-level features do not help B.${caveat}`,
    rules,
  };
}

function print(context: CommandContext, advice: Advice, flags: AdviseFlags): Promise<void> {
  if (flags.json) {
    context.out(JSON.stringify(advice, null, 2));
    return Promise.resolve();
  }
  const mark = { pass: "PASS", warn: "WARN", fail: "FAIL", skipped: "SKIP" } as const;
  for (const r of advice.rules) {
    context.out(`${r.rule}. ${mark[r.status]}  ${r.title}`);
    context.out(`         ${r.summary}`);
    const curve = r.details["learningCurve"] as
      { fraction: number; examples: number; accuracy: number }[] | undefined;
    if (curve) {
      context.out(
        `         learning curve (A features): ${curve.map((p) => `${Math.round(p.fraction * 100)}% (${p.examples}) ${p.accuracy.toFixed(2)}`).join(" | ")}`,
      );
      context.out(`         ${String(r.details["learningCurveNote"])}`);
    }
  }
  context.out(`verdict: ${advice.verdict.toUpperCase()}: ${advice.reason}`);
  return Promise.resolve();
}
