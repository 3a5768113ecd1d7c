import { findPlanByPrice, findTopupByPrice } from '../domain/catalog';
import type { Catalog } from '../domain/catalog';
import { DomainError } from '../domain/errors';
import type { BillingGateway, HostedSession, PortalRequest, SubscriptionCheckoutRequest, TopupCheckoutRequest } from './ports';

/** One top-up checkout buys at most this many packs: a typo of 10000 should not reach a card. */
export const MAX_TOPUP_QUANTITY = 1000;

function notConfigured(): Promise<never> {
  return Promise.reject(
    new DomainError('stripe_not_configured', 'STRIPE_SECRET_KEY is not set: checkout and the customer portal need it.'),
  );
}

/** What a deployment without STRIPE_SECRET_KEY answers (webhooks still work). */
export const unconfiguredBillingGateway: BillingGateway = {
  createSubscriptionCheckout: notConfigured,
  createTopupCheckout: notConfigured,
  createPortalSession: notConfigured,
};

export interface BillingDeps {
  catalog: Catalog;
  billing: BillingGateway;
}

/** Only catalog prices are sold here, so every checkout this service starts is one its webhooks can credit. */
export async function startSubscriptionCheckout(deps: BillingDeps, request: SubscriptionCheckoutRequest): Promise<HostedSession> {
  if (!findPlanByPrice(deps.catalog, request.price)) {
    throw new DomainError('invalid_request', `price: ${request.price} is not a plan price of the catalog`, { field: 'price' });
  }
  return deps.billing.createSubscriptionCheckout(request);
}

/**
 * A customer with no credits account yet may buy a top-up: the webhook opens the account. Whether the
 * customer exists is Stripe's to say (404 customer_not_found from the gateway).
 */
export async function startTopupCheckout(deps: BillingDeps, request: TopupCheckoutRequest): Promise<HostedSession> {
  if (!findTopupByPrice(deps.catalog, request.price)) {
    throw new DomainError('invalid_request', `price: ${request.price} is not a top-up price of the catalog`, { field: 'price' });
  }
  if (!Number.isInteger(request.quantity) || request.quantity < 1 || request.quantity > MAX_TOPUP_QUANTITY) {
    throw new DomainError('invalid_request', `quantity: must be an integer from 1 to ${MAX_TOPUP_QUANTITY}`, { field: 'quantity' });
  }
  return deps.billing.createTopupCheckout(request);
}

export async function openCustomerPortal(deps: Pick<BillingDeps, 'billing'>, request: PortalRequest): Promise<{ url: string }> {
  return deps.billing.createPortalSession(request);
}
