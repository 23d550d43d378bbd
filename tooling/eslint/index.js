// Shared flat config: typescript-eslint's recommended rules plus the repository's boundaries;
// with `svelte: true`, eslint-plugin-svelte's recommended rules for `.svelte` and `.svelte.ts`.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** @param {{ browser?: boolean, svelte?: boolean }} [options] */
export function dasConfig(options = {}) {
  return tseslint.config(
    { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.svelte-kit/**'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    ...(options.svelte
      ? [
          ...svelte.configs.recommended,
          {
            files: ['**/*.svelte', '**/*.svelte.ts'],
            languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
          },
        ]
      : []),
    {
      languageOptions: { globals: options.browser ? globals.browser : globals.node },
      rules: {
        // Packages are imported through their `exports`, never by reaching into their sources.
        'no-restricted-imports': ['error', { patterns: ['@das/*/src/*', '@das/*/src'] }],
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        '@typescript-eslint/consistent-type-imports': 'error',
      },
    },
  );
}

export default dasConfig();
