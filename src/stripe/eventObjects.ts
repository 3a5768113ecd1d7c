import Stripe from 'stripe';
import type { IncomingEvent } from '../app/ports';
import { STRIPE_API_VERSION } from './apiVersion';
import { toDate } from './readers';

/**
 * Events built from Stripe objects, so that reconcile's `--fix` repairs through the webhook's own
 * path (ingestEvent with the Stripe mapper) and never through a second implementation of the policy.
 * Their ids are `reconcile:<object id>` (`reconcile:<dispute id>:closed` for a closed dispute): a
 * second fix of one object is a duplicate, and the effects stay keyed by business object as always.
 */

function base(id: string, created: number, livemode: boolean): Omit<Stripe.EventBase, 'type' | 'data'> {
  return { id, object: 'event', api_version: STRIPE_API_VERSION, created, livemode, pending_webhooks: 0, request: { id: null, idempotency_key: null } };
}

/** When an invoice was paid: what the invoice.paid webhook would have been stamped with. */
export function invoicePaidEvent(invoice: Stripe.Invoice): Stripe.InvoicePaidEvent {
  const created = invoice.status_transitions?.paid_at ?? invoice.created;
  return { ...base(`reconcile:${invoice.id}`, created, invoice.livemode), type: 'invoice.paid', data: { object: invoice } };
}

/** A Checkout Session has no completion time; its creation is the closest Stripe keeps (sessions last 24 hours). */
export function checkoutCompletedEvent(session: Stripe.Checkout.Session): Stripe.CheckoutSessionCompletedEvent {
  return { ...base(`reconcile:${session.id}`, session.created, session.livemode), type: 'checkout.session.completed', data: { object: session } };
}

/** A charge carries the cumulative amount refunded, which is all the refund policy reads. */
export function chargeRefundedEvent(charge: Stripe.Charge, now: Date): Stripe.ChargeRefundedEvent {
  return { ...base(`reconcile:${charge.id}`, unix(now), charge.livemode), type: 'charge.refunded', data: { object: charge } };
}

const CLOSED: Stripe.Dispute.Status[] = ['won', 'lost', 'warning_closed'];

export function disputeEvent(dispute: Stripe.Dispute, now: Date): Stripe.ChargeDisputeCreatedEvent | Stripe.ChargeDisputeClosedEvent {
  if (CLOSED.includes(dispute.status)) {
    return { ...base(`reconcile:${dispute.id}:closed`, unix(now), dispute.livemode), type: 'charge.dispute.closed', data: { object: dispute } };
  }
  return { ...base(`reconcile:${dispute.id}`, dispute.created, dispute.livemode), type: 'charge.dispute.created', data: { object: dispute } };
}

function unix(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

export function incomingEvent(event: Stripe.Event): IncomingEvent {
  return { id: event.id, type: event.type, created: toDate(event.created), livemode: event.livemode, payload: event };
}

/** Stripe answers 404 `resource_missing` for an id it does not know. */
export function isMissing(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeError && (error.statusCode === 404 || error.code === 'resource_missing');
}
