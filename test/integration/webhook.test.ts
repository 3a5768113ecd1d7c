import request from 'supertest';
import { OLD_WEBHOOK_SECRET, asApp, balanceOf, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import {
  chargeObject,
  deliver,
  deliverOk,
  invoicePaid,
  invoicePaymentSucceeded,
  legacyInvoiceObject,
  signedDelivery,
  event,
  stripeId,
  subscriptionEvent,
} from '../fixtures/stripe';
import type Stripe from 'stripe';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Everything the service has stored, to prove a refused delivery changed nothing. */
async function databaseSnapshot(): Promise<unknown> {
  const db = h.stores.connection;
  return {
    accounts: await db.collection('accounts').countDocuments(),
    ledger: await db.collection('ledger').countDocuments(),
    events: await db.collection('stripe_events').countDocuments(),
  };
}

function newCustomer(): { customer: string; subscription: string } {
  return { customer: stripeId('cus'), subscription: stripeId('sub') };
}

describe('POST /webhooks/stripe', () => {
  beforeEach(() => h.clock.set(new Date('2026-03-10T12:00:00Z')));

  it('when invoice.paid arrives 5 times concurrently plus its payment_succeeded, then the plan is granted exactly once', async () => {
    const { customer, subscription } = newCustomer();
    const invoice = { id: stripeId('in'), customer, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
    const paid = invoicePaid(invoice);
    const succeeded = invoicePaymentSucceeded(invoice);

    const statuses = await Promise.all([
      ...Array.from({ length: 5 }, () => deliverOk(h.app, paid)),
      deliverOk(h.app, succeeded),
    ]);

    expect(statuses.filter((s) => s === 'processed').length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((s) => s === 'processed' || s === 'duplicate')).toBe(true);
    expect(await balanceOf(h.app, customer)).toBe(5000);
    const ledger = await request(h.app).get(`/v1/customers/${customer}/ledger`).set(asApp).expect(200);
    expect(ledger.body.entries).toHaveLength(1);
    expect(ledger.body.entries[0]).toMatchObject({ type: 'grant', amount: 5000, balanceAfter: 5000 });
  });

  it('when the same event id comes again after it was applied, then it answers duplicate', async () => {
    const { customer, subscription } = newCustomer();
    const paid = invoicePaid({ customer, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' });
    expect(await deliverOk(h.app, paid)).toBe('processed');
    expect(await deliverOk(h.app, paid)).toBe('duplicate');
    expect(await balanceOf(h.app, customer)).toBe(5000);
  });

  describe('when the signature cannot be trusted, then it answers 400 and stores nothing', () => {
    const { customer, subscription } = newCustomer();
    const paid = invoicePaid({ customer, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' });
    const body = JSON.stringify(paid);

    it.each([
      ['no Stripe-Signature header', () => request(h.app).post('/webhooks/stripe').set('Content-Type', 'application/json').send(body)],
      ['a malformed signature', () => request(h.app).post('/webhooks/stripe').set('Stripe-Signature', 't=1,v1=abc').send(body)],
      ['a timestamp older than the tolerance', () => deliver(h.app, paid, { timestamp: Math.floor(Date.now() / 1000) - 301 })],
      ['a body signed with another secret', () => deliver(h.app, paid, { secret: 'whsec_someone_else' })],
      [
        'a body changed after signing',
        () => {
          const { signature } = signedDelivery(paid);
          const tampered = body.replace('"livemode":false', '"livemode":true');
          return request(h.app).post('/webhooks/stripe').set('Stripe-Signature', signature).send(tampered);
        },
      ],
    ])('%s', async (_name, send) => {
      const before = await databaseSnapshot();
      const res = await send();
      expect(res.status).toBe(400);
      expect(res.body.error.type).toBe('invalid_signature');
      expect(await databaseSnapshot()).toEqual(before);
    });
  });

  it('when the secret is being rotated, then events signed with either secret are accepted', async () => {
    const a = newCustomer();
    const b = newCustomer();
    const period = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
    expect(await deliverOk(h.app, invoicePaid({ ...a, ...period }))).toBe('processed');
    expect(await deliverOk(h.app, invoicePaid({ ...b, ...period }), { secret: OLD_WEBHOOK_SECRET })).toBe('processed');
    expect(await balanceOf(h.app, a.customer)).toBe(5000);
    expect(await balanceOf(h.app, b.customer)).toBe(5000);
  });

  it('when the price is not in the catalog, then the event is parked with its reason', async () => {
    const { customer, subscription } = newCustomer();
    const paid = invoicePaid({ customer, subscription, price: 'price_not_sold_here', periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' });
    expect(await deliverOk(h.app, paid)).toBe('parked');
    const stored = await h.stores.events.get(paid.id);
    expect(stored).toMatchObject({ status: 'parked', customer });
    expect(stored?.reason).toContain('price_not_sold_here');
    await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(404);
  });

  it('when the invoice has no customer, then the event is parked saying so', async () => {
    const { subscription } = newCustomer();
    const paid = invoicePaid({ customer: null, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' });
    expect(await deliverOk(h.app, paid)).toBe('parked');
    expect((await h.stores.events.get(paid.id))?.reason).toContain('no customer');
  });

  it('when an event type is not acted on, then it answers 200 ignored (Stripe must not retry it)', async () => {
    const created = event('charge.succeeded', chargeObject({ customer: stripeId('cus'), paymentIntent: stripeId('pi'), amount: 500 })) satisfies Stripe.ChargeSucceededEvent;
    const res = await deliver(h.app, created).expect(200);
    expect(res.body).toEqual({ received: true, status: 'ignored' });
  });

  it('when a renewal invoice arrives, then the period comes from its line, not invoice.period_*', async () => {
    const { customer, subscription } = newCustomer();
    await deliverOk(h.app, invoicePaid({ customer, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
    const res = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
    expect(res.body.buckets[0]).toMatchObject({ source: 'subscription', granted: 5000, expiresAt: '2026-04-01T00:00:00.000Z' });
    expect(res.body.subscription).toMatchObject({ id: subscription, plan: 'pro', price: 'price_pro_m', months: 1, termEnd: '2026-04-01T00:00:00.000Z' });
    expect(res.body.nextGrant).toEqual({ at: '2026-04-01T00:00:00.000Z', credits: 5000 });
  });

  it('when an invoice comes in the older API shape, then it is read the same', async () => {
    const { customer, subscription } = newCustomer();
    const legacy = event(
      'invoice.paid',
      legacyInvoiceObject({ customer, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }),
    ) satisfies Stripe.InvoicePaidEvent;
    expect(await deliverOk(h.app, legacy)).toBe('processed');
    expect(await balanceOf(h.app, customer)).toBe(5000);
  });

  it('when a trial starts with a paid $0 invoice, then trialCredits are granted instead', async () => {
    const { customer, subscription } = newCustomer();
    await deliverOk(h.app, invoicePaid({ customer, subscription, amount: 0, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-03-15T00:00:00Z' }));
    expect(await balanceOf(h.app, customer)).toBe(100);
  });

  it('when the invoice is not paid, then nothing is granted', async () => {
    const { customer, subscription } = newCustomer();
    const open = invoicePaid({ customer, subscription, status: 'open', periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' });
    expect(await deliverOk(h.app, open)).toBe('ignored');
  });

  it('when subscription events arrive, then the balance shows the newest state whatever the order', async () => {
    const { customer, subscription } = newCustomer();
    const period = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
    await deliverOk(h.app, invoicePaid({ customer, subscription, ...period }));
    const newer = subscriptionEvent('customer.subscription.updated', { id: subscription, customer, ...period, cancelAtPeriodEnd: true }, { created: '2026-03-05T00:00:00Z' });
    const older = subscriptionEvent('customer.subscription.created', { id: subscription, customer, ...period }, { created: '2026-03-01T00:00:00Z' });
    await deliverOk(h.app, newer);
    await deliverOk(h.app, older);
    const res = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
    expect(res.body.subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(res.body.nextGrant).toBeNull();
  });

  it('when the body is larger than 1 MiB, then it answers 413', async () => {
    const res = await request(h.app).post('/webhooks/stripe').set('Stripe-Signature', 't=1,v1=abc').set('Content-Type', 'application/json').send('x'.repeat(1024 * 1024 + 1));
    expect(res.status).toBe(413);
  });
});

describe('when MongoDB is unreachable', () => {
  it('then the webhook answers 500, and the redelivery after recovery applies the event exactly once', async () => {
    const broken = await startHarness();
    const { customer, subscription } = newCustomer();
    const paid = invoicePaid({ customer, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' });
    broken.clock.set(new Date('2026-03-10T12:00:00Z'));
    await broken.close();
    const failed = await deliver(broken.app, paid);
    expect(failed.status).toBe(500);
    expect(failed.body.error.type).toBe('unavailable');
    await request(broken.app).get('/readyz').expect(503);

    const recovered = await startHarness({ uri: broken.uri });
    recovered.clock.set(new Date('2026-03-10T12:00:00Z'));
    try {
      expect(await deliverOk(recovered.app, paid)).toBe('processed');
      expect(await deliverOk(recovered.app, paid)).toBe('duplicate');
      expect(await balanceOf(recovered.app, customer)).toBe(5000);
    } finally {
      await recovered.close();
    }
  });
});
