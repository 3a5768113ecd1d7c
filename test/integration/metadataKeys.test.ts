import request from 'supertest';
import type Stripe from 'stripe';
import type { EventDoc } from '../../src/store/models';
import { checkoutSessionObject, deliverOk, event, invoicePaid, stripeId, subscriptionEvent, topupMetadata } from '../fixtures/stripe';
import { asApp, balanceOf, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/**
 * Stripe allows metadata keys MongoDB field names may not hold everywhere (`plan.tier`, `$source`): such a
 * payment must still be credited, and its event kept, on every supported server. The payload is therefore
 * stored as JSON text, never as a document whose field names come from a payload.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
});
afterEach(() => h.close());

const STRIPE_LEGAL_KEYS: Stripe.Metadata = { 'plan.tier': 'gold', $source: 'partner', 'a.b.$c': 'x', external_id: 'user_42' };
const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };

function withMetadata<T extends { data: { object: { metadata: Stripe.Metadata | null } } }>(evt: T): T {
  evt.data.object.metadata = STRIPE_LEGAL_KEYS;
  return evt;
}

async function stored(id: string): Promise<EventDoc | null> {
  return h.stores.connection.collection<EventDoc>('stripe_events').findOne({ _id: id });
}

describe('metadata keys Stripe allows', () => {
  it('when an invoice, its subscription and a top-up carry dotted and $-prefixed keys, then each is credited and its event kept as sent', async () => {
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    const created = withMetadata(subscriptionEvent('customer.subscription.created', { id: subscription, customer, price: 'price_pro_m', ...MARCH }));
    const paid = withMetadata(invoicePaid({ customer, subscription, ...MARCH }));
    const session = checkoutSessionObject({ id: stripeId('cs_test'), customer, paymentIntent: stripeId('pi'), metadata: { ...topupMetadata('price_topup_1k'), ...STRIPE_LEGAL_KEYS } });
    const topup = event('checkout.session.completed', session) satisfies Stripe.CheckoutSessionCompletedEvent;

    for (const evt of [created, paid, topup]) expect(await deliverOk(h.app, evt)).toBe('processed');

    expect(await balanceOf(h.app, customer)).toBe(6000);
    for (const evt of [created, paid, topup]) {
      const doc = await stored(evt.id);
      expect(typeof doc?.payload).toBe('string');
      expect(JSON.parse(String(doc?.payload)).data.object.metadata).toEqual(expect.objectContaining(STRIPE_LEGAL_KEYS));
    }
    const found = await request(h.app).get('/v1/customers').query({ externalId: 'user_42' }).set(asApp).expect(200);
    expect(found.body.customer).toBe(customer);
  });
});
