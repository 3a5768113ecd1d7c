import request from 'supertest';
import type Stripe from 'stripe';
import { asAdmin, asApp, balanceOf, startHarness, testCatalog } from '../support/harness';
import type { Harness } from '../support/harness';
import { deliverOk, event, invoiceLine, invoicePaid, legacyInvoiceObject, stripeId, subscriptionEvent, subscriptionObject } from '../fixtures/stripe';

const TERM = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.clock.set(new Date('2026-03-10T12:00:00Z')));

function newSubscription(): { customer: string; subscription: string } {
  return { customer: stripeId('cus'), subscription: stripeId('sub') };
}

type Ids = ReturnType<typeof newSubscription>;

/** The invoice Stripe bills for a mid-cycle switch: credit the unused old plan, charge the rest of the new one. */
function prorationInvoice(ids: Ids, from: string, to: string, at: string, end = TERM.periodEnd) {
  return {
    ...ids,
    id: stripeId('in'),
    billingReason: 'subscription_update' as const,
    lines: [
      invoiceLine({ price: from, periodStart: at, periodEnd: end, amount: -300, proration: true, subscription: ids.subscription }),
      invoiceLine({ price: to, periodStart: at, periodEnd: end, amount: 1200, proration: true, subscription: ids.subscription }),
    ],
  };
}

function updated(ids: Ids, from: string, to: string, at: string, months = 1) {
  return subscriptionEvent(
    'customer.subscription.updated',
    { id: ids.subscription, customer: ids.customer, price: to, months, ...TERM },
    { created: at, previousAttributes: { items: subscriptionObject({ id: ids.subscription, customer: ids.customer, price: from, ...TERM }).items } },
  );
}

async function ledgerOf(app: Harness['app'], customer: string): Promise<[string, number][]> {
  const res = await request(app).get(`/v1/customers/${customer}/ledger`).set(asApp).expect(200);
  return res.body.entries.map((e: { type: string; amount: number }) => [e.type, e.amount]).reverse();
}

