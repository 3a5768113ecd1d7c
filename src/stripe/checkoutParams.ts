import type Stripe from 'stripe';
import type { PortalRequest, SubscriptionCheckoutRequest, TopupCheckoutRequest } from '../app/ports';

/**
 * What this service asks Stripe for, built apart from sending it so each shape is tested without a network.
 * The webhook mapping (mapCheckout.ts, readers.ts) reads back exactly these metadata keys.
 */

/** Stripe caps client_reference_id at 200 characters; metadata values may hold 500, so longer ids ride there alone. */
const CLIENT_REFERENCE_ID_MAX = 200;

export function buildSubscriptionCheckoutParams(request: SubscriptionCheckoutRequest): Stripe.Checkout.SessionCreateParams {
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: 'subscription',
    line_items: [{ price: request.price, quantity: 1 }],
    success_url: request.successUrl,
    cancel_url: request.cancelUrl,
  };
  // Stripe refuses both at once; with neither, Checkout collects the email and creates the customer.
  if (request.customer) params.customer = request.customer;
  else if (request.email) params.customer_email = request.email;
  if (request.externalId) {
    const metadata = { external_id: request.externalId };
    if (request.externalId.length <= CLIENT_REFERENCE_ID_MAX) params.client_reference_id = request.externalId;
    params.metadata = metadata;
    // The subscription outlives the session: its own events link the app's user too.
    params.subscription_data = { metadata: { ...metadata } };
  }
  return params;
}

/** The metadata that tells the webhook a session is our top-up (SPEC §3.5); credits still come from the catalog. */
export function topupSessionMetadata(price: string, quantity: number): Stripe.MetadataParam {
  return { credits_kind: 'topup', credits_price: price, credits_quantity: String(quantity) };
}

export function buildTopupCheckoutParams(request: TopupCheckoutRequest): Stripe.Checkout.SessionCreateParams {
  const metadata = topupSessionMetadata(request.price, request.quantity);
  return {
    mode: 'payment',
    customer: request.customer,
    line_items: [{ price: request.price, quantity: request.quantity }],
    success_url: request.successUrl,
    cancel_url: request.cancelUrl,
    metadata,
    // Refunds and disputes name the payment, not the session: the same facts on the PaymentIntent keep them readable.
    payment_intent_data: { metadata: { ...metadata } },
  };
}

export function buildPortalSessionParams(request: PortalRequest): Stripe.BillingPortal.SessionCreateParams {
  return { customer: request.customer, return_url: request.returnUrl };
}
