import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonlHost } from '../../../src/io/jsonl-host.js';
import type { IoHost } from '../../../src/core/io-host.js';
import { registerSecret } from '../../../src/core/redact.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, lines: () => text.split('\n').filter((l) => l.length > 0) };
}

/** A question-answering host that records what it was asked (the terminal host's role). */
function prompts(overrides: Partial<IoHost> = {}): IoHost & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    interactive: false,
    assumeYes: true,
    notify: () => undefined,
    show: () => undefined,
    startProgress: () => ({ update: () => undefined, succeed: () => undefined, fail: () => undefined, stop: () => undefined }),
    confirm: async (r) => (asked.push(r.code), true),
    choose: async (r) => (asked.push(r.code), r.default),
    confirmByTyping: async (r) => (asked.push(r.code), true),
    ...overrides,
  };
}

const at = new Date('2026-12-01T10:00:00.000Z');

describe('JsonlHost', () => {
  it('writes every event as one JSON object per line, in order, with its type and time', async () => {
    const out = capture();
    const p = prompts();
    const host = new JsonlHost({ stdout: out.stream, prompts: p, now: () => at });
    host.notify({ level: 'info', code: 'shift.held', text: 'Held at step 1/2.', data: { index: 1 } });
    host.show({ type: 'plan', title: 'Shift', steps: [{ a: 100, b: 0 }, { a: 50, b: 50 }] });
    const progress = host.startProgress('Step 1/2: applying');
    progress.update('waiting');
    progress.succeed('Step 1/2 applied');
    progress.update('after the end: dropped');
    expect(await host.choose({ code: 'shift.step.next', message: '?', choices: [{ value: 'continue', label: 'c' }], default: 'continue' })).toBe('continue');
    host.emit({ type: 'result', exitCode: 0, result: { result: 'completed' } });

    const records = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.type)).toEqual(['message', 'view', 'progress', 'progress', 'progress', 'answer', 'result']);
    expect(records.every((r) => r.at === at.toISOString())).toBe(true);
    expect(records[0]).toMatchObject({ level: 'info', code: 'shift.held', text: 'Held at step 1/2.', data: { index: 1 } });
    expect(records[1]).toMatchObject({ view: { type: 'plan', steps: [{ a: 100, b: 0 }, { a: 50, b: 50 }] } });
    expect(records.slice(2, 5).map((r) => r.state)).toEqual(['start', 'update', 'succeed']);
    expect(new Set(records.slice(2, 5).map((r) => r.id)).size).toBe(1);
    expect(records[5]).toMatchObject({ code: 'shift.step.next', answer: 'continue' });
    expect(p.asked).toEqual(['shift.step.next']);
    expect(records.at(-1)).toMatchObject({ type: 'result', exitCode: 0, result: { result: 'completed' } });
  });

  it('takes interactive and --yes from the host that asks, and passes its refusal on', async () => {
    const refusing = prompts({
      assumeYes: false,
      confirm: async () => {
        throw new Error('no terminal');
      },
    });
    const out = capture();
    const host = new JsonlHost({ stdout: out.stream, prompts: refusing });
    expect(host.assumeYes).toBe(false);
    expect(host.interactive).toBe(false);
    await expect(host.confirm({ code: 'x', message: '?', default: true })).rejects.toThrow('no terminal');
    expect(out.lines()).toEqual([]);
  });

  it('redacts credentials, given secrets and registered webhook URLs from every line', () => {
    const out = capture();
    const url = 'http://127.0.0.1:9/hooks/T000/B000/abcdefghijkl';
    registerSecret(url);
    const host = new JsonlHost({ stdout: out.stream, prompts: prompts(), secrets: () => ['s3cr3t-value-xyz'] });
    host.notify({ level: 'warn', code: 'notify.failed', text: `POST ${url} failed; key AKIAABCDEFGHIJKLMNOP; s3cr3t-value-xyz` });
    const line = out.lines()[0] ?? '';
    expect(line).not.toContain('abcdefghijkl');
    expect(line).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(line).not.toContain('s3cr3t-value-xyz');
    expect(JSON.parse(line)).toMatchObject({ code: 'notify.failed' });
  });
});
