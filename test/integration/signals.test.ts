import request from 'supertest';
import type { AdminContext } from '../../src/cli/command';
import { runAdmin } from '../../src/cli/runAdmin';
import { parseEnv } from '../../src/config';
import { verifySignal } from '../../client/src';
import type { Signal } from '../../client/src';
import { deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';
import { serveWithClient } from '../support/appClient';
import { crashAfterWrite } from '../support/collectionHooks';
import { asAdmin, asApp, startHarness, testCatalog, WEBHOOK_SECRET } from '../support/harness';
import type { Harness } from '../support/harness';
import { sampleOf, scrape } from '../support/metricsText';
import { loadOpenApi, schemaValidator } from '../support/openapi';
import { eventually, startSignalReceiver } from '../support/signalReceiver';
import type { Behaviour, ReceivedSignal, SignalReceiver } from '../support/signalReceiver';

/**
 * Signals (SPEC §10) to a real local receiver that fails, times out and answers 500: every signal arrives,
 * acknowledged once by id, in order per customer, signed with every secret being rotated.
 */

const SECRETS = ['sig_secret_new', 'sig_secret_old'];
const FAST = { retry: { baseDelayMs: 5, maxDelayMs: 40, giveUpAfterMs: 60_000 }, timeoutMs: 300, pollMs: 20 };
const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
const validSignal = schemaValidator(loadOpenApi())({ $ref: '#/components/schemas/Signal' });

let receiver: SignalReceiver;
const harnesses: Harness[] = [];

async function signalling(options: { uri?: string; delivery?: typeof FAST } = {}): Promise<Harness> {
  const h = await startHarness({
    ...(options.uri ? { uri: options.uri } : {}),
    env: { APP_WEBHOOK_URL: receiver.url, APP_WEBHOOK_SECRET: SECRETS.join(',') },
    signalDelivery: options.delivery ?? FAST,
  });
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
  harnesses.push(h);
  return h;
}

beforeEach(async () => {
  receiver = await startSignalReceiver();
});
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await receiver.close();
});

