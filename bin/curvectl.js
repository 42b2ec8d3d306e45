#!/usr/bin/env node
// Tiny launcher: everything lives in the compiled CLI so start-up loads only what a command needs.
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  // Only reached when the build is missing or broken; main() handles every other error itself.
  process.stderr.write(`curvectl: cannot start (${err && err.message ? err.message : err}). Run "npm run build" first.\n`);
  process.exitCode = 1;
});
