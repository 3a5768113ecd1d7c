import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers (docs/layers.md): src/domain imports nothing outside itself; src/app imports src/app and src/domain
 * only (and Node's built-ins); the adapters — src/store, src/stripe, src/signals (driven by the use cases, so
 * they see src/app only through src/app/ports.ts) and src/http (which drives the use cases) — import src/app and
 * src/domain, never each other. Paths are matched as written: `(../)+store/…` is src/store from any depth.
 */
const CLIMB = String.raw`^(\.\./)+`;
const folders = (names) => `${CLIMB}(${names.join('|')})(/|$)`;
const ADAPTERS = ['store', 'stripe', 'http', 'signals'];
const COMPOSITION = ['ops', 'cli', 'jobs', 'peers', 'compose', 'server'];
const SHARED = ['config', 'logger', 'redact'];

const layer = (description, patterns, paths = []) => ['error', { paths, patterns: patterns.map(([regex, why]) => ({ regex, message: `${description}: ${why}` })) }];
/** The packages each adapter keeps to itself: only src/store talks to MongoDB, only src/stripe to Stripe, only src/http serves HTTP. */
const packagesOf = (owner) =>
  [
    ['mongoose', 'store'],
    ['mongodb', 'store'],
    ['stripe', 'stripe'],
    ['express', 'http'],
  ]
    .filter(([, folder]) => folder !== owner)
    .map(([name, folder]) => ({ name, message: `only src/${folder} imports ${name} (docs/layers.md).` }));
const drivenAdapter = (name) =>
  layer(`src/${name} is an adapter`, [
    [folders([...ADAPTERS, ...COMPOSITION].filter((f) => f !== name)), 'it never imports another adapter or the composition root (docs/layers.md).'],
    [`${CLIMB}app/(?!ports$)`, 'it sees src/app only through its ports, src/app/ports.ts (docs/layers.md).'],
  ], packagesOf(name));

export const layerRules = [
  {
    files: ['src/domain/**/*.ts'],
    rules: { 'no-restricted-imports': layer('src/domain is the pure credit policy', [['^(?!\\./)', 'it imports nothing outside src/domain, not even a package (docs/layers.md).']]) },
  },
  {
    files: ['src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': layer('src/app holds the use cases', [
        [folders([...ADAPTERS, ...COMPOSITION, ...SHARED]), 'it imports src/app and src/domain only; what it needs from outside is a port in src/app/ports.ts (docs/layers.md).'],
        ['^(?![./]|node:)', 'it imports no package but Node\'s built-ins; what it needs from outside is a port in src/app/ports.ts (docs/layers.md).'],
      ]),
    },
  },
  { files: ['src/store/**/*.ts'], rules: { 'no-restricted-imports': drivenAdapter('store') } },
  { files: ['src/stripe/**/*.ts'], rules: { 'no-restricted-imports': drivenAdapter('stripe') } },
  { files: ['src/signals/**/*.ts'], rules: { 'no-restricted-imports': drivenAdapter('signals') } },
  {
    files: ['src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': layer('src/http is an adapter', [[folders([...ADAPTERS, ...COMPOSITION].filter((f) => f !== 'http')), 'it drives the use cases in src/app and never imports another adapter or the composition root (docs/layers.md).']], packagesOf('http')),
    },
  },
];

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
  ...layerRules,
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
