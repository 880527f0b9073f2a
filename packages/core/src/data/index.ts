export { createRng } from "./random.js";
export type { Rng } from "./random.js";
export { stratifiedSplit } from "./split.js";
export type { Split, SplitOptions } from "./split.js";
