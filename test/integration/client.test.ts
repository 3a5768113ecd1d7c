import { CreditsApiError } from '../../client/src';
import { deliverOk, invoicePaid, stripeId, subscriptionEvent } from '../fixtures/stripe';
import { apiError, serveWithClient } from '../support/appClient';
import type { ServedApp } from '../support/appClient';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/** The typed client against the real app (Stripe calls going to stripe-mock): each method answers the body, or throws the API's error. */
let h: Harness;
let served: ServedApp;

beforeAll(async () => {
  h = await startHarness();
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
  served = await serveWithClient(h.app);
});
afterAll(async () => {
  await served.close();
  await h.close();
});

const urls = { successUrl: 'https://app.example/done', cancelUrl: 'https://app.example/pricing' };

describe('the typed client', () => {
  it('when a subscriber spends, then balance, debit, ledger and findCustomer answer typed bodies', async () => {
    const credits = served.client;
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    const term = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
    await deliverOk(h.app, subscriptionEvent('customer.subscription.created', { id: subscription, customer, price: 'price_pro_m', months: 1, ...term, metadata: { external_id: 'user_42' } }));
    await deliverOk(h.app, invoicePaid({ customer, subscription, ...term }));

    expect(await credits.findCustomer('user_42')).toEqual({ customer, externalId: 'user_42' });
    const { debit, balance } = await credits.debit(customer, { amount: 30, idempotencyKey: 'render-1' });
    expect({ amount: debit.amount, balance }).toEqual({ amount: 30, balance: 4970 });
    expect((await credits.balance(customer)).available).toBe(4970);
    const page = await credits.ledger(customer, { limit: 1 });
    expect(page.entries).toEqual([expect.objectContaining({ type: 'debit', amount: -30 })]);
    expect(page.nextCursor).toEqual(expect.any(String));

    const short = await apiError(credits.debit(customer, { amount: 10_000, idempotencyKey: 'too-much' }));
    expect(short).toBeInstanceOf(CreditsApiError);
    expect({ status: short.status, type: short.type, balance: short.details.balance }).toEqual({ status: 402, type: 'insufficient_credits', balance: 4970 });
  });

  it('when checkout and portal sessions are asked for, then the client answers Stripe-hosted URLs', async () => {
    const credits = served.client;
    const customer = stripeId('cus');
    expect(await credits.checkoutSubscription({ price: 'price_pro_m', email: 'a@example.com', ...urls })).toEqual({ id: expect.stringMatching(/^cs_/), url: expect.stringMatching(/^https:\/\//) });
    expect((await credits.checkoutTopup(customer, { price: 'price_topup_1k', quantity: 2, ...urls })).id).toMatch(/^cs_/);
    expect((await credits.portal(customer, { returnUrl: 'https://app.example/account' })).url).toMatch(/^https:\/\//);
    expect((await apiError(credits.checkoutTopup(customer, { price: 'price_unknown', ...urls }))).type).toBe('invalid_request');
  });

  it('when a billing link is asked for, then the client answers { url, expiresAt }, and 404 for a customer with no account', async () => {
    const customer = stripeId('cus');
    await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
    const session = await served.client.billingSession(customer, { returnUrl: 'https://app.example/account', ttlSeconds: 600 });
    expect(session).toEqual({ url: expect.stringMatching(/\/billing\/[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });
    const unknown = await apiError(served.client.billingSession(stripeId('cus')));
    expect({ status: unknown.status, type: unknown.type }).toEqual({ status: 404, type: 'customer_not_found' });
  });
});
