// The loader-thread half of ts-hooks.mjs.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const options = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  verbatimModuleSyntax: true,
  sourceMap: false,
  inlineSourceMap: true,
};

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (specifier.startsWith(".") && specifier.endsWith(".js") && parent?.startsWith("file:")) {
    const compiled = new URL(specifier, parent);
    if (!existsSync(fileURLToPath(compiled))) {
      const source = new URL(`${specifier.slice(0, -3)}.ts`, parent);
      if (existsSync(fileURLToPath(source))) return next(source.href, context);
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  const path = fileURLToPath(url);
  const { outputText } = ts.transpileModule(readFileSync(path, "utf8"), {
    fileName: path,
    compilerOptions: options,
  });
  return { format: "module", source: outputText, shortCircuit: true };
}
