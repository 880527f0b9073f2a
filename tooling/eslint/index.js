// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Base lint rules for every graft package (TypeScript, ESM, Node). */
export default tseslint.config(
  { ignores: ["**/dist/**", "**/.cache/**", "**/out/**", "**/node_modules/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-console": ["error", { allow: ["warn", "error"] }],
      eqeqeq: ["error", "smart"],
    },
  },
  {
    files: ["**/__tests__/**", "**/bench/**", "**/scripts/**", "**/bin/**", "examples/**", "**/projects/**"],
    rules: { "no-console": "off" },
  },
);