describe('upgrades paid on the proration invoice (upgradeCredits: on_payment)', () => {
  it.each([
    ['after', true],
    ['before', false],
  ])('when customer.subscription.updated comes %s its proration invoice, then the slot is raised once by the difference', async (_when, updateFirst) => {
    const ids = newSubscription();
    await deliverOk(h.app, invoicePaid({ ...ids, ...TERM }));
    const upgrade = updated(ids, 'price_pro_m', 'price_max_m', '2026-03-10T12:00:00Z');
    const paid = invoicePaid(prorationInvoice(ids, 'price_pro_m', 'price_max_m', '2026-03-10T12:00:00Z'));
    for (const evt of updateFirst ? [paid, upgrade] : [upgrade, paid]) await deliverOk(h.app, evt);
    await deliverOk(h.app, paid);
    expect(await ledgerOf(h.app, ids.customer)).toEqual([['grant', 5000], ['raise', 15000]]);
    const res = await request(h.app).get(`/v1/customers/${ids.customer}/balance`).set(asApp).expect(200);
    expect(res.body.buckets).toHaveLength(1);
    expect(res.body.buckets[0]).toMatchObject({ granted: 20000, remaining: 20000, expiresAt: '2026-04-01T00:00:00.000Z' });
  });

  it('when the proration invoice arrives concurrently and twice as paid and payment_succeeded, then it raises once', async () => {
    const ids = newSubscription();
    await deliverOk(h.app, invoicePaid({ ...ids, ...TERM }));
    const input = prorationInvoice(ids, 'price_pro_m', 'price_max_m', '2026-03-10T12:00:00Z');
    const paid = invoicePaid(input);
    const succeeded = event('invoice.payment_succeeded', paid.data.object) satisfies Stripe.InvoicePaymentSucceededEvent;
    await Promise.all([deliverOk(h.app, paid), deliverOk(h.app, paid), deliverOk(h.app, succeeded)]);
    expect(await balanceOf(h.app, ids.customer)).toBe(20000);
  });

  it('when the customer goes upgrade → downgrade → upgrade inside one slot, then the difference is granted once', async () => {
    const ids = newSubscription();
    await deliverOk(h.app, invoicePaid({ ...ids, ...TERM }));
    await deliverOk(h.app, updated(ids, 'price_pro_m', 'price_max_m', '2026-03-05T00:00:00Z'));
    await deliverOk(h.app, invoicePaid(prorationInvoice(ids, 'price_pro_m', 'price_max_m', '2026-03-05T00:00:00Z')));
    await deliverOk(h.app, updated(ids, 'price_max_m', 'price_pro_m', '2026-03-06T00:00:00Z'));
    await deliverOk(h.app, updated(ids, 'price_pro_m', 'price_max_m', '2026-03-07T00:00:00Z'));
    await deliverOk(h.app, invoicePaid(prorationInvoice(ids, 'price_pro_m', 'price_max_m', '2026-03-07T00:00:00Z')));
    expect(await ledgerOf(h.app, ids.customer)).toEqual([['grant', 5000], ['raise', 15000]]);
  });

  it('when a proration invoice comes in the older API shape, then it is read the same', async () => {
    const ids = newSubscription();
    await deliverOk(h.app, invoicePaid({ ...ids, ...TERM }));
    const legacy = event('invoice.paid', legacyInvoiceObject(prorationInvoice(ids, 'price_pro_m', 'price_max_m', '2026-03-10T12:00:00Z'))) satisfies Stripe.InvoicePaidEvent;
    expect(await deliverOk(h.app, legacy)).toBe('processed');
    expect(await balanceOf(h.app, ids.customer)).toBe(20000);
  });

  it('when the upgrade is not paid for, then the current slot stays and the next slot grants the new plan', async () => {
    const ids = newSubscription();
    const quarter = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-06-01T00:00:00Z' };
    await deliverOk(h.app, invoicePaid({ ...ids, price: 'price_pro_q', ...quarter }));
    await deliverOk(h.app, updated(ids, 'price_pro_q', 'price_max_q', '2026-03-10T12:00:00Z', 3));
    expect(await balanceOf(h.app, ids.customer)).toBe(5000);
    const res = await request(h.app).get(`/v1/customers/${ids.customer}/balance`).set(asApp).expect(200);
    expect(res.body.nextGrant).toEqual({ at: '2026-04-01T00:00:00.000Z', credits: 20000 });
    h.clock.set(new Date('2026-04-01T00:00:00Z'));
    expect(await balanceOf(h.app, ids.customer)).toBe(20000);
  });

  it('when the customer downgrades, then the current slot is left alone and later slots grant the smaller plan', async () => {
    const ids = newSubscription();
    const quarter = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-06-01T00:00:00Z' };
    await deliverOk(h.app, invoicePaid({ ...ids, price: 'price_max_q', ...quarter }));
    await deliverOk(h.app, updated(ids, 'price_max_q', 'price_pro_q', '2026-03-10T12:00:00Z', 3));
    expect(await balanceOf(h.app, ids.customer)).toBe(20000);
    h.clock.set(new Date('2026-04-01T00:00:00Z'));
    await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
    expect(await ledgerOf(h.app, ids.customer)).toEqual([['grant', 20000], ['expire', -20000], ['grant', 5000]]);
  });
});

