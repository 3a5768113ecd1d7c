import request from 'supertest';
import Stripe from 'stripe';
import { freePort } from '../../src/peers/freePort';
import { stripeBillingGateway, stripeFailure } from '../../src/stripe/billingGateway';
import { buildSubscriptionCheckoutParams, buildTopupCheckoutParams } from '../../src/stripe/checkoutParams';
import { createStripeClient } from '../../src/stripe/client';
import { stripeMockUrl } from '../setup/peers';
import { checkoutSessionObject, deliverOk, event, stripeId } from '../fixtures/stripe';
import { startFakeStripeServer, stripeErrorBody } from '../support/fakeStripeServer';
import type { FakeStripeServer } from '../support/fakeStripeServer';
import { asApp, balanceOf, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

const urls = { successUrl: 'https://app.example/done?session={CHECKOUT_SESSION_ID}', cancelUrl: 'https://app.example/pricing' };

let mock: Harness;
let fake: FakeStripeServer;
let recorded: Harness;
beforeAll(async () => {
  fake = await startFakeStripeServer();
  [mock, recorded] = await Promise.all([startHarness(), startHarness({ env: { STRIPE_API_URL: fake.url } })]);
});
afterAll(async () => {
  await Promise.all([mock.close(), recorded.close(), fake.close()]);
});
beforeEach(() => {
  fake.requests.length = 0;
});

function post(h: Harness, path: string, body: object) {
  return request(h.app).post(path).set(asApp).send(body);
}

/** The fake Stripe answers a session like Stripe would, enough for the SDK and the gateway. */
function answerSessions(): void {
  fake.answer((req) =>
    req.path === '/v1/billing_portal/sessions'
      ? { status: 200, body: { id: 'bps_fake', object: 'billing_portal.session', url: 'https://billing.stripe.com/p/session/fake' } }
      : { status: 200, body: { id: 'cs_test_fake', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_test_fake' } },
  );
}

/** Stripe stores metadata values as strings, whatever was sent. */
function asSentToStripe(metadata: Stripe.MetadataParam | undefined): Stripe.Metadata {
  return Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, String(value)]));
}

