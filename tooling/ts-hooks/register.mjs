// Lets Node 20, which has no --experimental-strip-types, run graft's
// TypeScript straight from source (benchmarks and example apps):
//
//   node --conditions=@graft/source --import @graft/ts-hooks/register src/main.ts
//
// The "@graft/source" condition points workspace packages at their src/;
// hooks.mjs transpiles each `.ts` file (types are stripped, never checked:
// `pnpm typecheck` does that) and maps NodeNext-style `./x.js` imports to
// `./x.ts` when only the source exists.
import { register } from "node:module";

register("./hooks.mjs", import.meta.url);
