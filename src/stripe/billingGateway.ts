import Stripe from 'stripe';
import type { BillingGateway, HostedSession } from '../app/ports';
import { DomainError } from '../domain/errors';
import { buildPortalSessionParams, buildSubscriptionCheckoutParams, buildTopupCheckoutParams } from './checkoutParams';

/** Stripe's parameter names as our request bodies spell them, so an error names the field the caller sent. */
const FIELD_OF_PARAM: Record<string, string> = {
  'line_items[0][price]': 'price',
  'line_items[0][quantity]': 'quantity',
  customer: 'customer',
  customer_email: 'email',
  client_reference_id: 'externalId',
  'metadata[external_id]': 'externalId',
  success_url: 'successUrl',
  cancel_url: 'cancelUrl',
  return_url: 'returnUrl',
};

/** Stripe's error codes in our words; any other code is named as it is (a stable identifier, never free text). */
const REFUSAL: Record<string, string> = {
  resource_missing: 'does not exist at Stripe',
  url_invalid: 'is not a URL Stripe accepts',
  parameter_invalid_empty: 'must not be empty',
  parameter_invalid_integer: 'must be an integer Stripe accepts',
  parameter_invalid_string_empty: 'must not be empty',
  email_invalid: 'is not an email address Stripe accepts',
};

function refusal(field: string | null, code: string | undefined): string {
  const said = code ? (REFUSAL[code] ?? `was refused by Stripe (${code})`) : 'was refused by Stripe';
  return field ? `${field}: ${said}` : `Stripe refused the request${code ? ` (${code})` : ''}`;
}

/**
 * Turns the SDK's failures into domain errors: Stripe refusing a parameter is the caller's to fix (400, or 404
 * for a customer Stripe does not know); anything else (card, authentication, rate limit, Stripe down or
 * unreachable after the SDK's retries) is Stripe's side (502). Other errors are bugs and stay as they are.
 * Stripe's own message is never passed on: it may quote our key, an object of another account or our
 * infrastructure. The caller gets our words, Stripe's error code and parameter, and the request id.
 */
export function stripeFailure(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const param = error.param;
  if (error instanceof Stripe.errors.StripeInvalidRequestError) {
    if (error.code === 'resource_missing' && param === 'customer') {
      return new DomainError('customer_not_found', 'customer: Stripe has no such customer', { field: 'customer' });
    }
    const field = param ? (FIELD_OF_PARAM[param] ?? param) : null;
    const details: Record<string, unknown> = field && param ? { field, param } : {};
    return new DomainError('invalid_request', refusal(field, error.code), details);
  }
  const details: Record<string, unknown> = { stripeError: error.type };
  if (error.requestId) details['requestId'] = error.requestId;
  return new DomainError('stripe_error', `Stripe could not complete the request (${error.type}).`, details);
}

async function calling<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw stripeFailure(error);
  }
}

function hosted(session: Stripe.Checkout.Session): HostedSession {
  // Only embedded (ui_mode) sessions lack a URL, and this service never asks for one.
  if (!session.url) throw new DomainError('stripe_error', `Stripe returned checkout session ${session.id} without a URL.`);
  return { id: session.id, url: session.url };
}

/** The only caller of Stripe's Checkout and customer portal APIs. */
export function stripeBillingGateway(stripe: Stripe): BillingGateway {
  return {
    async createSubscriptionCheckout(request) {
      return hosted(await calling(() => stripe.checkout.sessions.create(buildSubscriptionCheckoutParams(request))));
    },
    async createTopupCheckout(request) {
      return hosted(await calling(() => stripe.checkout.sessions.create(buildTopupCheckoutParams(request))));
    },
    async createPortalSession(request) {
      const session = await calling(() => stripe.billingPortal.sessions.create(buildPortalSessionParams(request)));
      return { url: session.url };
    },
  };
}
