import type Stripe from 'stripe';
import type { Catalog } from '../domain/catalog';
import type { MappedEvent } from '../domain/commands';
import { mapPaidInvoice } from './mapInvoice';
import { mapSubscriptionEvent } from './mapSubscription';
import { externalIdFromMetadata, idOf } from './readers';

export interface MapContext {
  catalog: Catalog;
  /** true: act only on live events; false: only on test-mode events; null: both. */
  livemode: boolean | null;
}

/**
 * The one place that reads Stripe events: event type → a small function turning the Stripe
 * object into credit commands, or saying why nothing happens.
 */
export function mapStripeEvent(event: Stripe.Event, context: MapContext): MappedEvent {
  if (context.livemode !== null && event.livemode !== context.livemode) {
    return { outcome: 'ignored', reason: `livemode ${String(event.livemode)} is not acted on by this deployment` };
  }
  switch (event.type) {
    case 'invoice.paid':
    case 'invoice.payment_succeeded':
      return mapPaidInvoice(event, context.catalog);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
    case 'customer.subscription.paused':
    case 'customer.subscription.resumed':
      return mapSubscriptionEvent(event, context.catalog);
    case 'checkout.session.completed':
      return mapCheckoutLink(event);
    case 'customer.created':
    case 'customer.updated':
      return mapCustomerLink(event);
    default:
      return { outcome: 'ignored', reason: `event type ${event.type} is not acted on` };
  }
}

/** A subscription checkout links the app's user id to the Stripe customer. */
function mapCheckoutLink(event: Stripe.CheckoutSessionCompletedEvent): MappedEvent {
  const session = event.data.object;
  const customer = idOf(session.customer);
  const externalId = session.client_reference_id ?? externalIdFromMetadata(session.metadata);
  if (!customer || !externalId) return { outcome: 'ignored', reason: 'checkout session links no app user' };
  return { outcome: 'apply', customer, commands: [{ kind: 'link_external_id', externalId }] };
}

function mapCustomerLink(event: Stripe.CustomerCreatedEvent | Stripe.CustomerUpdatedEvent): MappedEvent {
  const customer = event.data.object;
  const externalId = externalIdFromMetadata(customer.metadata);
  if (!externalId) return { outcome: 'ignored', reason: 'customer has no metadata.external_id' };
  return { outcome: 'apply', customer: customer.id, commands: [{ kind: 'link_external_id', externalId }] };
}