describe('upgrades granted on the subscription update (upgradeCredits: immediate)', () => {
  let now: Harness;
  beforeAll(async () => {
    now = await startHarness({ catalog: { ...testCatalog, upgradeCredits: 'immediate' } });
  });
  afterAll(() => now.close());
  beforeEach(() => now.clock.set(new Date('2026-03-10T12:00:00Z')));

  it('when customer.subscription.updated shows a price change, then the slot is raised at once, and its invoice adds nothing', async () => {
    const ids = newSubscription();
    await deliverOk(now.app, invoicePaid({ ...ids, ...TERM }));
    await deliverOk(now.app, updated(ids, 'price_pro_m', 'price_max_m', '2026-03-10T12:00:00Z'));
    expect(await balanceOf(now.app, ids.customer)).toBe(20000);
    await deliverOk(now.app, invoicePaid(prorationInvoice(ids, 'price_pro_m', 'price_max_m', '2026-03-10T12:00:00Z')));
    expect(await ledgerOf(now.app, ids.customer)).toEqual([['grant', 5000], ['raise', 15000]]);
  });

  it('when an update changes nothing about the price, then nothing is raised', async () => {
    const ids = newSubscription();
    await deliverOk(now.app, invoicePaid({ ...ids, ...TERM }));
    const same = subscriptionEvent('customer.subscription.updated', { id: ids.subscription, customer: ids.customer, ...TERM, cancelAtPeriodEnd: true }, { created: '2026-03-10T12:00:00Z', previousAttributes: { cancel_at_period_end: false } });
    await deliverOk(now.app, same);
    expect(await ledgerOf(now.app, ids.customer)).toEqual([['grant', 5000]]);
  });
});

describe('an interval change starts a new term', () => {
  it('when a monthly plan becomes annual mid-slot, then the old slot ends at that instant and the new term grants its slot 0 in full', async () => {
    const ids = newSubscription();
    await deliverOk(h.app, invoicePaid({ ...ids, ...TERM, amount: 1000 }));
    await request(h.app).post(`/v1/customers/${ids.customer}/debits`).set(asApp).send({ amount: 1000, idempotencyKey: 'spend' }).expect(201);
    h.clock.set(new Date('2026-03-15T00:00:00Z'));
    const change = {
      ...ids,
      billingReason: 'subscription_update' as const,
      lines: [
        invoiceLine({ price: 'price_pro_m', periodStart: '2026-03-15T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z', amount: -500, proration: true, subscription: ids.subscription }),
        invoiceLine({ price: 'price_max_y', periodStart: '2026-03-15T00:00:00Z', periodEnd: '2027-03-15T00:00:00Z', amount: 200000, subscription: ids.subscription }),
      ],
    };
    await deliverOk(h.app, updated(ids, 'price_pro_m', 'price_max_y', '2026-03-15T00:00:00Z', 12));
    await deliverOk(h.app, invoicePaid(change));
    expect(await ledgerOf(h.app, ids.customer)).toEqual([['grant', 5000], ['debit', -1000], ['expire', -4000], ['grant', 20000]]);
    const res = await request(h.app).get(`/v1/customers/${ids.customer}/balance`).set(asApp).expect(200);
    expect(res.body.buckets).toEqual([expect.objectContaining({ granted: 20000, expiresAt: '2026-04-15T00:00:00.000Z' })]);
    expect(res.body.subscription).toMatchObject({ termStart: '2026-03-15T00:00:00.000Z', termEnd: '2027-03-15T00:00:00.000Z' });
  });
});

describe('trials', () => {
  it('when a $0 trial invoice is paid and the trial converts, then trialCredits and then the paid plan are granted', async () => {
    const ids = newSubscription();
    h.clock.set(new Date('2026-03-01T00:00:00Z'));
    await deliverOk(h.app, invoicePaid({ ...ids, amount: 0, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-03-15T00:00:00Z' }));
    expect(await balanceOf(h.app, ids.customer)).toBe(100);
    h.clock.set(new Date('2026-03-15T00:00:00Z'));
    const conversion = invoicePaid({ ...ids, billingReason: 'subscription_cycle', periodStart: '2026-03-15T00:00:00Z', periodEnd: '2026-04-15T00:00:00Z' });
    await deliverOk(h.app, conversion);
    expect(await ledgerOf(h.app, ids.customer)).toEqual([['grant', 100], ['expire', -100], ['grant', 5000]]);
    expect(await balanceOf(h.app, ids.customer)).toBe(5000);
  });
});
