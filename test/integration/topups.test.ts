import request from 'supertest';
import type Stripe from 'stripe';
import { eventReplayerOf } from '../../src/cli/stripeTools';
import { asApp, balanceOf, startHarness, testCatalog } from '../support/harness';
import type { Harness } from '../support/harness';
import {
  chargeObject,
  checkoutSessionObject,
  deliver,
  deliverOk,
  disputeObject,
  event,
  invoicePaid,
  stripeId,
  topupMetadata,
} from '../fixtures/stripe';
import type { CheckoutSessionInput } from '../fixtures/stripe';

const NOW = '2026-03-10T12:00:00Z';
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.clock.set(new Date(NOW)));

interface Purchase {
  customer: string;
  session: string;
  paymentIntent: string;
}

function purchase(): Purchase {
  return { customer: stripeId('cus'), session: stripeId('cs_test'), paymentIntent: stripeId('pi') };
}

function sessionInput(p: Purchase, overrides: Partial<CheckoutSessionInput> = {}): CheckoutSessionInput {
  return { id: p.session, customer: p.customer, paymentIntent: p.paymentIntent, metadata: topupMetadata('price_topup_1k'), ...overrides };
}

const completed = (p: Purchase, overrides: Partial<CheckoutSessionInput> = {}, created = NOW): Stripe.CheckoutSessionCompletedEvent =>
  event('checkout.session.completed', checkoutSessionObject(sessionInput(p, overrides)), { created }) satisfies Stripe.CheckoutSessionCompletedEvent;

const asyncSucceeded = (p: Purchase): Stripe.CheckoutSessionAsyncPaymentSucceededEvent =>
  event('checkout.session.async_payment_succeeded', checkoutSessionObject(sessionInput(p)), { created: NOW }) satisfies Stripe.CheckoutSessionAsyncPaymentSucceededEvent;

const asyncFailed = (p: Purchase): Stripe.CheckoutSessionAsyncPaymentFailedEvent =>
  event('checkout.session.async_payment_failed', checkoutSessionObject(sessionInput(p, { paymentStatus: 'unpaid' })), { created: NOW }) satisfies Stripe.CheckoutSessionAsyncPaymentFailedEvent;

/** charge.refunded for the top-up's $20.00 charge, carrying Stripe's cumulative amount_refunded. */
const refunded = (p: Purchase, amountRefunded: number, charge = `ch_of_${p.paymentIntent}`): Stripe.ChargeRefundedEvent =>
  event('charge.refunded', chargeObject({ id: charge, customer: p.customer, paymentIntent: p.paymentIntent, amount: 2000, amountRefunded }), { created: NOW }) satisfies Stripe.ChargeRefundedEvent;

const disputeOpened = (p: Purchase, id: string): Stripe.ChargeDisputeCreatedEvent =>
  event('charge.dispute.created', disputeObject({ id, charge: `ch_of_${p.paymentIntent}`, paymentIntent: p.paymentIntent, amount: 2000 }), { created: NOW }) satisfies Stripe.ChargeDisputeCreatedEvent;

const disputeClosed = (p: Purchase, id: string, status: 'won' | 'lost'): Stripe.ChargeDisputeClosedEvent =>
  event('charge.dispute.closed', disputeObject({ id, charge: `ch_of_${p.paymentIntent}`, paymentIntent: p.paymentIntent, amount: 2000, status }), { created: NOW }) satisfies Stripe.ChargeDisputeClosedEvent;

async function ledgerOf(customer: string): Promise<[string, number][]> {
  const res = await request(h.app).get(`/v1/customers/${customer}/ledger`).set(asApp).expect(200);
  return res.body.entries.map((e: { type: string; amount: number }) => [e.type, e.amount]).reverse();
}

async function topupBucket(customer: string, session: string) {
  const { state } = await h.service.accounts.view(customer, h.clock.now());
  return state.buckets.find((b) => b.id === `topup:${session}`);
}

