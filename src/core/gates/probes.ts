/** http and command gates. */
import { parseDuration } from '../duration.js';
import type { Gate, GateEnv, GateTarget, GateVerdict } from './types.js';
import { lastLine, oneLine } from './text.js';

export async function checkHttp(gate: Gate<'http'>, _target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const http = env.ports.http;
  if (!http) return { outcome: 'error', reason: 'no HTTP prober is available to this command' };
  const timeoutMs = parseDuration(gate.timeout, 'http gate timeout');
  const { status } = await http.probe(gate.url, {
    timeoutMs,
    ...(gate.host !== undefined ? { host: gate.host } : {}),
    ...(env.signal ? { signal: env.signal } : {}),
  });
  const what = oneLine(`GET ${gate.url}${gate.host !== undefined ? ` (Host: ${gate.host})` : ''}`, 160);
  if (status === gate.expectStatus) return { outcome: 'pass', reason: `${what} answered ${status}` };
  return { outcome: 'fail', reason: `${what} answered ${status}, expected ${gate.expectStatus}` };
}

export async function checkCommand(gate: Gate<'command'>, _target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const command = env.ports.command;
  if (!command) return { outcome: 'error', reason: 'no command runner is available to this command' };
  const timeoutMs = parseDuration(gate.timeout, 'command gate timeout');
  const { exitCode, output } = await command.run(gate.argv, { timeoutMs, ...(env.signal ? { signal: env.signal } : {}) });
  const what = oneLine(gate.argv.join(' '), 120);
  if (exitCode === 0) return { outcome: 'pass', reason: `${what} exited 0` };
  const tail = lastLine(output);
  return { outcome: 'fail', reason: oneLine(`${what} exited ${exitCode}${tail ? `: ${tail}` : ''}`) };
}
