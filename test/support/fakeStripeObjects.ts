import type Stripe from 'stripe';
import type { StripeObjects } from '../../src/stripe/reconcileSource';

function customerOf(value: string | { id: string } | null): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}

function createdSince(created: number, since: Date | null): boolean {
  return since === null || created * 1000 >= since.getTime();
}

/**
 * A stateful stand-in for Stripe's side of reconcile: tests put objects in (and change them) as
 * Stripe would hold them, and every listing filters like the real API (by customer, status, created).
 */
export class FakeStripeObjects implements StripeObjects {
  readonly customers: string[] = [];
  readonly invoices: Stripe.Invoice[] = [];
  readonly sessions: Stripe.Checkout.Session[] = [];
  readonly charges_: Stripe.Charge[] = [];
  readonly disputes_: Stripe.Dispute[] = [];
  /** Every call, so a test can see what was asked. */
  readonly calls: string[] = [];

  async *customerIds(): AsyncGenerator<string> {
    this.calls.push('customers.list');
    yield* this.customers;
  }

  async *paidInvoices(customer: string, since: Date | null): AsyncGenerator<Stripe.Invoice> {
    this.calls.push(`invoices.list ${customer}`);
    yield* this.invoices.filter((i) => customerOf(i.customer) === customer && i.status === 'paid' && createdSince(i.created, since));
  }

  async *completedCheckoutSessions(customer: string, since: Date | null): AsyncGenerator<Stripe.Checkout.Session> {
    this.calls.push(`checkout.sessions.list ${customer}`);
    yield* this.sessions.filter((s) => customerOf(s.customer) === customer && s.status === 'complete' && createdSince(s.created, since));
  }

  async *charges(customer: string): AsyncGenerator<Stripe.Charge> {
    this.calls.push(`charges.list ${customer}`);
    yield* this.charges_.filter((c) => customerOf(c.customer) === customer);
  }

  async *disputes(charge: string): AsyncGenerator<Stripe.Dispute> {
    this.calls.push(`disputes.list ${charge}`);
    yield* this.disputes_.filter((d) => customerOf(d.charge) === charge);
  }

  async invoice(id: string): Promise<Stripe.Invoice | null> {
    this.calls.push(`invoices.retrieve ${id}`);
    return this.invoices.find((i) => i.id === id) ?? null;
  }

  async checkoutSession(id: string): Promise<Stripe.Checkout.Session | null> {
    this.calls.push(`checkout.sessions.retrieve ${id}`);
    return this.sessions.find((s) => s.id === id) ?? null;
  }
}
