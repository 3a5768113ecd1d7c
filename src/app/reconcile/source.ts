import type { GrantRef, StripeFact } from '../../domain/reconcile';
import type { IncomingEvent, StoredEvent } from '../ports';

/** A Stripe object (or a parked event) as reconcile sees it: what the webhook path makes of it, and the event to apply. */
export interface StripeRecord extends StripeFact {
  /**
   * What `--fix` hands to the webhook's own path (ingestEvent): an event synthesized from the object, with the id
   * `reconcile:<object id>` (so a second fix is a duplicate), or a parked event as it was stored.
   */
  event: IncomingEvent;
}

/**
 * Reconcile's view of Stripe (implemented in src/stripe/reconcileSource.ts). Every listing is
 * paged by the SDK and read one customer at a time, so memory holds one customer, never the account book.
 */
export interface ReconcileSource {
  /** Every Stripe customer id, page by page. */
  customers(): AsyncIterable<string>;
  /**
   * One customer's paid subscription invoices and paid payment-mode Checkout Sessions created since
   * `since` (all when null), and the refunds and disputes of all its charges (a refund can come long
   * after the payment), each read through the webhook's mapping.
   */
  recordsOf(customer: string, since: Date | null): Promise<StripeRecord[]>;
  /** One invoice or session by id, for a grant the listing did not show; null when Stripe has none. */
  recordOf(ref: GrantRef): Promise<StripeRecord | null>;
  /** A stored event read again through the mapping, as a retry would read it now. */
  recordOfStoredEvent(event: StoredEvent): Promise<StripeRecord>;
}
