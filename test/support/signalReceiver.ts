import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver treats one request: acknowledge, answer an error, drop the connection, or never answer. */
export type Behaviour = 'ok' | 'fail500' | 'reset' | 'hang';

export interface ReceivedSignal {
  body: string;
  signature: string;
  id: string;
  customer: string;
  type: string;
  /** `n` of the id `<customer>:signal:<n>`. */
  n: number;
  behaviour: Behaviour;
}

export interface SignalReceiver {
  url: string;
  /** Every request, in the order they arrived, with what the receiver did with it. */
  received: ReceivedSignal[];
  acknowledged(): ReceivedSignal[];
  /** Decides the behaviour for each request (by its 0-based arrival number and the signal it carries). */
  behave(choose: (index: number, signal: ReceivedSignal) => Behaviour): void;
  close(): Promise<void>;
}

function parse(body: string): { id: string; customer: string; type: string; n: number } {
  const parsed = JSON.parse(body) as { id: string; customer: string; type: string };
  return { ...parsed, n: Number(parsed.id.split(':').at(-1)) };
}

/** A local app endpoint for signals that can fail, time out and answer 500 on demand. */
export async function startSignalReceiver(port = 0): Promise<SignalReceiver> {
  const received: ReceivedSignal[] = [];
  let choose: (index: number, signal: ReceivedSignal) => Behaviour = () => 'ok';
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const signal: ReceivedSignal = { body, signature: String(req.headers['x-credits-signature'] ?? ''), ...parse(body), behaviour: 'ok' };
      signal.behaviour = choose(received.length, signal);
      received.push(signal);
      if (signal.behaviour === 'ok') res.writeHead(204).end();
      else if (signal.behaviour === 'fail500') res.writeHead(500).end('boom');
      else if (signal.behaviour === 'reset') req.socket.destroy();
      // 'hang': never answered; the sender's timeout ends it.
    });
  };
  const server = createServer(handle);
  await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/signals`,
    received,
    acknowledged: () => received.filter((r) => r.behaviour === 'ok'),
    behave: (next) => {
      choose = next;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Waits until `check` holds (polling every 25 ms), or fails after `ms` with what it last saw. */
export async function eventually<T>(check: () => Promise<T> | T, ms = 20_000, ok: (value: T) => boolean = Boolean): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
