import type Stripe from 'stripe';
import type { z } from 'zod';
import type { EventMapper, IncomingEvent } from '../app/ports';
import type { Catalog } from '../domain/catalog';
import type { MappedEvent } from '../domain/commands';
import { envelopeProblem, isStripeEvent } from './envelope';
import { mapChargeRefunded, mapDispute } from './mapCharge';
import { mapCheckoutEvent } from './mapCheckout';
import { mapPaidInvoice } from './mapInvoice';
import { mapSubscriptionEvent } from './mapSubscription';
import type { MapLookups } from './lookups';
import { externalIdFromMetadata } from './readers';
import { chargeShape, checkoutSessionShape, customerShape, disputeShape, invoiceShape, shapeProblem, subscriptionShape } from './shapes';

export interface MapContext {
  catalog: Catalog;
  /** true: act only on live events; false: only on test-mode events; null: both. */
  livemode: boolean | null;
  /** Reads a few events need (payment-link line items, a dispute's customer); a failure is a 500. */
  lookups: MapLookups;
}

/** Each Stripe event type with the event type the SDK declares for it. */
type StripeEventOf = { [T in Stripe.Event.Type]: Extract<Stripe.Event, { type: T }> };

interface EventHandler<E extends Stripe.Event> {
  /** What the handler reads of `data.object`, checked first: an object that fails parks with the reason. */
  object: z.ZodType;
  map(event: E, context: MapContext): Promise<MappedEvent> | MappedEvent;
}

type EventHandlers = { [T in Stripe.Event.Type]?: EventHandler<StripeEventOf[T]> };

/**
 * The one place that reads Stripe events: event type → a small function turning the Stripe object into
 * credit commands, or saying why nothing happens. A type not listed here is `ignored`.
 */
const EVENT_HANDLERS = {
  'invoice.paid': { object: invoiceShape, map: (event, { catalog }) => mapPaidInvoice(event, catalog) },
  'invoice.payment_succeeded': { object: invoiceShape, map: (event, { catalog }) => mapPaidInvoice(event, catalog) },
  'customer.subscription.created': { object: subscriptionShape, map: (event, { catalog }) => mapSubscriptionEvent(event, catalog) },
  'customer.subscription.updated': { object: subscriptionShape, map: (event, { catalog }) => mapSubscriptionEvent(event, catalog) },
  'customer.subscription.deleted': { object: subscriptionShape, map: (event, { catalog }) => mapSubscriptionEvent(event, catalog) },
  'customer.subscription.paused': { object: subscriptionShape, map: (event, { catalog }) => mapSubscriptionEvent(event, catalog) },
  'customer.subscription.resumed': { object: subscriptionShape, map: (event, { catalog }) => mapSubscriptionEvent(event, catalog) },
  'checkout.session.completed': { object: checkoutSessionShape, map: (event, c) => mapCheckoutEvent(event, c.catalog, c.lookups) },
  'checkout.session.async_payment_succeeded': { object: checkoutSessionShape, map: (event, c) => mapCheckoutEvent(event, c.catalog, c.lookups) },
  'checkout.session.async_payment_failed': { object: checkoutSessionShape, map: (event, c) => mapCheckoutEvent(event, c.catalog, c.lookups) },
  'charge.refunded': { object: chargeShape, map: (event, { lookups }) => mapChargeRefunded(event, lookups) },
  'charge.dispute.created': { object: disputeShape, map: (event, { lookups }) => mapDispute(event, lookups) },
  'charge.dispute.closed': { object: disputeShape, map: (event, { lookups }) => mapDispute(event, lookups) },
  'customer.created': { object: customerShape, map: (event) => mapCustomerLink(event) },
  'customer.updated': { object: customerShape, map: (event) => mapCustomerLink(event) },
} satisfies EventHandlers;

type HandledType = keyof typeof EVENT_HANDLERS;

/** The table seen through its type, so that indexing it by a type `T` gives the handler of `StripeEventOf[T]`. */
const handlers: { [T in HandledType]: EventHandler<StripeEventOf[T]> } = EVENT_HANDLERS;

function isHandled(event: Stripe.Event): event is StripeEventOf[HandledType] {
  return Object.hasOwn(EVENT_HANDLERS, event.type);
}

function isHandledType(type: string): type is HandledType {
  return Object.hasOwn(EVENT_HANDLERS, type);
}

/** What `replay` asks Stripe for: the table's own keys, so the two cannot drift apart. */
export const ACTED_ON_EVENT_TYPES: HandledType[] = Object.keys(EVENT_HANDLERS).filter(isHandledType);

async function handle<T extends HandledType>(type: T, event: StripeEventOf[T], context: MapContext): Promise<MappedEvent> {
  const handler = handlers[type];
  const problem = shapeProblem(handler.object, event.data.object, 'data.object');
  if (problem) return { outcome: 'parked', reason: `${type} ${event.id}: ${problem}`, customer: null };
  return handler.map(event, context);
}

/** Reads a recorded event's payload: its envelope, its livemode, then the handler of its type. */
export async function mapStripeEvent(payload: unknown, context: MapContext): Promise<MappedEvent> {
  if (!isStripeEvent(payload)) {
    return { outcome: 'parked', reason: `not a readable Stripe event: ${envelopeProblem(payload) ?? 'unknown shape'}`, customer: null };
  }
  if (context.livemode !== null && payload.livemode !== context.livemode) {
    return { outcome: 'ignored', reason: `livemode ${String(payload.livemode)} is not acted on by this deployment` };
  }
  if (!isHandled(payload)) return { outcome: 'ignored', reason: `event type ${payload.type} is not acted on` };
  return handle(payload.type, payload, context);
}

/** The Stripe mapping as the ingest use case asks it (src/app/eventMapper.ts). */
export function stripeEventMapper(context: MapContext): EventMapper {
  return { map: (event: IncomingEvent) => mapStripeEvent(event.payload, context) };
}

function mapCustomerLink(event: Stripe.CustomerCreatedEvent | Stripe.CustomerUpdatedEvent): MappedEvent {
  const customer = event.data.object;
  const externalId = externalIdFromMetadata(customer.metadata);
  if (!externalId) return { outcome: 'ignored', reason: 'customer has no metadata.external_id' };
  return { outcome: 'apply', customer: customer.id, commands: [{ kind: 'link_external_id', externalId }] };
}