/** Three customers whose changes cause every type of signal; the types each must receive, in order. */
async function produceSignals(h: Harness, via: Harness = h): Promise<Map<string, string[]>> {
  const served = await serveWithClient(via.app);
  const credits = served.client;
  const x = stripeId('cus');
  const y = stripeId('cus');
  const z = stripeId('cus');
  try {
    await deliverOk(h.app, invoicePaid({ customer: x, subscription: stripeId('sub'), ...MARCH }));
    await credits.debit(x, { amount: 4600, idempotencyKey: 'big-render' });
    // The same debit retried: its effect exists, so it signals nothing again.
    await credits.debit(x, { amount: 4600, idempotencyKey: 'big-render' });
    await credits.debit(x, { amount: 400, idempotencyKey: 'last-render' });

    await request(via.app).post(`/v1/admin/customers/${y}/adjustments`).set(asAdmin).send({ amount: 100, reason: 'goodwill', idempotencyKey: 'g' }).expect(201);
    const { hold } = await credits.hold(y, { amount: 100, idempotencyKey: 'job' });
    await credits.release(y, hold.id);

    await deliverOk(h.app, invoicePaid({ customer: z, subscription: stripeId('sub'), ...MARCH }));
    for (const instance of new Set([h, via])) instance.clock.set(new Date('2026-04-01T00:00:01Z'));
    await request(via.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
  } finally {
    await served.close();
  }
  return new Map([
    [x, ['subscription.changed', 'credits.granted', 'credits.low', 'credits.exhausted']],
    [y, ['credits.granted', 'credits.exhausted']],
    [z, ['subscription.changed', 'credits.granted', 'credits.expired', 'credits.low', 'credits.exhausted']],
  ]);
}

function byCustomer(signals: ReceivedSignal[]): Map<string, ReceivedSignal[]> {
  const map = new Map<string, ReceivedSignal[]>();
  for (const s of signals) map.set(s.customer, [...(map.get(s.customer) ?? []), s]);
  return map;
}

function expectDeliveredOnceInOrder(expected: Map<string, string[]>): void {
  const acked = receiver.acknowledged();
  expect(new Set(acked.map((s) => s.id)).size).toBe(acked.length);
  const acknowledged = byCustomer(acked);
  for (const [customer, types] of expected) {
    expect({ customer, types: (acknowledged.get(customer) ?? []).map((s) => s.type) }).toEqual({ customer, types });
    expect((acknowledged.get(customer) ?? []).map((s) => s.n)).toEqual(types.map((_, i) => i + 1));
    // Every attempt, failed ones included: never a later signal of a customer before an earlier one is acknowledged.
    const attempts = (byCustomer(receiver.received).get(customer) ?? []).map((s) => s.n);
    expect(attempts).toEqual([...attempts].sort((p, q) => p - q));
  }
}

const total = (expected: Map<string, string[]>): number => [...expected.values()].reduce((sum, types) => sum + types.length, 0);

describe('signals to the app', () => {
  it('when the receiver drops connections, hangs and answers 500 again and again, then every signal is acknowledged exactly once, in order per customer', async () => {
    const script: Behaviour[] = ['reset', 'hang', 'fail500', 'fail500', 'fail500', 'ok', 'fail500', 'reset', 'ok', 'hang'];
    receiver.behave((i) => script[i] ?? (i % 4 === 0 ? 'fail500' : 'ok'));
    const h = await signalling();
    h.service.signals?.start();
    const expected = await produceSignals(h);

    await eventually(() => receiver.acknowledged().length, 30_000, (n) => n >= total(expected));
    await h.service.signals?.stop();
    expectDeliveredOnceInOrder(expected);
    expect(receiver.received.length).toBeGreaterThan(total(expected) + 5);

    for (const s of receiver.acknowledged()) {
      const parsed: Signal = verifySignal(s.body, s.signature, SECRETS[1] ?? '');
      expect(parsed.id).toBe(s.id);
      expect(verifySignal(s.body, s.signature, SECRETS).customer).toBe(s.customer);
      if (!validSignal(JSON.parse(s.body))) throw new Error(`${s.body} does not match openapi.yaml: ${JSON.stringify(validSignal.errors)}`);
    }
    const x = [...expected.keys()][0] ?? '';
    const low = receiver.acknowledged().find((s) => s.customer === x && s.type === 'credits.low');
    expect(JSON.parse(low?.body ?? '{}').data).toEqual({ threshold: 500, balance: 400, available: 400, held: 0 });

    const metrics = await scrape(h.app);
    expect(sampleOf(metrics, 'credits_signals_delivered_total', { type: 'credits.granted' })).toBe(3);
    expect(sampleOf(metrics, 'credits_signals_retried_total', { type: 'subscription.changed' })).toBeGreaterThan(0);
  });

  it('when two instances record and deliver signals from one database, then each is still acknowledged once and in order', async () => {
    receiver.behave((i) => (i % 3 === 1 ? 'fail500' : 'ok'));
    const one = await signalling();
    const two = await signalling({ uri: one.uri });
    one.service.signals?.start();
    two.service.signals?.start();
    const expected = await produceSignals(one, two);
    await eventually(() => receiver.acknowledged().length, 30_000, (n) => n >= total(expected));
    await Promise.all([one.service.signals?.stop(), two.service.signals?.stop()]);
    expectDeliveredOnceInOrder(expected);
  });

  it('when the receiver fails for longer than signals are retried, then the signal is dead, listed by signals --failed, and delivered once retried', async () => {
    receiver.behave(() => 'fail500');
    const h = await signalling({ delivery: { ...FAST, retry: { ...FAST.retry, giveUpAfterMs: 150 } } });
    const customer = stripeId('cus');
    await request(h.app).post(`/v1/admin/customers/${customer}/adjustments`).set(asAdmin).send({ amount: 100, reason: 'goodwill', idempotencyKey: 'g' }).expect(201);
    h.service.signals?.start();
    const id = `${customer}:signal:1`;
    await eventually(() => h.stores.signals.failed(10), 10_000, (failed) => failed.some((s) => s.id === id && s.status === 'dead'));
    await h.service.signals?.stop();
    expect(sampleOf(await scrape(h.app), 'credits_signals_dead_total', { type: 'credits.granted' })).toBe(1);

    const listed = await admin(h, 'signals', '--failed', '--json');
    expect(listed.code).toBe(1);
    expect(JSON.parse(listed.stdout).signals).toEqual([expect.objectContaining({ id, type: 'credits.granted', status: 'dead', lastError: 'answered 500' })]);

    receiver.behave(() => 'ok');
    expect((await admin(h, 'signals', 'retry', '--id', id)).code).toBe(0);
    expect((await admin(h, 'signals', 'retry', '--id', 'cus_nobody:signal:9')).code).toBe(2);
    await h.service.signals?.runOnce();
    expect(receiver.acknowledged().map((s) => s.id)).toEqual([id]);
    expect((await admin(h, 'signals', '--failed')).stdout).toBe('No failed signals.\n');
  });

  it('when no APP_WEBHOOK_URL is set, then nothing is recorded for nobody to receive', async () => {
    const h = await startHarness();
    harnesses.push(h);
    h.clock.set(new Date('2026-03-10T12:00:00Z'));
    const customer = stripeId('cus');
    await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), ...MARCH }));
    await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 5000, idempotencyKey: 'all' }).expect(201);
    expect(h.service.signals).toBeNull();
    const doc = await h.stores.connection.db!.collection('accounts').findOne({ _id: customer as never });
    expect(doc?.signalOutbox ?? []).toEqual([]);
  });
});

