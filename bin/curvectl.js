#!/usr/bin/env node
// Tiny launcher. `--version` and `--help` are answered here, from package.json and from the help
// text rendered at build time (dist/help.txt, checked against commander's own rendering by a test),
// because they are run most and loading commander alone costs about half a Node start-up.
// Everything else loads the compiled CLI, which loads only what the command needs.
import { readFileSync } from 'node:fs';
import module from 'node:module';

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
try {
  if (only === '--version') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`${pkg.version}\n`);
    process.exit(0);
  }
  if (only === '--help' || only === '-h') {
    process.stdout.write(readFileSync(new URL('../dist/help.txt', import.meta.url), 'utf8'));
    process.exit(0);
  }
} catch {
  // No build output yet, or a damaged one: fall through to the full CLI, which says what is wrong.
}

// Node 22.1+ keeps V8's compiled code for every module it loads (the compile cache, in the OS temp
// directory unless NODE_COMPILE_CACHE says otherwise), so later runs skip most of the parsing and
// compiling of curvectl, zod, yaml and the AWS SDK. Older Node has no such API: skipped.
try {
  module.enableCompileCache?.();
} catch {
  // A cache that cannot be written only costs speed.
}

import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  // Only reached when the build is missing or broken; main() handles every other error itself.
  process.stderr.write(`curvectl: cannot start (${err && err.message ? err.message : err}). Run "npm run build" first.\n`);
  process.exitCode = 1;
});
