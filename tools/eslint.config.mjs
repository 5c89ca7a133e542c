// ESLint for every JavaScript file in the repository (scripts/lint runs it
// from the root with --config tools/eslint.config.mjs).
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    ignores: [
      "**/node_modules/**",
      "target/**",
      "pkg/**",
      "dist/**",
      "tools/**",
      "bench/results/**",
      "**/*.min.js",
    ],
  },
  js.configs.recommended,
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.worker },
    },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "always"],
      "prefer-const": "error",
      "no-var": "error",
    },
  },
  {
    // Run by node: the test drivers, servers and benchmark scripts.
    files: ["tests/e2e/**", "bench/**", "scripts/**", "runner/**/*.mjs"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
];
