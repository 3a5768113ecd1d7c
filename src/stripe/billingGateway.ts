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

/**
 * Turns the SDK's failures into domain errors: Stripe refusing a parameter is the caller's to fix (400, or 404
 * for a customer Stripe does not know); anything else (card, authentication, rate limit, Stripe down or
 * unreachable after the SDK's retries) is Stripe's side (502). Other errors are bugs and stay as they are.
 */
export function stripeFailure(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const param = error.param;
  if (error instanceof Stripe.errors.StripeInvalidRequestError) {
    if (error.code === 'resource_missing' && param === 'customer') {
      return new DomainError('customer_not_found', `Stripe: ${error.message}`, { field: 'customer' });
    }
    const details: Record<string, unknown> = param ? { field: FIELD_OF_PARAM[param] ?? param, param } : {};
    return new DomainError('invalid_request', `Stripe: ${error.message}`, details);
  }
  // Stripe's own message may describe our credentials or infrastructure: the caller gets its kind and request id.
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
