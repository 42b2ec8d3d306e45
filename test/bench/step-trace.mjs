/**
 * Where a step's critical path goes, inside curvectl: preloaded into every `curvectl shift` of the
 * bench (NODE_OPTIONS=--import), it timestamps each HTTP request (start, response end) and each
 * FileHandle write and fsync, and at exit writes them to $STEP_TRACE_DIR/<pid>.json. Changes
 * nothing the program does. Then `node test/bench/step-trace.mjs <file>` prints, for every step,
 * the local work before the change, the change, the gap until the next requests and the wait for
 * INSYNC with the read-back.
 *
 *   STEP_TRACE_DIR=/tmp/trace NODE_OPTIONS="--import $PWD/test/bench/step-trace.mjs" npm run bench -- critical
 *   node test/bench/step-trace.mjs /tmp/trace/<pid>.json
 */
import fs from 'node:fs';
import http from 'node:http';

const file = process.argv[1]?.endsWith('step-trace.mjs') ? process.argv[2] : undefined;
if (file) report(JSON.parse(fs.readFileSync(file, 'utf8')).events);
else if (process.argv.includes('shift') && process.env.STEP_TRACE_DIR) await trace(process.env.STEP_TRACE_DIR);

async function trace(dir) {
  const events = [];
  const now = () => performance.now();
  const request = http.request;
  http.request = function traced(...args) {
    const req = request.apply(this, args);
    const o = typeof args[0] === 'object' && args[0] !== null ? args[0] : {};
    const event = { kind: 'http', what: `${o.method ?? 'GET'} ${String(o.path ?? '').split('?')[0]}`, start: now() };
    events.push(event);
    req.on('response', (res) => res.on('end', () => (event.end = now())));
    return req;
  };
  const probe = await fs.promises.open(process.execPath, 'r');
  const FileHandle = Object.getPrototypeOf(probe);
  await probe.close();
  for (const method of ['sync', 'datasync', 'write', 'writeFile']) {
    const original = FileHandle[method];
    FileHandle[method] = async function traced(...args) {
      const event = { kind: method, start: now() };
      events.push(event);
      try {
        return await original.apply(this, args);
      } finally {
        event.end = now();
      }
    };
  }
  process.on('exit', () => fs.writeFileSync(`${dir}/${process.pid}.json`, JSON.stringify({ events })));
}

function report(events) {
  events.sort((a, b) => a.start - b.start);
  const isChange = (e) => e.kind === 'http' && e.what.startsWith('POST') && e.what.endsWith('/rrset');
  const ms = (x) => x.toFixed(1).padStart(6);
  process.stdout.write('  local before  change   gap   INSYNC+read-back  (ms; local = from the first write or fsync after the previous response)\n');
  for (const change of events.filter(isChange)) {
    const before = events.filter((e) => e.end !== undefined && e.end <= change.start);
    const lastResponse = before.filter((e) => e.kind === 'http').at(-1);
    const local = before.filter((e) => e.kind !== 'http' && (!lastResponse || e.start >= lastResponse.end));
    const next = events.filter((e) => e.kind === 'http' && e.start > change.start && e.start < change.end + 50).slice(0, 2);
    if (change.end === undefined || next.length === 0) continue;
    const waitEnd = Math.max(...next.map((e) => e.end ?? Number.NaN));
    process.stdout.write(`  ${ms(local.length ? change.start - local[0].start : 0)}  ${ms(change.end - change.start)}  ${ms(next[0].start - change.end)}  ${ms(waitEnd - next[0].start)}\n`);
  }
}
