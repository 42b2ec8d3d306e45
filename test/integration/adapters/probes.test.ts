import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCommandPort, TIMEOUT_EXIT_CODE } from '../../../src/adapters/command.js';
import { HttpProbe } from '../../../src/adapters/http-probe.js';
import { fakeRunner } from '../../_helpers/fake-process.js';

describe('ProcessCommandPort', () => {
  it('returns the exit code and output of a real command, without a shell', async () => {
    const port = new ProcessCommandPort();
    expect(await port.run(['sh', '-c', 'echo ok; echo warn >&2; exit 3'], { timeoutMs: 5000 })).toEqual({ exitCode: 3, output: 'ok\nwarn' });
    expect(await port.run(['echo', '$(rm -rf /)'], { timeoutMs: 5000 })).toEqual({ exitCode: 0, output: '$(rm -rf /)' });
  });

  it('reports a timeout as exit code 124', async () => {
    const result = await new ProcessCommandPort().run(['sleep', '5'], { timeoutMs: 100 });
    expect(result.exitCode).toBe(TIMEOUT_EXIT_CODE);
    expect(result.output).toMatch(/timed out after 100ms/);
  });

  it('rejects when the program cannot start', async () => {
    await expect(new ProcessCommandPort().run(['curvectl-no-such-binary'], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'ENVIRONMENT' });
  });

  it('passes argv and reject:false to the runner', async () => {
    const run = fakeRunner(() => ({ exitCode: 1, stdout: 'x\n' }));
    await new ProcessCommandPort(run).run(['kubectl', 'wait', '--for=condition=Ready'], { timeoutMs: 60_000 });
    expect(run.calls[0]).toMatchObject({ file: 'kubectl', args: ['wait', '--for=condition=Ready'], options: { reject: false, timeoutMs: 60_000 } });
  });
});

describe('HttpProbe', () => {
  let server: http.Server;
  let base: string;
  const seenHosts: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seenHosts.push(req.headers.host ?? '');
      if (req.url === '/slow') return; // never answers
      res.statusCode = req.url === '/fail' ? 503 : 200;
      res.end('body');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('returns the status and sends the Host header', async () => {
    const probe = new HttpProbe();
    expect(await probe.probe(`${base}/ok`, { timeoutMs: 2000, host: 'api.example.test' })).toEqual({ status: 200 });
    expect(seenHosts.at(-1)).toBe('api.example.test');
    expect(await probe.probe(`${base}/fail`, { timeoutMs: 2000 })).toEqual({ status: 503 });
  });

  it('rejects on timeout, abort and connection errors', async () => {
    const probe = new HttpProbe();
    await expect(probe.probe(`${base}/slow`, { timeoutMs: 100 })).rejects.toThrow(/did not answer within 100ms/);
    const controller = new AbortController();
    // Aborted once the server has the request (it is in flight), not after a guessed delay.
    const inFlight = (req: http.IncomingMessage) => {
      if (req.url === '/slow') controller.abort();
    };
    server.on('request', inFlight);
    try {
      await expect(probe.probe(`${base}/slow`, { timeoutMs: 60_000, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      server.off('request', inFlight);
    }
    await expect(probe.probe('http://127.0.0.1:1/', { timeoutMs: 2000 })).rejects.toThrow(/failed/);
    await expect(probe.probe('not a url', { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'BAD_CONFIG' });
  });
});

// systemClock: its sleeps and aborts are the Clock contract's (test/_helpers/contracts/clock.ts), run in the unit tier.
