import type Stripe from 'stripe';
import type { Catalog } from '../domain/catalog';
import type { MappedEvent } from '../domain/commands';
import { mapChargeRefunded, mapDispute } from './mapCharge';
import { mapCheckoutEvent } from './mapCheckout';
import { mapPaidInvoice } from './mapInvoice';
import { mapSubscriptionEvent } from './mapSubscription';
import type { MapLookups } from './lookups';
import { externalIdFromMetadata } from './readers';

export interface MapContext {
  catalog: Catalog;
  /** true: act only on live events; false: only on test-mode events; null: both. */
  livemode: boolean | null;
  /** Reads a few events need (payment-link line items, a dispute's customer); a failure is a 500. */
  lookups: MapLookups;
}

/** The event types the switch below acts on (kept in step with it): what `replay` asks Stripe for. */
export const ACTED_ON_EVENT_TYPES: Stripe.Event.Type[] = [
  'invoice.paid',
  'invoice.payment_succeeded',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'customer.created',
  'customer.updated',
];

/**
 * The one place that reads Stripe events: event type → a small function turning the Stripe
 * object into credit commands, or saying why nothing happens.
 */
export async function mapStripeEvent(event: Stripe.Event, context: MapContext): Promise<MappedEvent> {
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
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
      return mapCheckoutEvent(event, context.catalog, context.lookups);
    case 'charge.refunded':
      return mapChargeRefunded(event, context.lookups);
    case 'charge.dispute.created':
    case 'charge.dispute.closed':
      return mapDispute(event, context.lookups);
    case 'customer.created':
    case 'customer.updated':
      return mapCustomerLink(event);
    default:
      return { outcome: 'ignored', reason: `event type ${event.type} is not acted on` };
  }
}

function mapCustomerLink(event: Stripe.CustomerCreatedEvent | Stripe.CustomerUpdatedEvent): MappedEvent {
  const customer = event.data.object;
  const externalId = externalIdFromMetadata(customer.metadata);
  if (!externalId) return { outcome: 'ignored', reason: 'customer has no metadata.external_id' };
  return { outcome: 'apply', customer: customer.id, commands: [{ kind: 'link_external_id', externalId }] };
}
