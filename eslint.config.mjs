import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'net',
  'http',
  'https',
  'child_process',
  'crypto',
  'worker_threads',
  'dgram',
  'tls',
];
const deviceAndDiskModules = [
  'better-sqlite3',
  'serialport',
  '@serialport/*',
  'ws',
  'electron',
  'node:*',
  ...nodeBuiltins,
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'test-output/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  // The core never reaches up into the shell or the UI.
  {
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'app/ must not import electron: inject what the shell provides.' }],
          patterns: [
            { group: ['**/renderer/**', '**/electron/**'], message: 'app/ must not import the shell or the UI.' },
          ],
        },
      ],
    },
  },
  // app/shared is what the renderer may import: pure code only.
  {
    files: ['app/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'app/shared must stay pure.' }],
          patterns: [
            {
              group: deviceAndDiskModules,
              message: 'app/shared is imported by the renderer: no disk, network or devices.',
            },
            { group: ['../*', '!../shared/*'], message: 'app/shared may import only app/shared.' },
          ],
        },
      ],
    },
  },
  // The renderer talks to the world only through window.pos.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/app/**', '!**/app/shared', '!**/app/shared/**'],
              message:
                'renderer/ may import only app/shared (pure types and helpers); everything else goes through window.pos.',
            },
            { group: deviceAndDiskModules, message: 'renderer/ must not touch disk, network or devices.' },
            { group: ['**/electron/**'], message: 'renderer/ must not import the shell.' },
          ],
        },
      ],
    },
  },
  {
    // Plain CommonJS launchers (the `npx pos` shim) run without a build step.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-imports': 'off' },
  },
);
