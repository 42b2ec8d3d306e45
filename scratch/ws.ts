import { writeFileSync } from 'node:fs';
import { createWorkspace } from '../test/_helpers/cli.js';
import { startEmulator } from '../test/_helpers/emulator.js';
const emulator = await startEmulator();
await emulator.createHostedZone('example.test');
const ws = await createWorkspace({ emulator });
for (const n of ['cluster-a', 'cluster-b']) { const r = await ws.run(['cluster', 'create', n, '--yes']); if (r.code) throw new Error(r.stderr); }
writeFileSync('/tmp/ws15.json', JSON.stringify({ dir: ws.dir, env: ws.env, endpoint: emulator.endpoint }));
console.log('ready', ws.dir, emulator.endpoint);
setInterval(() => {}, 1 << 30);