describe('checkout and portal against stripe-mock', () => {
  test.each([
    ['an existing customer', { customer: 'cus_checkout1' }],
    ['an email to prefill', { email: 'new@example.com', externalId: 'user_1' }],
    ['neither (Checkout collects the email)', {}],
  ])('when a subscription checkout starts for %s, then Stripe’s session id and URL come back', async (_name, who) => {
    const res = await post(mock, '/v1/checkout/subscription', { price: 'price_pro_m', ...urls, ...who }).expect(200);

    expect(res.body).toEqual({ id: expect.stringMatching(/^cs_/), url: expect.stringMatching(/^https:\/\//) });
  });

  test('when a customer starts a top-up checkout, then Stripe’s session id and URL come back', async () => {
    const res = await post(mock, '/v1/customers/cus_checkout2/checkout/topup', { price: 'price_topup_1k', quantity: 2, ...urls }).expect(200);

    expect(res.body).toEqual({ id: expect.stringMatching(/^cs_/), url: expect.stringMatching(/^https:\/\//) });
  });

  test('when a customer with no credits account yet buys a top-up, then checkout still starts (the webhook opens the account)', async () => {
    const customer = stripeId('cus');
    await request(mock.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(404);

    await post(mock, `/v1/customers/${customer}/checkout/topup`, { price: 'price_topup_5k', ...urls }).expect(200);
  });

  test('when a customer opens the portal, then Stripe’s portal URL comes back', async () => {
    const res = await post(mock, '/v1/customers/cus_checkout3/portal', { returnUrl: 'https://app.example/account' }).expect(200);

    expect(res.body).toEqual({ url: expect.stringMatching(/^https:\/\//) });
  });

  test('when the payment-link reader lists a session’s line items, then each has a price and a quantity', async () => {
    const items = (await mock.service.mapContext.lookups.listCheckoutLineItems('cs_test_lineitems')) ?? [];

    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => typeof item.price === 'string' && item.price.startsWith('price_'))).toBe(true);
  });
});

describe('stripe-mock checks what the gateway sends', () => {
  const stripe = createStripeClient({ secretKey: 'sk_test_checkout', apiUrl: stripeMockUrl() });

  test('when the built top-up and subscription parameters are posted as they are, then Stripe’s schema accepts them', async () => {
    const topup = await stripe.rawRequest('POST', '/v1/checkout/sessions', { ...buildTopupCheckoutParams({ customer: 'cus_x', price: 'price_topup_1k', quantity: 2, ...urls }) });
    const subscription = await stripe.rawRequest('POST', '/v1/checkout/sessions', {
      ...buildSubscriptionCheckoutParams({ price: 'price_pro_m', customer: null, email: 'a@example.com', externalId: 'user_2', ...urls }),
    });

    expect(topup.object).toBe('checkout.session');
    expect(subscription.object).toBe('checkout.session');
  });

  test('when a parameter is misspelled, then stripe-mock refuses it and the gateway would answer 400', async () => {
    const misspelled = { ...buildTopupCheckoutParams({ customer: 'cus_x', price: 'price_topup_1k', quantity: 1, ...urls }), custmer: 'cus_x' };

    const failure = await stripe.rawRequest('POST', '/v1/checkout/sessions', misspelled).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(stripeFailure(failure)).toMatchObject({ code: 'invalid_request' });
  });
});

describe('what the service sends to Stripe', () => {
  test('when a subscription checkout starts, then Stripe is asked for a subscription session of that price for that user', async () => {
    answerSessions();
    const res = await post(recorded, '/v1/checkout/subscription', { price: 'price_max_y', externalId: 'user_77', email: 'u@example.com', ...urls }).expect(200);

    expect(res.body).toEqual({ id: 'cs_test_fake', url: 'https://checkout.stripe.com/c/pay/cs_test_fake' });
    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent?.path).toBe('/v1/checkout/sessions');
    expect(Object.fromEntries(sent?.params ?? [])).toEqual({
      mode: 'subscription',
      'line_items[0][price]': 'price_max_y',
      'line_items[0][quantity]': '1',
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
      customer_email: 'u@example.com',
      client_reference_id: 'user_77',
      'metadata[external_id]': 'user_77',
      'subscription_data[metadata][external_id]': 'user_77',
    });
  });

  test('when a top-up checkout starts without a quantity, then one pack is sold and the session and its payment say so', async () => {
    answerSessions();
    await post(recorded, '/v1/customers/cus_sent1/checkout/topup', { price: 'price_topup_5k', ...urls }).expect(200);

    expect(Object.fromEntries(fake.requests[0]?.params ?? [])).toEqual({
      mode: 'payment',
      customer: 'cus_sent1',
      'line_items[0][price]': 'price_topup_5k',
      'line_items[0][quantity]': '1',
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
      'metadata[credits_kind]': 'topup',
      'metadata[credits_price]': 'price_topup_5k',
      'metadata[credits_quantity]': '1',
      'payment_intent_data[metadata][credits_kind]': 'topup',
      'payment_intent_data[metadata][credits_price]': 'price_topup_5k',
      'payment_intent_data[metadata][credits_quantity]': '1',
    });
  });

  test('when the portal opens, then Stripe is asked for a portal session of that customer', async () => {
    answerSessions();
    const res = await post(recorded, '/v1/customers/cus_sent2/portal', { returnUrl: 'https://app.example/account' }).expect(200);

    expect(res.body).toEqual({ url: 'https://billing.stripe.com/p/session/fake' });
    expect(fake.requests.map((r) => [r.path, Object.fromEntries(r.params)])).toEqual([
      ['/v1/billing_portal/sessions', { customer: 'cus_sent2', return_url: 'https://app.example/account' }],
    ]);
  });

  test('when a session has more line items than one page, then every page is read', async () => {
    fake.answer((req) => {
      const after = req.params.get('starting_after');
      const item = (id: string, price: string, quantity: number) => ({ id, object: 'item', price: { id: price, object: 'price' }, quantity });
      const data = after ? [item('li_3', 'price_topup_5k', 1)] : [item('li_1', 'price_topup_1k', 2), item('li_2', 'price_other', 1)];
      return { status: 200, body: { object: 'list', data, has_more: !after, url: req.path } };
    });

    const items = await recorded.service.mapContext.lookups.listCheckoutLineItems('cs_test_paged');

    expect(items).toEqual([
      { price: 'price_topup_1k', quantity: 2 },
      { price: 'price_other', quantity: 1 },
      { price: 'price_topup_5k', quantity: 1 },
    ]);
    expect(fake.requests.map((r) => r.params.get('starting_after'))).toEqual([null, 'li_2']);
  });

  test('when Stripe completes the top-up session this service started, then the webhook grants the packs bought', async () => {
    const customer = stripeId('cus');
    const params = buildTopupCheckoutParams({ customer, price: 'price_topup_1k', quantity: 3, ...urls });
    const session = checkoutSessionObject({ customer, mode: 'payment', paymentStatus: 'paid', paymentIntent: stripeId('pi'), metadata: asSentToStripe(params.metadata) });

    await deliverOk(recorded.app, event('checkout.session.completed', session) satisfies Stripe.CheckoutSessionCompletedEvent);

    expect(await balanceOf(recorded.app, customer)).toBe(3000);
  });
});

describe('bad requests never reach Stripe', () => {
  const subscription = { price: 'price_pro_m', ...urls };
  const topup = { price: 'price_topup_1k', ...urls };

  test.each([
    ['no successUrl', '/v1/checkout/subscription', { ...subscription, successUrl: undefined }, 'successUrl'],
    ['a relative successUrl', '/v1/checkout/subscription', { ...subscription, successUrl: '/done' }, 'successUrl'],
    ['an ftp cancelUrl', '/v1/checkout/subscription', { ...subscription, cancelUrl: 'ftp://app.example/x' }, 'cancelUrl'],
    ['an empty price', '/v1/checkout/subscription', { ...subscription, price: '' }, 'price'],
    ['a price of 256 characters', '/v1/checkout/subscription', { ...subscription, price: 'p'.repeat(256) }, 'price'],
    ['a customer that is not a cus_ id', '/v1/checkout/subscription', { ...subscription, customer: 'user_1' }, 'customer'],
    ['an invalid email', '/v1/checkout/subscription', { ...subscription, email: 'not-an-email' }, 'email'],
    ['both customer and email', '/v1/checkout/subscription', { ...subscription, customer: 'cus_a', email: 'a@example.com' }, 'email'],
    ['an externalId of 256 characters', '/v1/checkout/subscription', { ...subscription, externalId: 'x'.repeat(256) }, 'externalId'],
    ['a top-up price for a subscription', '/v1/checkout/subscription', { ...subscription, price: 'price_topup_1k' }, 'price'],
    ['a price not in the catalog', '/v1/checkout/subscription', { ...subscription, price: 'price_unknown' }, 'price'],
    ['quantity 0', '/v1/customers/cus_bad/checkout/topup', { ...topup, quantity: 0 }, 'quantity'],
    ['quantity 1001', '/v1/customers/cus_bad/checkout/topup', { ...topup, quantity: 1001 }, 'quantity'],
    ['quantity 1.5', '/v1/customers/cus_bad/checkout/topup', { ...topup, quantity: 1.5 }, 'quantity'],
    ['quantity as a string', '/v1/customers/cus_bad/checkout/topup', { ...topup, quantity: '2' }, 'quantity'],
    ['a plan price for a top-up', '/v1/customers/cus_bad/checkout/topup', { ...topup, price: 'price_pro_m' }, 'price'],
    ['a top-up price not in the catalog', '/v1/customers/cus_bad/checkout/topup', { ...topup, price: 'price_unknown' }, 'price'],
    ['a top-up for an id that is not cus_', '/v1/customers/someone/checkout/topup', topup, 'customer'],
    ['a portal without returnUrl', '/v1/customers/cus_bad/portal', {}, 'returnUrl'],
    ['a javascript: returnUrl', '/v1/customers/cus_bad/portal', { returnUrl: 'javascript:alert(1)' }, 'returnUrl'],
    ['a portal for an id that is not cus_', '/v1/customers/someone/portal', { returnUrl: 'https://app.example' }, 'customer'],
  ])('when a request has %s, then 400 names the field and Stripe is not called', async (_label, path, body, field) => {
    const res = await post(recorded, path, body).expect(400);

    expect(res.body.error).toMatchObject({ type: 'invalid_request', field });
    expect(res.body.error.message).toContain(field);
    expect(fake.requests).toHaveLength(0);
  });

  test('when a body has a field the API does not know, then 400 names it and Stripe is not called', async () => {
    const res = await post(recorded, '/v1/customers/cus_bad/portal', { returnUrl: 'https://app.example', retunUrl: 'x' }).expect(400);

    expect(res.body.error.message).toContain('retunUrl');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Stripe failures', () => {
  test('when Stripe refuses the price, then 400 names the price field and Stripe’s parameter', async () => {
    fake.answer(() => ({
      status: 400,
      body: stripeErrorBody('invalid_request_error', "No such price: 'price_pro_m'", { param: 'line_items[0][price]', code: 'resource_missing' }),
    }));

    const res = await post(recorded, '/v1/checkout/subscription', { price: 'price_pro_m', ...urls }).expect(400);

    expect(res.body.error).toEqual({ type: 'invalid_request', message: 'price: does not exist at Stripe', field: 'price', param: 'line_items[0][price]' });
  });

  test('when Stripe does not know the customer, then 404 customer_not_found', async () => {
    fake.answer(() => ({
      status: 400,
      body: stripeErrorBody('invalid_request_error', "No such customer: 'cus_ghost'", { param: 'customer', code: 'resource_missing' }),
    }));

    const res = await post(recorded, '/v1/customers/cus_ghost/portal', { returnUrl: 'https://app.example' }).expect(404);

    expect(res.body.error).toMatchObject({ type: 'customer_not_found', field: 'customer' });
  });

  test.each([
    ['is down', 500, 'api_error', 'StripeAPIError'],
    ['refuses the key', 401, 'authentication_error', 'StripeAuthenticationError'],
    ['rate-limits', 429, 'rate_limit_error', 'StripeRateLimitError'],
  ])('when Stripe %s, then 502 stripe_error', async (_name, status, type, sdkType) => {
    fake.answer(() => ({ status, body: stripeErrorBody(type, 'Invalid API Key provided: sk_test_****ness') }));

    const res = await post(recorded, '/v1/customers/cus_fail/checkout/topup', { price: 'price_topup_1k', ...urls }).expect(502);

    expect(res.body.error).toMatchObject({ type: 'stripe_error', stripeError: sdkType, requestId: 'req_fake' });
    expect(res.body.error.message).not.toContain('sk_test');
  });

  test('when Stripe cannot be reached after the SDK’s retries, then 502 stripe_error', async () => {
    const unreachable = await startHarness({ env: { STRIPE_API_URL: `http://127.0.0.1:${await freePort()}` } });
    try {
      const res = await post(unreachable, '/v1/customers/cus_offline/portal', { returnUrl: 'https://app.example' }).expect(502);

      expect(res.body.error).toMatchObject({ type: 'stripe_error', stripeError: 'StripeConnectionError' });
    } finally {
      await unreachable.close();
    }
  });

  test('when the deployment has no STRIPE_SECRET_KEY, then checkout answers 503 stripe_not_configured and the payment-link reader reads nothing', async () => {
    const keyless = await startHarness({ env: { STRIPE_SECRET_KEY: '' } });
    try {
      const res = await post(keyless, '/v1/checkout/subscription', { price: 'price_pro_m', ...urls }).expect(503);

      expect(res.body.error).toMatchObject({ type: 'stripe_not_configured', message: expect.stringContaining('STRIPE_SECRET_KEY') });
      await expect(keyless.service.mapContext.lookups.listCheckoutLineItems('cs_x')).resolves.toBeNull();
    } finally {
      await keyless.close();
    }
  });

  test('when the gateway is built on an SDK client, then it maps that client’s failures', async () => {
    fake.answer(() => ({ status: 500, body: stripeErrorBody('api_error', 'boom') }));
    const gateway = stripeBillingGateway(createStripeClient({ secretKey: 'sk_test_direct', apiUrl: fake.url }));

    await expect(gateway.createPortalSession({ customer: 'cus_x', returnUrl: 'https://app.example' })).rejects.toMatchObject({ code: 'stripe_error' });
  });
});
