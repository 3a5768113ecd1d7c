import request from 'supertest';
import { checkLedger } from '../../src/app/checkLedger';
import type { CreditsClient } from '../../client/src';
import { deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';
import { apiError, serveWithClient } from '../support/appClient';
import type { ServedApp } from '../support/appClient';
import { asAdmin, asApp, startHarness, testCatalog } from '../support/harness';
import type { Harness } from '../support/harness';

/** Holds (SPEC §9) through the typed client, as an app's backend uses them, on one or two instances. */

const catalog = { ...testCatalog, plans: [...testCatalog.plans, { id: 'small', monthlyCredits: 500, trialCredits: 0, prices: [{ price: 'price_small_m', months: 1 }] }] };
const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
const NOW = new Date('2026-03-10T12:00:00Z');

let a: Harness;
let b: Harness;
let servedA: ServedApp;
let servedB: ServedApp;
let credits: CreditsClient;
let other: CreditsClient;

beforeAll(async () => {
  a = await startHarness({ catalog });
  b = await startHarness({ catalog, uri: a.uri });
  [servedA, servedB] = await Promise.all([serveWithClient(a.app), serveWithClient(b.app)]);
  credits = servedA.client;
  other = servedB.client;
});
afterAll(async () => {
  await Promise.all([servedA.close(), servedB.close()]);
  await Promise.all([a.close(), b.close()]);
});
beforeEach(() => {
  for (const h of [a, b]) h.clock.set(NOW);
});

async function subscriber(price = 'price_pro_m'): Promise<string> {
  const customer = stripeId('cus');
  await deliverOk(a.app, invoicePaid({ customer, subscription: stripeId('sub'), price, ...MARCH }));
  return customer;
}

async function ledgerOf(customer: string) {
  const entries = [];
  let cursor: string | null = null;
  do {
    const page = await credits.ledger(customer, cursor ? { limit: 200, cursor } : { limit: 200 });
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

async function breaches(): Promise<unknown[]> {
  const found: unknown[] = [];
  for await (const check of checkLedger({ accounts: a.stores.accounts })) found.push(...check.breaches);
  return found;
}

describe('a job paid with a hold', () => {
  it('when a job holds 50, then captures 38, then 38 are spent and the other 12 are available again', async () => {
    const customer = await subscriber();
    const { hold, balance } = await credits.hold(customer, { amount: 50, idempotencyKey: 'render-7', metadata: { job: '7' } });
    expect(hold).toEqual({ id: expect.stringMatching(/^hold_/), amount: 50, expiresAt: '2026-03-10T12:15:00.000Z', status: 'held' });
    expect(balance).toBe(5000);
    expect(await credits.balance(customer)).toMatchObject({ balance: 5000, available: 4950, held: 50 });

    const captured = await credits.capture(customer, hold.id, { amount: 38 });
    expect(captured).toMatchObject({ hold: { id: hold.id, status: 'captured' }, debit: { amount: 38 }, balance: 4962 });
    expect(await credits.balance(customer)).toMatchObject({ balance: 4962, available: 4962, held: 0 });
    expect((await ledgerOf(customer)).slice(0, 2)).toEqual([
      expect.objectContaining({ type: 'debit', amount: -38, balanceAfter: 4962, ref: hold.id }),
      expect.objectContaining({ type: 'hold', amount: 0, balanceAfter: 5000, ref: hold.id }),
    ]);
  });

  it('when the same key is sent again, then the same hold answers (200) and a different request with it is refused (409)', async () => {
    const customer = await subscriber();
    const first = await request(a.app).post(`/v1/customers/${customer}/holds`).set(asApp).send({ amount: 20, idempotencyKey: 'k' }).expect(201);
    const again = await request(b.app).post(`/v1/customers/${customer}/holds`).set(asApp).send({ amount: 20, idempotencyKey: 'k' }).expect(200);
    expect(again.body).toEqual(first.body);
    expect((await apiError(credits.hold(customer, { amount: 21, idempotencyKey: 'k' }))).type).toBe('idempotency_key_reused');
    expect(await credits.balance(customer)).toMatchObject({ held: 20 });
  });

  it('when holds and debits race on two instances, then nothing is oversubscribed: what was granted covers every debit and every hold', async () => {
    const customer = await subscriber('price_small_m');
    const calls = Array.from({ length: 300 }, (_, i) => {
      const client = i % 2 === 0 ? credits : other;
      return i % 3 === 0
        ? client.hold(customer, { amount: 3, idempotencyKey: `h-${i}` }).then((r) => ({ kind: 'hold' as const, id: r.hold.id }))
        : client.debit(customer, { amount: 2, idempotencyKey: `d-${i}` }).then(() => ({ kind: 'debit' as const, id: '' }));
    });
    const settled = await Promise.allSettled(calls);
    const refused = settled.filter((s) => s.status === 'rejected').map((s) => (s.status === 'rejected' ? (s.reason as { type?: string }).type : ''));
    expect(new Set(refused)).toEqual(new Set(['insufficient_credits']));
    const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const holds = done.filter((d) => d.kind === 'hold');
    const debits = done.filter((d) => d.kind === 'debit');
    expect(3 * holds.length + 2 * debits.length).toBeLessThanOrEqual(500);
    // Demand (100 holds of 3, 200 debits of 2) is 700: the account ran out, to within one debit.
    expect(3 * holds.length + 2 * debits.length).toBeGreaterThanOrEqual(499);
    expect(await other.balance(customer)).toMatchObject({ balance: 500 - 2 * debits.length, held: 3 * holds.length });

    // Each hold is then captured for 1 on either instance: the two others of each return.
    await Promise.all(holds.map((h, i) => (i % 2 === 0 ? credits : other).capture(customer, h.id, { amount: 1 })));
    const after = await credits.balance(customer);
    expect(after).toMatchObject({ held: 0, balance: 500 - 2 * debits.length - holds.length, available: 500 - 2 * debits.length - holds.length });
    const ledger = await ledgerOf(customer);
    expect(ledger.reduce((sum, e) => sum + e.amount, 0)).toBe(after.balance);
    expect(await breaches()).toEqual([]);
  });
});

describe('capture, release and expiry each happen once', () => {
  it('when every hold is captured three times at once on two instances, then each is debited once and every answer is the first', async () => {
    const customer = await subscriber();
    const holds = await Promise.all(Array.from({ length: 10 }, (_, i) => credits.hold(customer, { amount: 10, idempotencyKey: `job-${i}` })));
    const answers = await Promise.all(
      holds.flatMap(({ hold }, i) => [credits.capture(customer, hold.id, { amount: i + 1 }), other.capture(customer, hold.id, { amount: i + 1 }), credits.capture(customer, hold.id, { amount: i + 1 })]),
    );
    for (let i = 0; i < holds.length; i++) {
      const three = answers.slice(3 * i, 3 * i + 3);
      expect(three[1]).toEqual(three[0]);
      expect(three[2]).toEqual(three[0]);
    }
    const ledger = await ledgerOf(customer);
    for (const { hold } of holds) expect(ledger.filter((e) => e.ref === hold.id && e.type === 'debit')).toHaveLength(1);
    expect(await credits.balance(customer)).toMatchObject({ balance: 5000 - 55, held: 0 });
  });

  it('when holds are released twice on two instances, or expire while the sweep runs on both, then each ends once', async () => {
    const customer = await subscriber();
    const released = await credits.hold(customer, { amount: 10, idempotencyKey: 'r' });
    const expiring = await Promise.all([1, 2, 3].map((i) => credits.hold(customer, { amount: 10, idempotencyKey: `e-${i}`, ttlSeconds: 60 })));
    const twice = await Promise.all([credits.release(customer, released.hold.id), other.release(customer, released.hold.id)]);
    expect(twice[1]).toEqual(twice[0]);
    expect(twice[0].hold.status).toBe('released');

    for (const h of [a, b]) h.clock.set(new Date('2026-03-10T12:01:00Z'));
    await Promise.all([
      request(a.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200),
      request(b.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200),
      ...expiring.map((e) => other.release(customer, e.hold.id)),
    ]);
    const ledger = await ledgerOf(customer);
    for (const { hold } of [released, ...expiring]) expect(ledger.filter((e) => e.ref === hold.id && e.type === 'release')).toHaveLength(1);
    for (const { hold } of expiring) expect((await apiError(credits.capture(customer, hold.id))).type).toBe('hold_expired');
    expect(await credits.balance(customer)).toMatchObject({ balance: 5000, available: 5000, held: 0 });
  });

  it('when a settled hold has left the account, then a capture or release retried later still answers its first outcome', async () => {
    const customer = await subscriber();
    const { hold } = await credits.hold(customer, { amount: 40, idempotencyKey: 'old-job' });
    const first = await credits.capture(customer, hold.id, { amount: 25 });
    await request(a.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
    expect((await a.stores.accounts.read(customer))?.state.holds).toEqual([]);

    expect(await other.capture(customer, hold.id, { amount: 25 })).toEqual(first);
    expect((await apiError(credits.release(customer, hold.id))).type).toBe('hold_captured');
    expect((await apiError(credits.capture(customer, 'hold_000000000000000000000000'))).type).toBe('hold_not_found');
  });
});

describe('expiry while no instance runs', () => {
  it('when the server is down past a hold\'s expiresAt, then the next read shows it released without writing, and the sweep records the release', async () => {
    const uri = a.uri;
    const first = await startHarness({ catalog, uri });
    first.clock.set(NOW);
    const customer = stripeId('cus');
    await deliverOk(first.app, invoicePaid({ customer, subscription: stripeId('sub'), ...MARCH }));
    const held = await request(first.app).post(`/v1/customers/${customer}/holds`).set(asApp).send({ amount: 70, idempotencyKey: 'night-job', ttlSeconds: 3600 }).expect(201);
    await first.close();

    const later = await startHarness({ catalog, uri });
    try {
      later.clock.set(new Date('2026-03-10T13:00:00Z'));
      const version = async () => (await later.stores.connection.db!.collection('accounts').findOne({ _id: customer as never }))?.version;
      const before = await version();
      const balance = await request(later.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
      expect(balance.body).toMatchObject({ balance: 5000, available: 5000, held: 0 });
      const capture = await request(later.app).post(`/v1/customers/${customer}/holds/${held.body.hold.id}/capture`).set(asApp).send({}).expect(409);
      expect(capture.body.error.type).toBe('hold_expired');
      expect(await version()).toBe(before);

      await request(later.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
      expect(await version()).toBe((before ?? 0) + 1);
      const ledger = await request(later.app).get(`/v1/customers/${customer}/ledger`).set(asApp).expect(200);
      expect(ledger.body.entries[0]).toMatchObject({ type: 'release', amount: 0, at: '2026-03-10T13:00:00.000Z', ref: held.body.hold.id });
    } finally {
      await later.close();
    }
  });
});
