import request from 'supertest';
import type Stripe from 'stripe';
import { checkLedger } from '../../src/app/checkLedger';
import { FLUSH_AT, SWEEP_FLUSH_AT } from '../../src/store/accountStore';
import { deliver, invoicePaid, stripeId } from '../fixtures/stripe';
import { crashAfterWrite } from '../support/collectionHooks';
import { asAdmin, asApp, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/**
 * A crash right after any single write of a debit, a webhook or a sweep step, then the retry a client,
 * Stripe or the scheduler would make, must leave exactly the ledger of a run without the crash. Each
 * scenario first runs clean to learn its writes; then, on a fresh database each time, crashes after
 * the 1st, 2nd, … write (the write lands, the caller gets an error) and retries.
 */

interface Scenario {
  name: string;
  customers: string[];
  /** Brings the database to the moment before the step, through the API. */
  setup(h: Harness): Promise<void>;
  /** The step; its HTTP status. */
  act(h: Harness): Promise<number>;
}

type Plan = { armed: boolean; crashAt: number | null; writes: string[] };

async function run(scenario: Scenario, crashAt: number | null) {
  const plan: Plan = { armed: false, crashAt, writes: [] };
  const h = await startHarness({ wrapCollection: crashAfterWrite(plan) });
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
  try {
    await scenario.setup(h);
    await h.stores.idle();
    plan.armed = true;
    const first = await scenario.act(h);
    // A copy of the outbox to the ledger runs after the answer: its writes belong to the step too.
    await h.stores.idle();
    plan.armed = false;
    if (crashAt !== null) {
      // A crash in a write the request waited for answers an error; one in the background copy after it does not.
      const crashed = plan.writes[crashAt - 1] ?? '';
      expect({ crashed, answered: first >= 500 || BACKGROUND_COPY.has(crashed) }).toEqual({ crashed, answered: true });
      // The retry Stripe, the app or the scheduler makes: the same request again.
      expect(await scenario.act(h)).toBeLessThan(300);
    }
    const ledgers = await Promise.all(scenario.customers.map((c) => ledgerOf(h, c)));
    const breaches = [];
    for await (const check of checkLedger({ accounts: h.stores.accounts })) breaches.push(...check.breaches);
    return { writes: plan.writes, ledgers, breaches };
  } finally {
    await h.close();
  }
}

/** The writes of copying an outbox to the ledger, which run after the answer of a debit, a webhook or a sweep. */
const BACKGROUND_COPY = new Set(['ledger.insertMany', 'accounts.updateOne ($pull)', 'accounts.bulkWrite ($pull)']);

async function ledgerOf(h: Harness, customer: string) {
  const balance = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
  const ledger = await request(h.app).get(`/v1/customers/${customer}/ledger?limit=200`).set(asApp).expect(200);
  return { balance: balance.body.balance, entries: ledger.body.entries };
}

const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };

/** Fixed ids and times, so that every run of a scenario (each on its own database) is the same story. */
function paid(customer: string, subscription: string, period = MARCH, reason: Stripe.Invoice.BillingReason = 'subscription_create'): Stripe.InvoicePaidEvent {
  const month = period.periodStart.slice(0, 7);
  return invoicePaid(
    { id: `in_${customer}_${month}`, customer, subscription, billingReason: reason, ...period },
    { id: `evt_${customer}_${month}`, created: month === '2026-03' ? '2026-03-10T12:00:00Z' : '2026-04-01T00:00:05Z' },
  );
}

async function spend(h: Harness, customer: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 1, idempotencyKey: `setup-${i}` }).expect(201);
  }
}

