import baseConfig from "@graft/eslint-config";

export default baseConfig;
