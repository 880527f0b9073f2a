import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import ts from "typescript";

const srcDir = fileURLToPath(new URL("../../", import.meta.url));
const packageDir = path.resolve(srcDir, "..");

/**
 * Transpiles the persist module (and the errors it throws) to plain ESM under
 * `outDir`, so a child `node` process can run the real code: Node 20 cannot
 * strip TypeScript types itself. Returns the path of the compiled index.js.
 */
export async function compilePersist(outDir: string): Promise<string> {
  const files = [
    "errors.ts",
    ...(await readdir(path.join(srcDir, "persist")))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `persist/${f}`),
  ];
  for (const file of files) {
    const source = await readFile(path.join(srcDir, file), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
      fileName: file,
    });
    const out = path.join(outDir, "src", file.replace(/\.ts$/, ".js"));
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  // The child resolves @tensorflow/tfjs through the package's own node_modules.
  await symlink(path.join(packageDir, "node_modules"), path.join(outDir, "node_modules"), "dir");
  return path.join(outDir, "src", "persist", "index.js");
}