describe('top-ups', () => {
  it('when a paid session of ours completes, then catalog credits × quantity are granted, never the metadata credits', async () => {
    const p = purchase();
    const metadata = { ...topupMetadata('price_topup_1k', 3), credits: '999999' };
    expect(await deliverOk(h.app, completed(p, { metadata }))).toBe('processed');
    const res = await request(h.app).get(`/v1/customers/${p.customer}/balance`).set(asApp).expect(200);
    expect(res.body.balance).toBe(3000);
    expect(res.body.buckets).toEqual([
      { id: `topup:${p.session}`, source: 'topup', granted: 3000, remaining: 3000, grantedAt: new Date(NOW).toISOString(), expiresAt: null },
    ]);
  });

  it('when the completion arrives 4 times concurrently plus an async success, then the session is granted once', async () => {
    const p = purchase();
    const statuses = await Promise.all([...Array.from({ length: 4 }, () => deliverOk(h.app, completed(p))), deliverOk(h.app, asyncSucceeded(p))]);
    expect(statuses.every((s) => s === 'processed' || s === 'duplicate')).toBe(true);
    expect(await ledgerOf(p.customer)).toEqual([['grant', 1000]]);
  });

  it('when a delayed payment completes unpaid and then succeeds, then credits are granted on the success', async () => {
    const p = purchase();
    expect(await deliverOk(h.app, completed(p, { paymentStatus: 'unpaid' }))).toBe('ignored');
    await request(h.app).get(`/v1/customers/${p.customer}/balance`).set(asApp).expect(404);
    expect(await deliverOk(h.app, asyncSucceeded(p))).toBe('processed');
    expect(await balanceOf(h.app, p.customer)).toBe(1000);
  });

  it('when a delayed payment fails, then nothing is granted', async () => {
    const p = purchase();
    expect(await deliverOk(h.app, completed(p, { paymentStatus: 'unpaid' }))).toBe('ignored');
    expect(await deliverOk(h.app, asyncFailed(p))).toBe('ignored');
    await request(h.app).get(`/v1/customers/${p.customer}/balance`).set(asApp).expect(404);
  });

  it('when a subscription checkout completes, then it only links the app user', async () => {
    const p = purchase();
    const sub = completed(p, { mode: 'subscription', metadata: {}, clientReferenceId: `user_${p.customer}`, paymentIntent: null, subscription: stripeId('sub') });
    expect(await deliverOk(h.app, sub)).toBe('processed');
    const found = await request(h.app).get('/v1/customers').query({ externalId: `user_${p.customer}` }).set(asApp).expect(200);
    expect(found.body.customer).toBe(p.customer);
    expect(await balanceOf(h.app, p.customer)).toBe(0);
  });

  it('when a payment-link session has none of our metadata, then its line items are read from Stripe', async () => {
    // stripe-mock answers with its own fixture price, which this catalog does not sell.
    const p = purchase();
    const res = await deliver(h.app, completed(p, { metadata: {} })).expect(200);
    expect(res.body.status).toBe('ignored');
    await request(h.app).get(`/v1/customers/${p.customer}/balance`).set(asApp).expect(404);
  });

  it('when reading the line items fails, then the webhook answers 500 so Stripe retries, and nothing is applied', async () => {
    const offline = await startHarness({ env: { STRIPE_API_URL: 'http://127.0.0.1:9' } });
    try {
      offline.clock.set(new Date(NOW));
      const p = purchase();
      const res = await deliver(offline.app, completed(p, { metadata: {} }));
      expect(res.status).toBe(500);
      await request(offline.app).get(`/v1/customers/${p.customer}/balance`).set(asApp).expect(404);
    } finally {
      await offline.close();
    }
  });

  it('when the deployment has no Stripe key, then a payment-link session is parked (not a 500 Stripe would retry for days) and replay --parked applies it once a key is set', async () => {
    // stripe-mock's fixture line item (price_1PgafmB7WZ01zgkW02Hf9z6c × 1): sold here, so the replay grants.
    const catalog = { ...testCatalog, topups: [...testCatalog.topups, { price: 'price_1PgafmB7WZ01zgkW02Hf9z6c', credits: 700 }] };
    const keyless = await startHarness({ catalog, env: { STRIPE_SECRET_KEY: '' } });
    const keyed = await startHarness({ catalog, uri: keyless.uri });
    try {
      keyless.clock.set(new Date(NOW));
      keyed.clock.set(new Date(NOW));
      const p = purchase();
      const link = completed(p, { metadata: {} });
      const res = await deliver(keyless.app, link).expect(200);
      expect(res.body.status).toBe('parked');
      const stored = await keyless.stores.events.get(link.id);
      expect(stored?.reason).toContain('needs STRIPE_SECRET_KEY');
      expect(stored?.reason).toContain('replay --parked');
      await request(keyless.app).get(`/v1/customers/${p.customer}/balance`).set(asApp).expect(404);

      // What `replay --parked` runs, on a deployment that now has a key.
      const replayer = eventReplayerOf(
        { config: { stripeSecretKey: 'sk_test_harness' }, service: keyed.service, stores: keyed.stores, clock: keyed.clock },
        { async *since() { yield* []; }, retrieve: async () => null },
      );
      const replayed = [];
      for await (const result of replayer.parked()) replayed.push(result);
      expect(replayed).toEqual([expect.objectContaining({ id: link.id, status: 'processed' })]);
      expect(await balanceOf(keyed.app, p.customer)).toBe(700);
    } finally {
      await keyed.close();
      await keyless.close();
    }
  });

  it('when topupExpiry is cycle, then the top-up disappears at the slot boundary while a never top-up stays', async () => {
    const cycle = await startHarness({ catalog: { ...testCatalog, topupExpiry: 'cycle' } });
    try {
      const subscription = stripeId('sub');
      const c = purchase();
      const n = purchase();
      for (const [harness, p] of [[cycle, c], [h, n]] as const) {
        harness.clock.set(new Date(NOW));
        await deliverOk(harness.app, invoicePaid({ customer: p.customer, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
        await deliverOk(harness.app, completed(p));
      }
      const before = await request(cycle.app).get(`/v1/customers/${c.customer}/balance`).set(asApp).expect(200);
      expect(before.body.buckets.find((b: { source: string }) => b.source === 'topup')?.expiresAt).toBe('2026-04-01T00:00:00.000Z');
      expect(before.body.balance).toBe(6000);

      cycle.clock.set(new Date('2026-03-31T23:59:59.999Z'));
      expect(await balanceOf(cycle.app, c.customer)).toBe(6000);
      cycle.clock.set(new Date('2026-04-01T00:00:00Z'));
      h.clock.set(new Date('2026-04-01T00:00:00Z'));
      expect(await balanceOf(cycle.app, c.customer)).toBe(0);
      expect(await balanceOf(h.app, n.customer)).toBe(1000);
    } finally {
      await cycle.close();
    }
  });
});

describe('refunds of top-ups', () => {
  it('when a partial refund then a full one arrive (each twice), then 250 and then the other 750 are revoked', async () => {
    const p = purchase();
    await deliverOk(h.app, completed(p));
    await deliverOk(h.app, refunded(p, 500));
    await deliverOk(h.app, refunded(p, 500));
    expect(await balanceOf(h.app, p.customer)).toBe(750);
    await deliverOk(h.app, refunded(p, 2000));
    await deliverOk(h.app, refunded(p, 2000));
    expect(await ledgerOf(p.customer)).toEqual([['grant', 1000], ['revoke', -250], ['revoke', -750]]);
    expect(await balanceOf(h.app, p.customer)).toBe(0);
  });

  it('when the refund arrives before checkout.session.completed, then it is applied when the top-up is granted', async () => {
    const p = purchase();
    expect(await deliverOk(h.app, refunded(p, 1000))).toBe('processed');
    expect(await balanceOf(h.app, p.customer)).toBe(0);
    await deliverOk(h.app, completed(p));
    expect(await ledgerOf(p.customer)).toEqual([['grant', 1000], ['revoke', -500]]);
    expect(await balanceOf(h.app, p.customer)).toBe(500);
  });

  it('when refund and completion arrive concurrently and repeatedly, then the totals are those of any order', async () => {
    const p = purchase();
    await Promise.all([deliverOk(h.app, refunded(p, 1000)), deliverOk(h.app, completed(p)), deliverOk(h.app, refunded(p, 1000)), deliverOk(h.app, completed(p))]);
    expect(await balanceOf(h.app, p.customer)).toBe(500);
    expect((await ledgerOf(p.customer)).filter(([type]) => type === 'revoke')).toEqual([['revoke', -500]]);
  });

  it('when most credits were spent, then the refund takes the balance to zero, not below, and records the shortfall', async () => {
    const p = purchase();
    await deliverOk(h.app, completed(p));
    await request(h.app).post(`/v1/customers/${p.customer}/debits`).set(asApp).send({ amount: 900, idempotencyKey: 'spend-900' }).expect(201);
    await deliverOk(h.app, refunded(p, 2000));
    expect(await balanceOf(h.app, p.customer)).toBe(0);
    expect(await topupBucket(p.customer, p.session)).toMatchObject({ remaining: 0, revoked: 100, shortfall: 900 });
  });

  it('when a subscription invoice is refunded, then the refund is recorded and no credit is revoked', async () => {
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    await deliverOk(h.app, invoicePaid({ customer, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
    const pi = stripeId('pi');
    await deliverOk(h.app, event('charge.refunded', chargeObject({ id: 'ch_sub', customer, paymentIntent: pi, amount: 1000, amountRefunded: 1000 }), { created: NOW }) satisfies Stripe.ChargeRefundedEvent);
    expect(await balanceOf(h.app, customer)).toBe(5000);
    const { state } = await h.service.accounts.view(customer, h.clock.now());
    expect(state.payments).toEqual([{ paymentIntent: pi, charges: [{ id: 'ch_sub', amount: 1000, amountRefunded: 1000, invoice: null }], disputes: [] }]);
  });
});

describe('disputes of top-ups', () => {
  it('when a dispute is opened and then won, then the remaining credits are revoked and exactly those restored', async () => {
    const p = purchase();
    await deliverOk(h.app, completed(p));
    await request(h.app).post(`/v1/customers/${p.customer}/debits`).set(asApp).send({ amount: 300, idempotencyKey: 'spend-300' }).expect(201);
    expect(await deliverOk(h.app, disputeOpened(p, 'dp_won'))).toBe('processed');
    expect(await balanceOf(h.app, p.customer)).toBe(0);
    expect(await topupBucket(p.customer, p.session)).toMatchObject({ revoked: 700, shortfall: 300 });
    await deliverOk(h.app, disputeClosed(p, 'dp_won', 'won'));
    await deliverOk(h.app, disputeClosed(p, 'dp_won', 'won'));
    expect(await balanceOf(h.app, p.customer)).toBe(700);
    expect(await ledgerOf(p.customer)).toEqual([['grant', 1000], ['debit', -300], ['revoke', -700], ['restore', 700]]);
  });

  it('when a dispute is lost, then nothing more happens', async () => {
    const p = purchase();
    await deliverOk(h.app, completed(p));
    await deliverOk(h.app, disputeOpened(p, 'dp_lost'));
    await deliverOk(h.app, disputeClosed(p, 'dp_lost', 'lost'));
    expect(await ledgerOf(p.customer)).toEqual([['grant', 1000], ['revoke', -1000]]);
  });

  it('when a dispute names a payment no account holds and Stripe knows no customer for it, then it is parked', async () => {
    // stripe-mock's charge has no customer: the lookup went to Stripe (a dead API would have answered 500).
    const p = purchase();
    const opened = disputeOpened(p, stripeId('dp'));
    expect(await deliverOk(h.app, opened)).toBe('parked');
    expect((await h.stores.events.get(opened.id))?.reason).toContain('no known customer');
    await request(h.app).get(`/v1/customers/${p.customer}/balance`).set(asApp).expect(404);
  });

  it('when the deployment has no Stripe key and no account holds the disputed payment, then the dispute is parked instead of a 500', async () => {
    const keyless = await startHarness({ env: { STRIPE_SECRET_KEY: '', STRIPE_API_URL: 'http://127.0.0.1:9' } });
    try {
      keyless.clock.set(new Date(NOW));
      const opened = disputeOpened(purchase(), stripeId('dp'));

      expect(await deliverOk(keyless.app, opened)).toBe('parked');
      expect((await keyless.stores.events.get(opened.id))?.reason).toContain('no known customer');
    } finally {
      await keyless.close();
    }
  });
});
