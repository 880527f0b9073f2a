// Module hooks behind register.mjs; they run on Node's loader thread.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import ts from "typescript";

const compilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  verbatimModuleSyntax: true,
  inlineSourceMap: true,
};

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (specifier.startsWith(".") && specifier.endsWith(".js") && parent?.startsWith("file:")) {
    if (!existsSync(fileURLToPath(new URL(specifier, parent)))) {
      const source = new URL(`${specifier.slice(0, -3)}.ts`, parent);
      if (existsSync(fileURLToPath(source))) return next(source.href, context);
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  const path = fileURLToPath(url);
  const { outputText } = ts.transpileModule(readFileSync(path, "utf8"), { fileName: path, compilerOptions });
  return { format: "module", source: outputText, shortCircuit: true };
}
