import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.artifacts/', '.tools/', '.data/', 'coverage/', 'eslint.config.mjs', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Use the clock passed in (src/domain/clock.ts).' }],
    },
  },
  {
    // The billing page's script runs in the browser, outside the TypeScript project.
    files: ['src/http/billingPage/assets/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'script',
      parserOptions: { projectService: false },
      globals: { window: 'readonly', document: 'readonly', URL: 'readonly' },
    },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/consistent-type-assertions': 'off', 'no-restricted-properties': 'off' },
  },
  {
    // The chaos suite signs and measures in real time; the clock rule is for the service's code. Casts stay forbidden.
    files: ['chaos/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
