/** http and command gates. */
import type { Gate } from './spec.js';
import type { GateEnv, GateTarget, GateVerdict } from './types.js';
import { lastLine, oneLine } from './text.js';
import { definedOnly } from '../defined-only.js';

export async function checkHttp(gate: Gate<'http'>, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const http = env.ports.http;
  if (!http) return { outcome: 'error', reason: 'no HTTP prober is available to this command' };
  const url = gate.url.render(env.placeholders);
  const host = gate.host?.render(env.placeholders);
  const { status } = await http.probe(url, definedOnly({ timeoutMs: gate.timeoutMs, host, signal: env.signal }));
  const what = oneLine(`GET ${url}${host !== undefined ? ` (Host: ${host})` : ''}`, 160);
  if (status === gate.expectStatus) return { outcome: 'pass', reason: `${what} answered ${status}` };
  return { outcome: 'fail', reason: `${what} answered ${status}, expected ${gate.expectStatus}` };
}

export async function checkCommand(gate: Gate<'command'>, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const command = env.ports.command;
  if (!command) return { outcome: 'error', reason: 'no command runner is available to this command' };
  const argv = gate.argv.map((arg) => arg.render(env.placeholders));
  const { exitCode, output } = await command.run(argv, definedOnly({ timeoutMs: gate.timeoutMs, signal: env.signal }));
  const what = oneLine(argv.join(' '), 120);
  if (exitCode === 0) return { outcome: 'pass', reason: `${what} exited 0` };
  const tail = lastLine(output);
  return { outcome: 'fail', reason: oneLine(`${what} exited ${exitCode}${tail ? `: ${tail}` : ''}`) };
}
