/**
 * A local webhook receiver for notification tests: records every request (path, body, when it
 * arrived, when its connection closed) and answers as told: ok (200), fail (500), gone (404) or hang (never).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceiverMode = 'ok' | 'fail' | 'gone' | 'hang';

export interface ReceivedRequest {
  readonly path: string;
  readonly body: unknown;
  readonly receivedAt: number;
  /** When the client gave up or the answer was sent (ms since epoch); undefined while open. */
  closedAt?: number;
  /** Resolves with closedAt when the connection closes. */
  readonly closed: Promise<number>;
}

export interface Receiver {
  readonly url: string;
  mode: ReceiverMode;
  readonly requests: ReceivedRequest[];
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(path: string, mode: ReceiverMode = 'ok'): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const open = new Set<http.ServerResponse>();
  const receiver: Receiver = {
    url: '',
    mode,
    requests,
    waitFor: (count) =>
      new Promise((resolve) => {
        if (requests.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    close: async () => {
      for (const res of open) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // recorded as text
      }
      let onClose!: (at: number) => void;
      const record: ReceivedRequest = { path: req.url ?? '', body, receivedAt: Date.now(), closed: new Promise<number>((resolve) => (onClose = resolve)) };
      requests.push(record);
      res.on('close', () => {
        record.closedAt = Date.now();
        onClose(record.closedAt);
      });
      for (const w of waiters.filter((x) => requests.length >= x.count)) w.resolve();
      if (receiver.mode === 'hang') {
        open.add(res);
        return;
      }
      res.writeHead(receiver.mode === 'ok' ? 200 : receiver.mode === 'gone' ? 404 : 500, { 'content-type': 'text/plain' });
      res.end(receiver.mode === 'ok' ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  (receiver as { url: string }).url = `http://127.0.0.1:${port}${path}`;
  return receiver;
}