async function admin(h: Harness, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (t: string) => ((out.stdout += t), true) },
    stderr: { write: (t: string) => ((out.stderr += t), true), isTTY: false },
  };
  const context: AdminContext = {
    config: parseEnv({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, MONGODB_URI: h.uri }),
    catalog: testCatalog,
    stores: h.stores,
    service: h.service,
    clock: h.clock,
  };
  const code = await runAdmin(argv, { io, clock: h.clock, open: async () => context });
  return { code, ...out };
}

describe('a crash right after any single write on a signal\'s way, then the retry', () => {
  type Plan = { armed: boolean; crashAt: number | null; writes: string[] };
  const customer = 'cus_signalcrash';

  /** A debit that makes the balance low (a credits.low signal), then dispatch rounds; after a crash, the retry and more rounds. */
  async function run(crashAt: number | null): Promise<{ writes: string[]; acknowledged: string[] }> {
    const plan: Plan = { armed: false, crashAt, writes: [] };
    const h = await startHarness({
      env: { APP_WEBHOOK_URL: receiver.url, APP_WEBHOOK_SECRET: SECRETS.join(',') },
      signalDelivery: { ...FAST, leaseMs: 30 },
      wrapCollection: crashAfterWrite(plan),
    });
    harnesses.push(h);
    h.clock.set(new Date('2026-03-10T12:00:00Z'));
    await deliverOk(h.app, invoicePaid({ customer, subscription: 'sub_signalcrash', ...MARCH }, { id: 'evt_signalcrash' }));
    await h.service.signals?.runOnce();
    const before = receiver.acknowledged().length;
    plan.armed = true;
    const debit = () => request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 4600, idempotencyKey: 'big' });
    const first = await debit();
    await h.service.signals?.runOnce().catch(() => undefined);
    plan.armed = false;
    if (crashAt !== null) {
      // The retries the app and the dispatcher make: the same debit again, and rounds until nothing is left.
      expect((await debit()).status).toBeLessThan(300);
      await new Promise((r) => setTimeout(r, 40));
      await h.service.signals?.runOnce();
    } else expect(first.status).toBe(201);
    await h.close();
    harnesses.splice(harnesses.indexOf(h), 1);
    return { writes: plan.writes, acknowledged: receiver.acknowledged().slice(before).map((s) => `${s.type} ${s.n}`) };
  }

  it('when each write of the change, the copy, the lease and the outcome is followed by a crash, then the signal still arrives with its one id', async () => {
    const clean = await run(null);
    expect(clean.acknowledged).toEqual(['credits.low 3']);
    expect(clean.writes).toEqual(['accounts.updateOne', 'signals.insertMany', 'accounts.updateOne ($pull)', 'signals.updateOne', 'signals.updateOne']);
    for (let crashAt = 1; crashAt <= clean.writes.length; crashAt++) {
      const crashed = await run(crashAt);
      // At least once: a crash after the receiver answered but before the outcome was written sends it again, same id.
      expect({ crashAt, acknowledged: [...new Set(crashed.acknowledged)] }).toEqual({ crashAt, acknowledged: clean.acknowledged });
    }
  });
});
