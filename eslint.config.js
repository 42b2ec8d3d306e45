// ESLint with typescript-eslint's recommended type-checked rules over src/ (the product). Tests and
// scripts are type-checked by tsc (tsconfig.test.json) but not linted: their doubles use `any`-shaped
// SDK stubs on purpose, and the rules that matter most here (floating promises, misused promises,
// unsafe any flowing into the core) are about the code that runs against AWS.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench-results/**', 'test/**', 'scripts/**', 'bin/**', '*.config.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The codebase's convention: a leading underscore marks a name kept on purpose, e.g. a
      // parameter an interface requires, or `const { token: _token, ...status } = lock` to leave a
      // key out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
);
