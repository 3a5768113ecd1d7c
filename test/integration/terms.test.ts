import request from 'supertest';
import { asAdmin, asApp, balanceOf, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { deliverOk, invoicePaid, stripeId, subscriptionEvent } from '../fixtures/stripe';

type Entry = { type: string; amount: number; balanceAfter: number; at: string; bucket: string | null };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function ledgerOf(app: Harness['app'], customer: string): Promise<Entry[]> {
  const res = await request(app).get(`/v1/customers/${customer}/ledger`).query({ limit: 200 }).set(asApp).expect(200);
  return [...res.body.entries].reverse();
}

async function spend(customer: string, amount: number, key: string): Promise<void> {
  await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount, idempotencyKey: key }).expect(201);
}

async function runDue(app: Harness['app']): Promise<{ granted: number; expired: number }> {
  const res = await request(app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
  return res.body;
}

const at = (iso: string): Date => new Date(iso);
const ms = (iso: string, delta: number): Date => new Date(new Date(iso).getTime() + delta);

describe('an annual plan paid on Jan 31, walked boundary by boundary for 13 months', () => {
  // Anchor-clamped month starts: the day is always counted from the 31st.
  const starts = [
    '2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30',
    '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-30', '2026-12-31', '2027-01-31',
  ].map((d) => `${d}T00:00:00.000Z`);

  it('then each month holds exactly monthlyCredits minus what was spent, the rest expires at the boundary, and month 13 comes only from the renewal', async () => {
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    h.clock.set(at('2026-01-31T00:00:00.000Z'));
    await deliverOk(h.app, invoicePaid({ customer, subscription, price: 'price_pro_y', periodStart: starts[0] ?? '', periodEnd: starts[12] ?? '' }));

    const forfeited: number[] = [];
    for (let month = 0; month < 12; month++) {
      const start = starts[month] ?? '';
      const end = starts[month + 1] ?? '';
      h.clock.set(at(start));
      // The sweep runs only in odd months: availability must not depend on it.
      if (month % 2 === 1) await runDue(h.app);
      expect(await balanceOf(h.app, customer)).toBe(5000);

      const spent = 100 * (month + 1);
      h.clock.set(ms(start, 3_600_000));
      await spend(customer, spent, `m${month}`);
      h.clock.set(ms(end, -1));
      expect(await balanceOf(h.app, customer)).toBe(5000 - spent);
      forfeited.push(5000 - spent);

      const balance = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
      expect(balance.body.subscription).toMatchObject({ plan: 'pro', price: 'price_pro_y', months: 12, termStart: starts[0], termEnd: starts[12] });
      expect(balance.body.nextGrant).toEqual({ at: end, credits: 5000 });
    }

    // The term has ended and no renewal was paid: nothing is granted for month 13.
    h.clock.set(at(starts[12] ?? ''));
    await runDue(h.app);
    expect(await balanceOf(h.app, customer)).toBe(0);

    const ledger = await ledgerOf(h.app, customer);
    const expiries = ledger.filter((e) => e.type === 'expire');
    expect(expiries.map((e) => -e.amount)).toEqual(forfeited);
    expect(expiries.map((e) => e.at)).toEqual(starts.slice(1));
    expect(ledger.filter((e) => e.type === 'grant').map((e) => e.at)).toEqual(starts.slice(0, 12));
    expect(ledger.at(-1)?.balanceAfter).toBe(0);

    // The renewal invoice starts the next term: month 13 is its slot 0.
    await deliverOk(
      h.app,
      invoicePaid({ customer, subscription, price: 'price_pro_y', billingReason: 'subscription_cycle', periodStart: starts[12] ?? '', periodEnd: '2028-01-31T00:00:00.000Z' }),
    );
    expect(await balanceOf(h.app, customer)).toBe(5000);
  });
});

describe('a quarterly plan', () => {
  it('when canceled at period end, then its slots run to the term end and no renewal is announced', async () => {
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    const period = { periodStart: '2026-11-30T00:00:00.000Z', periodEnd: '2027-02-28T00:00:00.000Z' };
    h.clock.set(at('2026-11-30T00:00:00.000Z'));
    await deliverOk(h.app, invoicePaid({ customer, subscription, price: 'price_pro_q', ...period }));
    h.clock.set(at('2026-12-05T00:00:00.000Z'));
    await deliverOk(
      h.app,
      subscriptionEvent('customer.subscription.updated', { id: subscription, customer, price: 'price_pro_q', months: 3, ...period, cancelAtPeriodEnd: true }, { created: '2026-12-05T00:00:00Z' }),
    );
    const dec = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
    expect(dec.body.subscription.cancelAtPeriodEnd).toBe(true);
    expect(dec.body.nextGrant).toEqual({ at: '2026-12-30T00:00:00.000Z', credits: 5000 });

    h.clock.set(at('2027-01-30T00:00:00.000Z'));
    expect(await balanceOf(h.app, customer)).toBe(5000);
    const last = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
    expect(last.body.nextGrant).toBeNull();

    h.clock.set(at('2027-02-28T00:00:00.000Z'));
    await deliverOk(
      h.app,
      subscriptionEvent('customer.subscription.deleted', { id: subscription, customer, price: 'price_pro_q', months: 3, ...period, status: 'canceled', endedAt: period.periodEnd }, { created: period.periodEnd }),
    );
    expect(await balanceOf(h.app, customer)).toBe(0);
    const grants = (await ledgerOf(h.app, customer)).filter((e) => e.type === 'grant');
    expect(grants.map((e) => e.at)).toEqual(['2026-11-30T00:00:00.000Z', '2026-12-30T00:00:00.000Z', '2027-01-30T00:00:00.000Z']);
  });

  it('when deleted mid-term, then the current slot keeps its credits until its end and no later slot is issued', async () => {
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    const period = { periodStart: '2026-03-01T00:00:00.000Z', periodEnd: '2026-06-01T00:00:00.000Z' };
    h.clock.set(at('2026-03-01T00:00:00.000Z'));
    await deliverOk(h.app, invoicePaid({ customer, subscription, price: 'price_pro_q', ...period }));
    h.clock.set(at('2026-04-15T00:00:00.000Z'));
    await spend(customer, 1000, 'april');
    await deliverOk(
      h.app,
      subscriptionEvent('customer.subscription.deleted', { id: subscription, customer, price: 'price_pro_q', months: 3, ...period, status: 'canceled', endedAt: '2026-04-15T00:00:00Z' }, { created: '2026-04-15T00:00:00Z' }),
    );
    const after = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
    expect(after.body).toMatchObject({ balance: 4000, nextGrant: null, subscription: { status: 'canceled' } });

    h.clock.set(ms('2026-05-01T00:00:00.000Z', -1));
    expect(await balanceOf(h.app, customer)).toBe(4000);
    h.clock.set(at('2026-05-01T00:00:00.000Z'));
    await runDue(h.app);
    expect(await balanceOf(h.app, customer)).toBe(0);
    h.clock.set(at('2026-05-20T00:00:00.000Z'));
    expect(await balanceOf(h.app, customer)).toBe(0);
  });

  it('when paused, then no slot starts while paused, and slots resume after', async () => {
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    const period = { periodStart: '2026-03-01T00:00:00.000Z', periodEnd: '2026-06-01T00:00:00.000Z' };
    const sub = { id: subscription, customer, price: 'price_pro_q', months: 3, ...period };
    h.clock.set(at('2026-03-01T00:00:00.000Z'));
    await deliverOk(h.app, invoicePaid({ customer, subscription, price: 'price_pro_q', ...period }));
    h.clock.set(at('2026-03-20T00:00:00.000Z'));
    await deliverOk(h.app, subscriptionEvent('customer.subscription.updated', { ...sub, status: 'paused' }, { created: '2026-03-20T00:00:00Z' }));
    h.clock.set(at('2026-04-10T00:00:00.000Z'));
    expect(await balanceOf(h.app, customer)).toBe(0);
    await deliverOk(h.app, subscriptionEvent('customer.subscription.updated', { ...sub, status: 'active' }, { created: '2026-04-10T00:00:00Z' }));
    h.clock.set(at('2026-05-01T00:00:00.000Z'));
    expect(await balanceOf(h.app, customer)).toBe(5000);
    const grants = (await ledgerOf(h.app, customer)).filter((e) => e.type === 'grant');
    expect(grants.map((e) => e.at)).toEqual(['2026-03-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z']);
  });

  it('when the renewal is paid late, then only the slots that have not ended are granted', async () => {
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    h.clock.set(at('2026-05-10T00:00:00.000Z'));
    await deliverOk(
      h.app,
      invoicePaid({ customer, subscription, price: 'price_pro_q', billingReason: 'subscription_cycle', periodStart: '2026-03-01T00:00:00.000Z', periodEnd: '2026-06-01T00:00:00.000Z', paidAt: '2026-05-10T00:00:00Z' }),
    );
    const ledger = await ledgerOf(h.app, customer);
    expect(ledger.map((e) => [e.type, e.amount, e.at])).toEqual([['grant', 5000, '2026-05-10T00:00:00.000Z']]);
    const balance = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
    expect(balance.body.buckets).toEqual([expect.objectContaining({ granted: 5000, expiresAt: '2026-06-01T00:00:00.000Z' })]);
  });
});

describe('the sweep', () => {
  it('when three sweeps race on one boundary on two instances, then every slot is granted once', async () => {
    const one = await startHarness();
    const other = await startHarness({ uri: one.uri });
    try {
      const customers = Array.from({ length: 15 }, () => stripeId('cus'));
      one.clock.set(at('2026-01-15T00:00:00.000Z'));
      for (const customer of customers) {
        await deliverOk(one.app, invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_pro_y', periodStart: '2026-01-15T00:00:00.000Z', periodEnd: '2027-01-15T00:00:00.000Z' }));
      }
      one.clock.set(at('2026-02-15T00:00:00.000Z'));
      other.clock.set(at('2026-02-15T00:00:00.000Z'));
      const results = await Promise.all([runDue(one.app), runDue(other.app), runDue(other.app), one.service.runDue(at('2026-02-15T00:00:00.000Z'))]);
      expect(results.reduce((sum, r) => sum + r.granted, 0)).toBe(15);
      expect(results.reduce((sum, r) => sum + r.expired, 0)).toBe(15);
      for (const customer of customers) {
        const ledger = await ledgerOf(one.app, customer);
        expect(ledger.map((e) => e.type)).toEqual(['grant', 'expire', 'grant']);
        expect(await balanceOf(other.app, customer)).toBe(5000);
      }
    } finally {
      await other.close();
      await one.close();
    }
  });

  it('when the service was down across three boundaries, then on start every missed slot is granted and expired at its own instant', async () => {
    const customer = stripeId('cus');
    const before = await startHarness();
    before.clock.set(at('2026-01-31T00:00:00.000Z'));
    await deliverOk(before.app, invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_pro_y', periodStart: '2026-01-31T00:00:00.000Z', periodEnd: '2027-01-31T00:00:00.000Z' }));
    await request(before.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 700, idempotencyKey: 'before-outage' }).expect(201);
    await before.close();

    // A new instance comes up on May 15; its start-up sweep is what the scheduler runs first.
    const restarted = await startHarness({ uri: before.uri });
    try {
      restarted.clock.set(at('2026-05-15T00:00:00.000Z'));
      const swept = await restarted.service.runDue(at('2026-05-15T00:00:00.000Z'));
      expect(swept).toMatchObject({ granted: 3, expired: 3 });

      const ledger = await ledgerOf(restarted.app, customer);
      expect(ledger.map((e) => [e.type, e.amount, e.at])).toEqual([
        ['grant', 5000, '2026-01-31T00:00:00.000Z'],
        ['debit', -700, '2026-01-31T00:00:00.000Z'],
        ['expire', -4300, '2026-02-28T00:00:00.000Z'],
        ['grant', 5000, '2026-02-28T00:00:00.000Z'],
        ['expire', -5000, '2026-03-31T00:00:00.000Z'],
        ['grant', 5000, '2026-03-31T00:00:00.000Z'],
        ['expire', -5000, '2026-04-30T00:00:00.000Z'],
        ['grant', 5000, '2026-04-30T00:00:00.000Z'],
      ]);
      // Never more than one month's credits at once: no ended slot was ever spendable.
      expect(Math.max(...ledger.map((e) => e.balanceAfter))).toBe(5000);
      const debit = await request(restarted.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 10, idempotencyKey: 'after' }).expect(201);
      expect(debit.body.debit.allocations).toEqual([{ bucket: expect.stringContaining('2026-04-30T00:00:00.000Z'), amount: 10 }]);
    } finally {
      await restarted.close();
    }
  });

  it('when asked to run in the future, then it refuses and changes nothing', async () => {
    h.clock.set(at('2026-03-01T00:00:00.000Z'));
    const res = await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({ asOf: '2026-03-02T00:00:00Z' }).expect(400);
    expect(res.body.error.message).toContain('asOf');
  });
});

describe('the admin clock', () => {
  it('when TEST_CLOCK=1, then PUT sets the time every read and grant uses', async () => {
    await request(h.app).put('/v1/admin/clock').set(asAdmin).send({ now: '2026-07-04T10:00:00Z' }).expect(200);
    const res = await request(h.app).get('/v1/admin/clock').set(asAdmin).expect(200);
    expect(res.body.now).toBe('2026-07-04T10:00:00.000Z');
    await request(h.app).put('/v1/admin/clock').set(asAdmin).send({ now: 'yesterday' }).expect(400);
  });

  it('when TEST_CLOCK is off, then the clock routes answer 404', async () => {
    const off = await startHarness({ env: { TEST_CLOCK: '0' } });
    try {
      await request(off.app).get('/v1/admin/clock').set(asAdmin).expect(404);
      await request(off.app).put('/v1/admin/clock').set(asAdmin).send({ now: '2026-07-04T10:00:00Z' }).expect(404);
    } finally {
      await off.close();
    }
  });
});
