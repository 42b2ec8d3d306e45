// Preloaded with `node --import`: records every module URL the program loads and prints the list to
// fd 3 when it exits, so a test can prove that start-up did not load the AWS SDK or the prompts.
import { register } from 'node:module';
import { writeSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const loaded = [];
port1.on('message', (url) => loaded.push(url));
port1.unref();
register(new URL('./module-trace-hooks.mjs', import.meta.url), { data: { port: port2 }, transferList: [port2] });
process.on('exit', () => {
  try {
    writeSync(3, `${JSON.stringify(loaded)}\n`);
  } catch {
    // fd 3 not open: nothing to report to
  }
});
