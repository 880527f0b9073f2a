import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { BuiltinSource, GraftManifest, InputSpec } from "@graft/core";

import { UsageError } from "../errors.js";
import type { CliPlugin } from "./types.js";

/**
 * The plugin registry: the only place the CLI names plugin packages. A plugin
 * is any module exporting `graftPlugin` (core's `PluginContract`); these two
 * ship with the CLI and are loaded lazily, so audio code never loads for images.
 * Any other plugin is reached by its package name or file path with `--plugin`.
 */
const SHIPPED = [
  { name: "vision", packageName: "@graft/vision", load: () => import("@graft/vision") },
  { name: "audio", packageName: "@graft/audio", load: () => import("@graft/audio") },
] as const;

const INSTALL_HINT = `pass --plugin with one of ${SHIPPED.map((p) => `${p.packageName}`).join(", ")} (or a plugin package or file of your own), and install it with npm install <package>`;

/** Loads a plugin by name (`vision`), package (`@graft/vision`, `graft-plugin-text`) or file path. */
export async function loadPlugin(spec: string): Promise<CliPlugin> {
  const shipped = SHIPPED.find((p) => p.name === spec || p.packageName === spec);
  const isPath = /^(\.{1,2}\/|\/)|\.[cm]?[jt]s$/.test(spec);
  let module: { graftPlugin?: CliPlugin };
  try {
    module = shipped
      ? await shipped.load()
      : await import(isPath ? pathToFileURL(path.resolve(spec)).href : spec);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "ERR_UNSUPPORTED_DIR_IMPORT")
      throw new UsageError(
        `unknown plugin "${spec}": ${isPath ? "no such file" : "no such package is installed"}.`,
        shipped
          ? `npm install ${shipped.packageName}`
          : `use --plugin ${SHIPPED.map((p) => p.packageName).join(" or ")}, or ${isPath ? "check the path" : `npm install ${spec} if it is a graft plugin`}`,
      );
    throw error;
  }
  const plugin = module.graftPlugin;
  if (!plugin?.plugin || typeof plugin.readLabelled !== "function")
    throw new UsageError(
      `"${spec}" is not a graft plugin: it exports no graftPlugin (core's PluginContract).`,
      INSTALL_HINT,
    );
  return plugin;
}

/** Every plugin shipped with the CLI that is installed. */
async function shippedPlugins(): Promise<CliPlugin[]> {
  const loaded = await Promise.all(SHIPPED.map((p) => loadPlugin(p.name).catch(() => undefined)));
  return loaded.filter((p): p is CliPlugin => p !== undefined);
}

/** The shipped plugin that reads inputs of `kind`. */
export async function pluginForKind(kind: InputSpec["kind"]): Promise<CliPlugin | undefined> {
  return (await shippedPlugins()).find((p) => p.kind === kind);
}

/** A built-in pre-trained source by `--backbone` name, with the plugin that provides it. */
export async function builtinSource(
  name: string,
): Promise<{ plugin: CliPlugin; make: BuiltinSource }> {
  const plugins = await shippedPlugins();
  for (const plugin of plugins) {
    const make = plugin.builtins[name];
    if (make) return { plugin, make };
  }
  const names = plugins.flatMap((p) => Object.keys(p.builtins));
  throw new UsageError(
    `unknown built-in backbone "${name}".`,
    `use one of: ${names.join(", ")}, or --from <model dir>`,
  );
}


/** The plugin a saved model needs (from `graft.json`), or the one forced by `--plugin`. */
export async function pluginForManifest(
  manifest: GraftManifest,
  forced: string | undefined,
): Promise<CliPlugin> {
  if (forced) return loadPlugin(forced);
  const saved = manifest.plugin;
  if (saved) {
    const shipped = SHIPPED.find((p) => p.name === saved.name);
    return loadPlugin(shipped ? shipped.name : saved.packageName);
  }
  const kind = manifest.inputSpec?.kind;
  const plugin = kind ? await pluginForKind(kind) : undefined;
  if (plugin) return plugin;
  throw new UsageError(
    "this model's graft.json names no plugin, so graft cannot read its inputs.",
    INSTALL_HINT,
  );
}

/** The plugin whose file types fill `data` (a class folder tree or a manifest); the first shipped one if none match. */
export async function sniffPlugin(data: string): Promise<CliPlugin> {
  const plugins = await shippedPlugins();
  const names = await sampleFileNames(data);
  const matches = (p: CliPlugin) =>
    names.filter((n) => p.extensions.some((e) => n.toLowerCase().endsWith(e))).length;
  const best = [...plugins].sort((a, b) => matches(b) - matches(a))[0];
  if (!best) throw new UsageError("no graft plugin is installed.", INSTALL_HINT);
  return best;
}

/** File names from a manifest's text or from the first class folders. */
async function sampleFileNames(data: string): Promise<string[]> {
  if (/\.(csv|jsonl|json)$/i.test(data)) {
    const text = await readFile(data, "utf8").catch(() => "");
    return text.split(/[\s,"]+/).filter((t) => /\.\w+$/.test(t));
  }
  const entries = await readdir(data, { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).slice(0, 4))
    names.push(...(await readdir(path.join(data, entry.name)).catch(() => [] as string[])));
  return names;
}
