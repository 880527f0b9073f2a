import baseConfig from "@graft/eslint-config";

// A demo talks to its user: console output is the point here.
export default [...baseConfig, { rules: { "no-console": "off" } }];
