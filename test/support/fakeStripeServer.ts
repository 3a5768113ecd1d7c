import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the Stripe SDK sent it: form-encoded bodies and query strings both read as params. */
export interface RecordedRequest {
  method: string;
  path: string;
  params: URLSearchParams;
}

export interface FakeReply {
  status: number;
  body: unknown;
}

export interface FakeStripeServer {
  url: string;
  requests: RecordedRequest[];
  /** How the next requests are answered; by default 500 so an unexpected call is loud. */
  answer(reply: (request: RecordedRequest) => FakeReply): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/**
 * A local HTTP server standing in for Stripe where stripe-mock cannot help: it records what the SDK sent
 * (stripe-mock echoes few fields and never nested ones) and answers errors stripe-mock never gives.
 * It tells the SDK not to retry, so error paths answer at once.
 */
export async function startFakeStripeServer(): Promise<FakeStripeServer> {
  const requests: RecordedRequest[] = [];
  let reply: (request: RecordedRequest) => FakeReply = () => ({
    status: 500,
    body: { error: { type: 'api_error', message: 'the fake Stripe server was not told how to answer' } },
  });
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://fake.stripe');
      const params = new URLSearchParams(req.method === 'GET' ? url.search : body);
      const recorded = { method: req.method ?? 'GET', path: url.pathname, params };
      requests.push(recorded);
      const answer = reply(recorded);
      res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Stripe-Should-Retry': 'false', 'Request-Id': 'req_fake' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(next) {
      reply = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Stripe's error envelope, e.g. `stripeErrorBody('invalid_request_error', 'No such price', { param: 'customer' })`. */
export function stripeErrorBody(type: string, message: string, extra: { param?: string; code?: string } = {}): unknown {
  return { error: { type, message, ...extra } };
}
