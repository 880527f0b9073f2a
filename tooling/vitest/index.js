// @ts-check
import { defineConfig } from "vitest/config";

/**
 * Shared test settings: sources of sibling packages are resolved through the
 * "@graft/source" export condition, so a plugin's tests always run against
 * today's core. Model tests are slow on a 2-core machine, hence the timeouts.
 */
export default defineConfig({
  resolve: { conditions: ["@graft/source"] },
  ssr: { resolve: { conditions: ["@graft/source"] } },
  test: {
    include: ["src/**/__tests__/**/*.test.ts", "test/**/*.test.ts"],
    restoreMocks: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default"],
  },
});
