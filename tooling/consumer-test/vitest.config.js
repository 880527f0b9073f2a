import baseConfig from "@graft/vitest-config";
import { defineProject, mergeConfig } from "vitest/config";

export default mergeConfig(
  baseConfig,
  defineProject({ test: { name: "@graft/consumer-test", include: ["test/**/*.test.js"], testTimeout: 600_000, hookTimeout: 900_000 } }),
);
