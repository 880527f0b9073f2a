import type { GraftManifest } from "@graft/core";

import { UsageError } from "../errors.js";
import type { CliPlugin } from "./types.js";

/** Plugins the graft CLI ships with, by plugin name. Loaded lazily: audio code never loads for images. */
const KNOWN = {
  vision: {
    packageName: "@graft/vision",
    kind: "images",
    load: async () => (await import("./vision.js")).visionCli,
  },
  audio: {
    packageName: "@graft/audio",
    kind: "sound",
    load: async () => (await import("./audio.js")).audioCli,
  },
} as const;

export type PluginName = keyof typeof KNOWN;

const INSTALL_HINT =
  "graft knows @graft/vision (images) and @graft/audio (sound): pass --plugin @graft/vision or --plugin @graft/audio, and install the package with npm install @graft/vision";

/** `vision`, `@graft/vision`, `audio`, `@graft/audio` → the plugin name. */
export function parsePluginName(text: string): PluginName {
  const name = text.replace(/^@graft\//, "");
  if (name === "vision" || name === "audio") return name;
  throw new UsageError(`unknown plugin "${text}".`, INSTALL_HINT);
}

/** Loads the CLI adapter of a plugin; a missing package says what to install. */
export async function loadPlugin(name: PluginName): Promise<CliPlugin> {
  const known = KNOWN[name];
  try {
    return await known.load();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND") {
      throw new UsageError(
        `the ${name} plugin is not installed.`,
        `npm install ${known.packageName}`,
      );
    }
    throw error;
  }
}

/** The plugin a saved model needs (from `graft.json`), or the one forced by `--plugin`. */
export async function pluginForManifest(
  manifest: GraftManifest,
  forced: string | undefined,
): Promise<CliPlugin> {
  if (forced) return loadPlugin(parsePluginName(forced));
  const saved = manifest.plugin;
  if (!saved) {
    const kind = manifest.inputSpec?.kind;
    if (kind === "image") return loadPlugin("vision");
    if (kind === "audio") return loadPlugin("audio");
    throw new UsageError(
      "this model's graft.json names no plugin, so graft cannot read its inputs.",
      "pass --plugin @graft/vision or --plugin @graft/audio",
    );
  }
  if (saved.name === "vision" || saved.name === "audio") return loadPlugin(saved.name);
  throw new UsageError(
    `this model was made with the plugin "${saved.name}" (${saved.packageName}), which the graft CLI does not include.`,
    `npm install ${saved.packageName}, and use it from code with loadPredictor(dir, { plugins: [${saved.name}] }); the CLI itself supports ${Object.values(
      KNOWN,
    )
      .map((k) => k.packageName)
      .join(" and ")}`,
  );
}
