/**
 * The layer rules of curvectl (ARCHITECTURE.md, "Layers"), checked by `npm run lint:deps` (part of
 * `npm test`) and by test/unit/architecture/boundaries.test.ts, which also proves on a fixture that
 * each rule fails when crossed. Type-only imports count: a port declared in the wrong layer is a
 * crossed layer even when nothing of it exists at run time.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment:
        'src/core is the domain: it imports nothing outside src/core (no SDK, no terminal library, no node: module, ' +
        'no config/). What it needs from outside is a port in src/core/ports.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { pathNot: '^src/core/' },
    },
    {
      name: 'only-process-module-runs-processes',
      comment: 'src/adapters/process.ts is the one module that starts processes (argv arrays, never a shell).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/process\\.ts$' },
      to: { path: '(^|/)node_modules/execa/|^(node:)?child_process$' },
    },
    {
      name: 'io-does-not-import-adapters',
      comment: 'The IoHost and the renderers know the terminal, not AWS, Terraform or the disk state.',
      severity: 'error',
      from: { path: '^src/io/' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'adapters-do-not-import-cli-or-io',
      comment: 'Adapters implement core ports; the command layer and the terminal sit above them.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(cli|io)/' },
    },
    {
      name: 'no-circular',
      comment: 'An import circle means two files hold one concept, or a concept sits in the wrong file.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (see above).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};
