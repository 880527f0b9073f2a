// Lets Node 20 run graft's TypeScript sources directly (Node 20 has no
// --experimental-strip-types): `.ts` files are transpiled with the
// package's own TypeScript dev dependency, and NodeNext-style `./x.js`
// imports are resolved to `./x.ts` when only the source exists.
// Use: node --import ./bench/ts-hooks.mjs bench/train-step.ts
import { register } from "node:module";

register("./ts-hooks-impl.mjs", import.meta.url);
