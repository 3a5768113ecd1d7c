import Stripe from 'stripe';
import { DomainError } from '../../src/domain/errors';
import { stripeFailure } from '../../src/stripe/billingGateway';
import { buildPortalSessionParams, buildSubscriptionCheckoutParams, buildTopupCheckoutParams } from '../../src/stripe/checkoutParams';

const urls = { successUrl: 'https://app.example/done?s={CHECKOUT_SESSION_ID}', cancelUrl: 'https://app.example/cancel' };

describe('subscription checkout parameters', () => {
  test('when a known customer subscribes with an app user id, then the session names the customer and carries the id three ways', () => {
    const params = buildSubscriptionCheckoutParams({ price: 'price_pro_m', customer: 'cus_a', email: null, externalId: 'user_42', ...urls });

    expect(params).toEqual({
      mode: 'subscription',
      line_items: [{ price: 'price_pro_m', quantity: 1 }],
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
      customer: 'cus_a',
      client_reference_id: 'user_42',
      metadata: { external_id: 'user_42' },
      subscription_data: { metadata: { external_id: 'user_42' } },
    } satisfies Stripe.Checkout.SessionCreateParams);
  });

  test('when only an email is given, then Checkout is prefilled with it and names no customer', () => {
    const params = buildSubscriptionCheckoutParams({ price: 'price_pro_y', customer: null, email: 'a@example.com', externalId: null, ...urls });

    expect(params.customer_email).toBe('a@example.com');
    expect(params).not.toHaveProperty('customer');
    expect(params).not.toHaveProperty('metadata');
    expect(params).not.toHaveProperty('client_reference_id');
  });

  test('when neither customer nor email is given, then the session sends neither and Checkout collects the email', () => {
    const params = buildSubscriptionCheckoutParams({ price: 'price_pro_q', customer: null, email: null, externalId: null, ...urls });

    expect(Object.keys(params).sort()).toEqual(['cancel_url', 'line_items', 'mode', 'success_url']);
  });

  test('when both a customer and an email reach the builder, then only the customer is sent (Stripe refuses both)', () => {
    const params = buildSubscriptionCheckoutParams({ price: 'price_pro_m', customer: 'cus_a', email: 'a@example.com', externalId: null, ...urls });

    expect(params.customer).toBe('cus_a');
    expect(params).not.toHaveProperty('customer_email');
  });

  test('when the app user id is longer than client_reference_id allows, then it travels in metadata only', () => {
    const externalId = 'u'.repeat(201);
    const params = buildSubscriptionCheckoutParams({ price: 'price_pro_m', customer: null, email: null, externalId, ...urls });

    expect(params).not.toHaveProperty('client_reference_id');
    expect(params.metadata).toEqual({ external_id: externalId });
    expect(params.subscription_data?.metadata).toEqual({ external_id: externalId });
  });
});

describe('top-up checkout and portal parameters', () => {
  test('when a customer buys three packs, then the payment session and its PaymentIntent both say what was sold', () => {
    const params = buildTopupCheckoutParams({ customer: 'cus_b', price: 'price_topup_1k', quantity: 3, ...urls });

    expect(params).toEqual({
      mode: 'payment',
      customer: 'cus_b',
      line_items: [{ price: 'price_topup_1k', quantity: 3 }],
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
      metadata: { credits_kind: 'topup', credits_price: 'price_topup_1k', credits_quantity: '3' },
      payment_intent_data: { metadata: { credits_kind: 'topup', credits_price: 'price_topup_1k', credits_quantity: '3' } },
    } satisfies Stripe.Checkout.SessionCreateParams);
  });

  test('when a customer opens the portal, then the session names the customer and where to come back', () => {
    expect(buildPortalSessionParams({ customer: 'cus_c', returnUrl: 'https://app.example/account' })).toEqual({
      customer: 'cus_c',
      return_url: 'https://app.example/account',
    });
  });
});

describe('Stripe failures as domain errors', () => {
  function mapped(error: unknown): DomainError {
    const result = stripeFailure(error);
    if (!(result instanceof DomainError)) throw new Error(`not mapped: ${String(result)}`);
    return result;
  }

  test('when Stripe refuses a price, then it is invalid_request naming our field and Stripe parameter', () => {
    const error = mapped(
      new Stripe.errors.StripeInvalidRequestError({ type: 'invalid_request_error', message: "No such price: 'price_x'", param: 'line_items[0][price]', code: 'resource_missing' }),
    );

    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('price: does not exist at Stripe');
    expect(error.details).toEqual({ field: 'price', param: 'line_items[0][price]' });
  });

  test.each([
    ['a code we word ourselves', { param: 'success_url', code: 'url_invalid' }, 'successUrl: is not a URL Stripe accepts'],
    ['a code we do not word', { param: 'cancel_url', code: 'parameter_unknown' }, 'cancelUrl: was refused by Stripe (parameter_unknown)'],
    ['no parameter', { code: 'customer_tax_location_invalid' }, 'Stripe refused the request (customer_tax_location_invalid)'],
    ['neither parameter nor code', {}, 'Stripe refused the request'],
  ])('when Stripe refuses a request with %s, then the caller reads our words and never Stripe’s message', (_case, fields, message) => {
    const stripeMessage = "Invalid URL: sk_live_51Q… of account acct_1Other, see https://stripe.com/docs";
    const error = mapped(new Stripe.errors.StripeInvalidRequestError({ type: 'invalid_request_error', message: stripeMessage, ...fields }));

    expect(error.message).toBe(message);
    expect(error.message).not.toContain('acct_');
  });

  test('when Stripe does not know the customer, then it is customer_not_found', () => {
    const error = mapped(
      new Stripe.errors.StripeInvalidRequestError({ type: 'invalid_request_error', message: "No such customer: 'cus_x'", param: 'customer', code: 'resource_missing' }),
    );

    expect(error.code).toBe('customer_not_found');
    expect(error.message).toBe('customer: Stripe has no such customer');
    expect(error.details).toEqual({ field: 'customer' });
  });

  test('when Stripe refuses a parameter we do not expose, then Stripe’s name for it is reported', () => {
    const error = mapped(new Stripe.errors.StripeInvalidRequestError({ type: 'invalid_request_error', message: 'bad', param: 'locale' }));

    expect(error.details).toEqual({ field: 'locale', param: 'locale' });
  });

  test.each([
    ['a card error', new Stripe.errors.StripeCardError({ type: 'card_error', message: 'declined' })],
    ['an authentication error', new Stripe.errors.StripeAuthenticationError({ type: 'authentication_error', message: 'Invalid API Key provided: sk_test_****' })],
    ['an API error', new Stripe.errors.StripeAPIError({ type: 'api_error', message: 'boom' })],
    ['a connection error', new Stripe.errors.StripeConnectionError({ message: 'ECONNREFUSED' })],
    ['a rate limit', new Stripe.errors.StripeRateLimitError({ type: 'rate_limit_error', message: 'slow down' })],
  ])('when Stripe fails with %s, then it is stripe_error without Stripe’s message', (_name, failure) => {
    const error = mapped(failure);

    expect(error.code).toBe('stripe_error');
    expect(error.message).not.toContain(failure.message);
    expect(error.details['stripeError']).toBe(failure.type);
  });

  test('when the failure is not Stripe’s, then it is left alone (a bug answers 500)', () => {
    const bug = new TypeError('x is undefined');

    expect(stripeFailure(bug)).toBe(bug);
  });
});
