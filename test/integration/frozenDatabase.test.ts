import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { checkLedger } from '../../src/app/checkLedger';
import { freePort } from '../../src/peers/freePort';
import { startSecantus } from '../../src/peers/secantus';
import type { RunningMongo } from '../../src/peers/secantus';
import { deliver, invoicePaid, stripeId } from '../fixtures/stripe';
import { asApp, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/**
 * The database stops answering (paused with SIGSTOP, or killed and brought back on the same address):
 * every request still answers within 5 s, /readyz within 2 s, nothing is half-applied, and the service
 * resumes by itself. A database of its own, so the rest of the suite is not paused with it.
 */
jest.setTimeout(90_000);

let dir: string;
let port: number;
let mongo: RunningMongo;
let h: Harness;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credits-frozen-'));
  port = await freePort();
  mongo = await startSecantus({ storagePath: dir, port });
  h = await startHarness({ uri: `${mongo.uri}/frozen` });
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
});

afterEach(async () => {
  await h.close().catch(() => undefined);
  await mongo.stop();
  await rm(dir, { recursive: true, force: true });
});

const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await work();
  return { ms: performance.now() - t0, result };
}

async function whileDown(customer: string) {
  // Minted while the database answered; the page is opened while it does not.
  const page = billingPages.get(customer) ?? '';
  const [debit, balance, webhook, ready, billing] = await Promise.all([
    timed(() => request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 10, idempotencyKey: 'during' })),
    timed(() => request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp)),
    timed(() => deliver(h.app, invoicePaid({ customer: stripeId('cus'), subscription: stripeId('sub'), ...MARCH }))),
    timed(() => request(h.app).get('/readyz')),
    timed(() => request(h.app).get(page)),
  ]);
  return { debit, balance, webhook, ready, billing };
}

function expectAnsweredInTime(down: Awaited<ReturnType<typeof whileDown>>): void {
  expect({
    debit: [down.debit.result.status, down.debit.result.body.error?.type, down.debit.ms < 5000],
    balance: [down.balance.result.status, down.balance.result.body.error?.type, down.balance.ms < 5000],
    webhook: [down.webhook.result.status, down.webhook.ms < 5000],
    ready: [down.ready.result.status, down.ready.ms < 2000],
    billing: [down.billing.result.status, String(down.billing.result.headers['content-type']).split(';')[0], down.billing.ms < 5000],
  }).toEqual({
    debit: [503, 'unavailable', true],
    balance: [503, 'unavailable', true],
    webhook: [500, true],
    ready: [503, true],
    billing: [503, 'text/html', true],
  });
}

async function untilServed(customer: string): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const res = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 10, idempotencyKey: 'during' });
    if (res.status === 200 || res.status === 201) return performance.now() - t0;
    if (performance.now() - t0 > 30_000) throw new Error(`not served again: ${res.status} ${res.text}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function expectWhole(customer: string): Promise<void> {
  const ledger = await request(h.app).get(`/v1/customers/${customer}/ledger`).set(asApp).expect(200);
  expect(ledger.body.entries.map((e: { type: string; amount: number }) => [e.type, e.amount])).toEqual([
    ['debit', -10],
    ['grant', 5000],
  ]);
  const breaches = [];
  for await (const check of checkLedger({ accounts: h.stores.accounts })) breaches.push(...check.breaches);
  expect(breaches).toEqual([]);
}

const billingPages = new Map<string, string>();

async function subscriber(): Promise<string> {
  const customer = stripeId('cus');
  expect((await deliver(h.app, invoicePaid({ customer, subscription: stripeId('sub'), ...MARCH }))).status).toBe(200);
  const minted = await request(h.app).post(`/v1/customers/${customer}/billing-sessions`).set(asApp).send({}).expect(201);
  billingPages.set(customer, new URL(minted.body.url).pathname);
  return customer;
}

describe('when the database stops answering', () => {
  it('paused: every request answers within 5 s, /readyz 503 within 2 s, and service resumes by itself with nothing half-applied', async () => {
    const customer = await subscriber();
    mongo.signal('SIGSTOP');
    let down;
    try {
      down = await whileDown(customer);
    } finally {
      mongo.signal('SIGCONT');
    }
    expectAnsweredInTime(down);
    await untilServed(customer);
    await request(h.app).get('/readyz').expect(200);
    await expectWhole(customer);
  });

  it('killed and brought back on the same address: the same', async () => {
    const customer = await subscriber();
    // Killed right after it acknowledged the grant: writes are journaled before they are acknowledged
    // (src/store/connection.ts), so the grant survives.
    mongo.signal('SIGKILL');
    await mongo.stop();
    const down = await whileDown(customer);
    mongo = await startSecantus({ storagePath: dir, port });
    expectAnsweredInTime(down);
    await untilServed(customer);
    await request(h.app).get('/readyz').expect(200);
    await expectWhole(customer);
  });
});
