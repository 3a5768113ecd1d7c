import type Stripe from 'stripe';
import type { EventMapper, ReconcileSource, StoredEvent, StripeRecord } from '../app/ports';
import type { Clock } from '../domain/clock';
import type { GrantRef, StripeObjectKind } from '../domain/reconcile';
import { chargeRefundedEvent, checkoutCompletedEvent, disputeEvent, incomingEvent, invoicePaidEvent, isMissing } from './eventObjects';

/** The Stripe reads reconcile needs, one customer at a time; each listing is auto-paginated. */
export interface StripeObjects {
  customerIds(): AsyncIterable<string>;
  paidInvoices(customer: string, since: Date | null): AsyncIterable<Stripe.Invoice>;
  completedCheckoutSessions(customer: string, since: Date | null): AsyncIterable<Stripe.Checkout.Session>;
  charges(customer: string): AsyncIterable<Stripe.Charge>;
  disputes(charge: string): AsyncIterable<Stripe.Dispute>;
  invoice(id: string): Promise<Stripe.Invoice | null>;
  checkoutSession(id: string): Promise<Stripe.Checkout.Session | null>;
}

const LIMIT = 100;

function created(since: Date | null): { created?: { gte: number } } {
  return since ? { created: { gte: Math.floor(since.getTime() / 1000) } } : {};
}

async function* ids(list: AsyncIterable<{ id: string }>): AsyncGenerator<string> {
  for await (const item of list) yield item.id;
}

async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** The SDK's list calls, iterated with `for await` so each page is fetched only when the previous one is used up. */
export function sdkStripeObjects(stripe: Stripe): StripeObjects {
  return {
    customerIds: () => ids(stripe.customers.list({ limit: LIMIT })),
    paidInvoices: (customer, since) => stripe.invoices.list({ customer, status: 'paid', limit: LIMIT, ...created(since) }),
    completedCheckoutSessions: (customer, since) => stripe.checkout.sessions.list({ customer, status: 'complete', limit: LIMIT, ...created(since) }),
    charges: (customer) => stripe.charges.list({ customer, limit: LIMIT }),
    disputes: (charge) => stripe.disputes.list({ charge, limit: LIMIT }),
    invoice: (id) => orNull(stripe.invoices.retrieve(id)),
    checkoutSession: (id) => orNull(stripe.checkout.sessions.retrieve(id)),
  };
}

export interface ReconcileSourceOptions {
  objects: StripeObjects;
  /** The webhook's own mapping, which reads every record exactly as a delivery of its event would be read. */
  mapper: EventMapper;
  /** Stamps the events of refunds and closed disputes, which Stripe does not date. */
  clock: Clock;
}

/** Reconcile's view of Stripe: each object becomes the event the webhook would have received, read by the webhook's mapping. */
export function createReconcileSource(options: ReconcileSourceOptions): ReconcileSource {
  const { objects, mapper } = options;
  const record = async (kind: StripeObjectKind, id: string, event: Stripe.Event): Promise<StripeRecord> => {
    const incoming = incomingEvent(event);
    return { kind, id, mapped: await mapper.map(incoming), event: incoming };
  };
  const invoiceRecord = (invoice: Stripe.Invoice): Promise<StripeRecord> => record('invoice', invoice.id, invoicePaidEvent(invoice));
  const sessionRecord = (session: Stripe.Checkout.Session): Promise<StripeRecord> =>
    record('checkout_session', session.id, checkoutCompletedEvent(session));

  return {
    customers: () => objects.customerIds(),

    async recordsOf(customer, since) {
      const records: StripeRecord[] = [];
      for await (const invoice of objects.paidInvoices(customer, since)) records.push(await invoiceRecord(invoice));
      for await (const session of objects.completedCheckoutSessions(customer, since)) {
        if (session.mode === 'payment' && session.payment_status === 'paid') records.push(await sessionRecord(session));
      }
      const now = options.clock.now();
      for await (const charge of objects.charges(customer)) {
        if (charge.amount_refunded > 0) records.push(await record('charge', charge.id, chargeRefundedEvent(charge, now)));
        if (!charge.disputed) continue;
        for await (const dispute of objects.disputes(charge.id)) records.push(await record('dispute', dispute.id, disputeEvent(dispute, now)));
      }
      return records;
    },

    async recordOf(ref: GrantRef) {
      if (ref.kind === 'invoice') {
        const invoice = await objects.invoice(ref.id);
        return invoice && invoice.status === 'paid' ? invoiceRecord(invoice) : null;
      }
      const session = await objects.checkoutSession(ref.id);
      return session && session.mode === 'payment' && session.payment_status === 'paid' ? sessionRecord(session) : null;
    },

    async recordOfStoredEvent(stored: StoredEvent) {
      return { kind: 'event', id: stored.id, mapped: await mapper.map(stored), event: stored };
    },
  };
}
