// Preloaded into `curvectl status` by the bench (node --import): where the time goes. Writes one
// JSON line to fd 3 at exit: ms since the process started at which curvectl's code began
// (this preload), each HTTP request (start, end, what), and each subprocess; the bench turns them
// into module loading, per-call and Terraform figures. Changes nothing the program does.
import http from 'node:http';
import childProcess from 'node:child_process';
import { writeSync } from 'node:fs';

const events = { preload: performance.now(), requests: [], spawns: [] };
const request = http.request;
http.request = function patched(...args) {
  const req = request.apply(this, args);
  const o = typeof args[0] === 'object' && args[0] !== null ? args[0] : {};
  const what = `${o.method ?? 'GET'} ${o.headers?.['x-amz-target'] ?? String(o.path ?? '').split('?')[0]}`;
  const entry = { what, start: performance.now(), end: undefined };
  events.requests.push(entry);
  req.on('response', (res) => res.on('end', () => (entry.end = performance.now())));
  return req;
};
const spawn = childProcess.spawn;
childProcess.spawn = function patched(...args) {
  const entry = { what: `${args[0]} ${(Array.isArray(args[1]) ? args[1] : []).join(' ')}`, start: performance.now(), end: undefined };
  events.spawns.push(entry);
  const child = spawn.apply(this, args);
  child.on('exit', () => (entry.end = performance.now()));
  return child;
};
process.on('exit', () => {
  events.exit = performance.now();
  try {
    writeSync(3, `${JSON.stringify(events)}\n`);
  } catch {
    // not run by the bench
  }
});
