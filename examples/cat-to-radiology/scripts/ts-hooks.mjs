// Lets Node 20 (which has no --experimental-strip-types) run this example and
// the workspace packages it imports straight from their TypeScript sources:
// `node --conditions=@graft/source --import ./scripts/ts-hooks.mjs src/main.ts`.
// The "@graft/source" condition points @graft/core and @graft/vision at
// src/index.ts; the hooks below transpile `.ts` files (types are stripped,
// never checked: `pnpm typecheck` does that) and map `./x.js` imports to
// `./x.ts` when only the source exists.
import { register } from "node:module";

register("./ts-hooks-impl.mjs", import.meta.url);
