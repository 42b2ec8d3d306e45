// preload: log timing of http requests and process spawns
import http from 'node:http';
import cp from 'node:child_process';
const t0 = performance.timeOrigin;
const log = (m) => process.stderr.write(`[${performance.now().toFixed(0)}ms] ${m}\n`);
const origReq = http.request;
http.request = function (...a) {
  const req = origReq.apply(this, a);
  const start = performance.now();
  const o = a[0];
  const target = (typeof o === 'object' && o.headers && (o.headers['x-amz-target'] || o.path)) || '';
  req.on('response', (res) => res.on('end', () => log(`http ${String(target).slice(0,60)} ${ (performance.now()-start).toFixed(0)}ms (started ${start.toFixed(0)})`)));
  return req;
};
const origSpawn = cp.spawn;
cp.spawn = function (...a) { const s = performance.now(); const c = origSpawn.apply(this, a); c.on('exit', () => log(`spawn ${a[0]} ${(a[1]||[]).join(' ')} ${(performance.now()-s).toFixed(0)}ms`)); return c; };
process.on('exit', () => log('exit'));
log('preload');
