/**
 * The HTTP floor: the least an HTTP service on the same driver connection and database could do for a
 * balance read and a webhook, served by a bare `node:http` server in the service's own process (so it shares
 * the event loop's and the driver's costs). The service's balance reads and webhooks are measured against it
 * as well as against the driver floor (bench/floor.ts): what the service spends beyond it is the service's own.
 *
 * - `GET /v1/customers/:customer/balance`: one `findOne` of the service's own account document and
 *   `JSON.stringify` of its customer, balance and buckets. No key check, no settling.
 * - `POST /webhooks/stripe`: the body read whole, the Stripe-Signature HMAC checked (timestamp within 300 s,
 *   constant-time compare), `JSON.parse`, then the three raw writes of the driver floor's ingest (event insert,
 *   account upsert, ledger insert) on collections of its own.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import type { Floor } from './floor';

export interface HttpFloor {
  base: string;
  close(): Promise<void>;
}

const BALANCE = /^\/v1\/customers\/([^/]+)\/balance$/;
const TOLERANCE_SECONDS = 300;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

/** Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
function signatureHolds(header: string | undefined, body: Buffer, secret: string): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const v1 = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '');
  if (!t || Math.abs(Math.floor(Date.now() / 1000) - Number(t)) > TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex'));
  return v1.some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startHttpFloor(input: { connection: Connection; secret: string; floor: Floor }): Promise<HttpFloor> {
  const db = input.connection.db;
  if (!db) throw new Error('not connected');
  const accounts = db.collection<{ _id: string; balance: number; buckets: unknown[] }>('accounts');

  const balance = async (customer: string, res: ServerResponse): Promise<void> => {
    const doc = await accounts.findOne({ _id: customer });
    if (!doc) return send(res, 404, '{"error":{"type":"customer_not_found"}}');
    send(res, 200, JSON.stringify({ customer: doc._id, balance: doc.balance, buckets: doc.buckets }));
  };

  const webhook = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const signature = req.headers['stripe-signature'];
    if (!signatureHolds(typeof signature === 'string' ? signature : undefined, body, input.secret)) return send(res, 400, '{"error":{"type":"invalid_signature"}}');
    const event: { id: string; data: { object: { customer: string } } } = JSON.parse(body.toString('utf8'));
    await input.floor.ingest(event.data.object.customer, event.id, body.toString('utf8'));
    send(res, 200, '{"received":true,"status":"processed"}');
  };

  const server = createServer((req, res) => {
    const match = req.method === 'GET' ? BALANCE.exec(req.url ?? '') : null;
    const work = match?.[1] ? balance(decodeURIComponent(match[1]), res) : req.method === 'POST' && req.url === '/webhooks/stripe' ? webhook(req, res) : Promise.resolve(send(res, 404, '{}'));
    work.catch((error: unknown) => send(res, 500, JSON.stringify({ error: String(error) })));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