function scenarios(): Scenario[] {
  const a = stripeId('cus');
  const b = stripeId('cus');
  const c = stripeId('cus');
  const subA = stripeId('sub');
  const subB = stripeId('sub');
  const subC = stripeId('sub');
  const april = { periodStart: '2026-04-01T00:00:00Z', periodEnd: '2026-05-01T00:00:00Z' };
  return [
    {
      name: 'invoice.paid opening an account',
      customers: [a],
      setup: async () => undefined,
      act: async (h) => (await deliver(h.app, paid(a, subA))).status,
    },
    {
      name: 'invoice.paid renewing an account whose outbox it fills',
      customers: [a],
      setup: async (h) => {
        expect((await deliver(h.app, paid(a, subA))).status).toBe(200);
        await spend(h, a, FLUSH_AT - 2);
        h.clock.set(new Date('2026-04-01T00:00:05Z'));
      },
      act: async (h) => (await deliver(h.app, paid(a, subA, april, 'subscription_cycle'))).status,
    },
    {
      name: 'a debit with a new key that fills the outbox',
      customers: [a],
      setup: async (h) => {
        expect((await deliver(h.app, paid(a, subA))).status).toBe(200);
        await spend(h, a, FLUSH_AT - 2);
      },
      act: async (h) => (await request(h.app).post(`/v1/customers/${a}/debits`).set(asApp).send({ amount: 5, idempotencyKey: 'the-one' })).status,
    },
    {
      name: 'a hold with a new key that fills the outbox',
      customers: [a],
      setup: async (h) => {
        expect((await deliver(h.app, paid(a, subA))).status).toBe(200);
        await spend(h, a, FLUSH_AT - 2);
      },
      act: async (h) => (await request(h.app).post(`/v1/customers/${a}/holds`).set(asApp).send({ amount: 50, idempotencyKey: 'job-1' })).status,
    },
    {
      name: 'the capture of a hold that fills the outbox',
      customers: [a],
      setup: async (h) => {
        expect((await deliver(h.app, paid(a, subA))).status).toBe(200);
        await spend(h, a, FLUSH_AT - 3);
        await request(h.app).post(`/v1/customers/${a}/holds`).set(asApp).send({ amount: 50, idempotencyKey: 'job-1' }).expect(201);
      },
      act: async (h) => {
        const held = await request(h.app).post(`/v1/customers/${a}/holds`).set(asApp).send({ amount: 50, idempotencyKey: 'job-1' });
        return (await request(h.app).post(`/v1/customers/${a}/holds/${String(held.body.hold?.id)}/capture`).set(asApp).send({ amount: 38 })).status;
      },
    },
    {
      name: 'a sweep step that expires, archives a finished term and grants',
      customers: [a, b, c],
      setup: async (h) => {
        for (const [customer, sub] of [[a, subA], [b, subB], [c, subC]] as const) {
          expect((await deliver(h.app, paid(customer, sub))).status).toBe(200);
          h.clock.set(new Date('2026-04-01T00:00:05Z'));
          expect((await deliver(h.app, paid(customer, sub, april, 'subscription_cycle'))).status).toBe(200);
          h.clock.set(new Date('2026-03-10T12:00:00Z'));
        }
        await spend(h, b, 3);
        h.clock.set(new Date('2026-05-01T00:00:00Z'));
      },
      act: async (h) => (await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({})).status,
    },
    {
      name: 'a sweep step whose writes fill two outboxes',
      customers: [a, b],
      setup: async (h) => {
        // A grant and these debits, then the sweep's expiry: SWEEP_FLUSH_AT entries in each outbox.
        for (const [customer, sub] of [[a, subA], [b, subB]] as const) {
          expect((await deliver(h.app, paid(customer, sub))).status).toBe(200);
          await spend(h, customer, SWEEP_FLUSH_AT - 2);
        }
        h.clock.set(new Date('2026-04-01T00:00:05Z'));
      },
      act: async (h) => (await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({})).status,
    },
  ];
}

describe('a crash right after any single write, then the retry', () => {
  it.each(scenarios().map((s) => [s.name, s] as const))('%s: ends with the ledger of a run without the crash', async (_name, scenario) => {
    const clean = await run(scenario, null);
    expect(clean.breaches).toEqual([]);
    expect(clean.writes.length).toBeGreaterThan(0);
    for (let crashAt = 1; crashAt <= clean.writes.length; crashAt++) {
      const crashed = await run(scenario, crashAt);
      expect({ crashedAfter: clean.writes[crashAt - 1], ledgers: crashed.ledgers, breaches: crashed.breaches }).toEqual({
        crashedAfter: clean.writes[crashAt - 1],
        ledgers: clean.ledgers,
        breaches: [],
      });
    }
  });

  it('the scenarios cover every kind of write the store makes', async () => {
    const writes = new Set<string>();
    for (const scenario of scenarios()) for (const w of (await run(scenario, null)).writes) writes.add(w);
    expect([...writes].sort()).toEqual([
      'account_archive.bulkWrite',
      'accounts.bulkWrite',
      'accounts.bulkWrite ($pull)',
      'accounts.insertOne',
      'accounts.updateOne',
      'accounts.updateOne ($pull)',
      'events.insertOne',
      'events.updateOne',
      'ledger.insertMany',
    ].map((w) => w.replace('account_archive', 'archive')).sort());
  });
});
