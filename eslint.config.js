// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/peers/', 'coverage/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
      // House rule 5: no wall-clock reads outside the clock, no env reads outside config/load.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the Clock from core/clock.ts.' },
        { object: 'process', property: 'env', message: 'Read the environment only in config/load.ts.' },
      ],
    },
  },
  {
    // web/ runs in the browser, where there is no injected Clock.
    files: ['src/core/clock.ts', 'src/config/load.ts', 'bench/**', 'test/**', 'scripts/**', '**/*.test.ts', 'src/cli/progress.ts', 'web/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // CommonJS tool configs (dependency-cruiser reads .dependency-cruiser.cjs with require).
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
