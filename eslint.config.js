// ESLint flat config: typescript-eslint's recommended rules without type information (so a run takes
// seconds), plus the few rules that catch real defects in this code.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Scripts and fixtures run on Node: its globals are the ones of the Node that runs the lint.
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly']));

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', 'tmp/', 'out/', 'dist-work/']),
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: nodeGlobals },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      // A timer declared before the closure that clears it and set after: not a constant in waiting.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `typeof import('x')` stays allowed: it types a module that is loaded lazily, on purpose.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // Every control character in a pattern here is deliberate: the sanitizers strip or escape them.
      'no-control-regex': 'off',
    },
  },
  {
    // Reference coefficients keep their source's digits (Cephes, Cody, Lanczos), so they can be checked
    // against it; the parser rounds them to the nearest double as the C compilers did.
    files: ['src/stats/special.ts'],
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    // The jest environment is CommonJS: jest loads it with require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
