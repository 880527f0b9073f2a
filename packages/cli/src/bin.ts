#!/usr/bin/env node
import { main } from "./program.js";

// First Ctrl-C: stop training cleanly between batches (the checkpoint is kept). Second: quit now.
const controller = new AbortController();
process.on("SIGINT", () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write("\ngraft: stopping after the current batch (Ctrl-C again to quit now)\n");
  controller.abort();
});

process.exitCode = await main(process.argv.slice(2), { signal: controller.signal });
