import baseConfig from "@graft/vitest-config";
import { defineProject, mergeConfig } from "vitest/config";

export default mergeConfig(baseConfig, defineProject({ test: { name: "@graft/onnx" } }));
