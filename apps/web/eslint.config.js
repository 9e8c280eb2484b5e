// The repository's type-aware rules, plus React's rules of hooks for the components.
import reactHooks from "eslint-plugin-react-hooks";
import root from "../../eslint.config.js";

export default [
  ...root,
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
];
