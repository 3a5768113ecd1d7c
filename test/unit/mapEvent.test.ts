import type { MapContext } from '../../src/stripe/mapEvent';
import { ACTED_ON_EVENT_TYPES, mapStripeEvent } from '../../src/stripe/mapEvent';

const context: MapContext = {
  catalog: { plans: [], topups: [{ price: 'price_topup_1k', credits: 1000 }], topupExpiry: 'never', upgradeCredits: 'on_payment' },
  livemode: null,
  lookups: {
    listCheckoutLineItems: () => Promise.reject(new Error('not asked in these tests')),
    customerOfPayment: () => Promise.reject(new Error('not asked in these tests')),
  },
};

function envelope(type: string, object: unknown): Record<string, unknown> {
  return { id: 'evt_1', object: 'event', type, created: 1_772_000_000, livemode: false, data: { object } };
}

describe('the event table', () => {
  test('when replay asks Stripe for the types the mapping acts on, then each is read by a handler, which checks its object', async () => {
    expect(ACTED_ON_EVENT_TYPES).toContain('invoice.paid');
    expect(new Set(ACTED_ON_EVENT_TYPES).size).toBe(ACTED_ON_EVENT_TYPES.length);
    for (const type of ACTED_ON_EVENT_TYPES) {
      const mapped = await mapStripeEvent(envelope(type, {}), context);
      expect({ type, outcome: mapped.outcome }).toEqual({ type, outcome: 'parked' });
      expect(mapped.outcome === 'parked' && mapped.reason).toContain(`${type} evt_1: data.object.`);
    }
  });

  test('when an event type is not in the table, then it is ignored without its object being read', async () => {
    expect(ACTED_ON_EVENT_TYPES).not.toContain('charge.succeeded');
    expect(await mapStripeEvent(envelope('charge.succeeded', { whatever: true }), context)).toEqual({
      outcome: 'ignored',
      reason: 'event type charge.succeeded is not acted on',
    });
  });

  test('when the envelope itself is broken, then the event is parked naming the field, before its type is looked at', async () => {
    expect(await mapStripeEvent({ ...envelope('invoice.paid', {}), created: 'yesterday' }, context)).toEqual({
      outcome: 'parked',
      reason: expect.stringContaining('event.created: must be a Unix time in seconds'),
      customer: null,
    });
  });
});
