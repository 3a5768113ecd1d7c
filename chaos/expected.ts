/**
 * What the ledgers must hold after a set of Stripe events has been applied exactly once, in any order,
 * computed from the events themselves by this small, separate reading of the credit policy (SPEC §3),
 * limited to what the suite's stories send (every term's first slot is running now):
 * - a paid subscription invoice grants its plan's monthly credits once per invoice (ref: the invoice);
 * - a paid upgrade invoice raises that slot to the largest plan paid for, once (ref: the term's invoice);
 * - a paid top-up checkout grants credits × quantity from the catalog (ref: the session);
 * - refunds revoke floor(credits × amount_refunded / amount) in total, Stripe's amount_refunded being
 *   cumulative, so only the largest one counts (ref: the payment intent);
 * - the newest subscription snapshot (by event.created) decides `cancel_at_period_end`.
 */
import type Stripe from 'stripe';
import { monthlyCreditsOf, topupCreditsOf } from './catalog';

export type EffectType = 'grant' | 'raise' | 'revoke' | 'debit';

/** One business effect: the signed sum of the ledger entries of this type and ref. */
export interface Effect {
  type: EffectType;
  ref: string;
  amount: number;
}

export interface ExpectedAccount {
  customer: string;
  effects: Effect[];
  balance: number;
  /** null when no subscription snapshot was sent. */
  cancelAtPeriodEnd: boolean | null;
}

interface Term {
  customer: string;
  invoice: string;
  base: number;
  /** The largest monthly allotment paid for during the slot (upgrades). */
  level: number;
}

interface Topup {
  customer: string;
  session: string;
  credits: number;
}

interface Refund {
  customer: string;
  amount: number;
  refunded: number;
}

class Expectation {
  readonly terms = new Map<string, Term>();
  readonly upgrades = new Map<string, number>();
  readonly topups = new Map<string, Topup>();
  readonly refunds = new Map<string, Refund>();
  readonly snapshots = new Map<string, { created: number; cancelAtPeriodEnd: boolean }>();
  readonly customers = new Set<string>();
}

function customerOf(value: string | { id: string } | null): string {
  if (value === null) throw new Error('the suite sends no event without a customer');
  return typeof value === 'string' ? value : value.id;
}

function linePrice(line: Stripe.InvoiceLineItem): string {
  const price = line.pricing?.price_details?.price;
  const id = typeof price === 'string' ? price : price?.id;
  if (!id) throw new Error(`invoice line ${line.id} has no price`);
  return id;
}

function creditsOfPrice(price: string): number {
  const credits = monthlyCreditsOf(price);
  if (credits === undefined) throw new Error(`the suite sent a price the catalog does not sell: ${price}`);
  return credits;
}

function paidInvoice(state: Expectation, invoice: Stripe.Invoice): void {
  const customer = customerOf(invoice.customer);
  const subscription = invoice.parent?.subscription_details?.subscription;
  const key = typeof subscription === 'string' ? subscription : subscription?.id;
  if (!key) throw new Error(`invoice ${invoice.id} has no subscription`);
  state.customers.add(customer);
  if (invoice.billing_reason === 'subscription_update') {
    const charged = invoice.lines.data.find((line) => line.parent?.subscription_item_details?.proration && line.amount > 0);
    if (!charged) throw new Error(`upgrade invoice ${invoice.id} charges no new plan`);
    state.upgrades.set(key, Math.max(state.upgrades.get(key) ?? 0, creditsOfPrice(linePrice(charged))));
    return;
  }
  const line = invoice.lines.data[0];
  if (!line) throw new Error(`invoice ${invoice.id} has no line`);
  const base = creditsOfPrice(linePrice(line));
  state.terms.set(key, { customer, invoice: invoice.id, base, level: base });
}

function completedCheckout(state: Expectation, session: Stripe.Checkout.Session): void {
  const customer = customerOf(session.customer);
  state.customers.add(customer);
  if (session.mode !== 'payment') return;
  const price = session.metadata?.['credits_price'] ?? '';
  const perPack = topupCreditsOf(price);
  if (perPack === undefined) throw new Error(`the suite sent a top-up price the catalog does not sell: ${price}`);
  const paymentIntent = customerOf(session.payment_intent);
  const quantity = Number(session.metadata?.['credits_quantity'] ?? '1');
  state.topups.set(paymentIntent, { customer, session: session.id, credits: perPack * quantity });
}

function refundedCharge(state: Expectation, charge: Stripe.Charge): void {
  const customer = customerOf(charge.customer);
  const paymentIntent = customerOf(charge.payment_intent);
  const known = state.refunds.get(paymentIntent);
  state.refunds.set(paymentIntent, { customer, amount: charge.amount, refunded: Math.max(known?.refunded ?? 0, charge.amount_refunded) });
}

function subscriptionSnapshot(state: Expectation, event: Stripe.Event, subscription: Stripe.Subscription): void {
  const customer = customerOf(subscription.customer);
  state.customers.add(customer);
  const known = state.snapshots.get(customer);
  if (!known || event.created > known.created) {
    state.snapshots.set(customer, { created: event.created, cancelAtPeriodEnd: subscription.cancel_at_period_end });
  }
}

function read(state: Expectation, event: Stripe.Event): void {
  switch (event.type) {
    case 'invoice.paid':
    case 'invoice.payment_succeeded':
      return paidInvoice(state, event.data.object);
    case 'checkout.session.completed':
      return completedCheckout(state, event.data.object);
    case 'charge.refunded':
      return refundedCharge(state, event.data.object);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
      return subscriptionSnapshot(state, event, event.data.object);
    default:
      throw new Error(`the expected-ledger calculator does not know ${event.type}`);
  }
}

/** The expected account of every customer the events name. */
export function expectedAccounts(events: readonly Stripe.Event[]): Map<string, ExpectedAccount> {
  const state = new Expectation();
  for (const event of events) read(state, event);
  const accounts = new Map<string, ExpectedAccount>();
  const account = (customer: string): ExpectedAccount => {
    let found = accounts.get(customer);
    if (!found) {
      found = { customer, effects: [], balance: 0, cancelAtPeriodEnd: state.snapshots.get(customer)?.cancelAtPeriodEnd ?? null };
      accounts.set(customer, found);
    }
    return found;
  };
  const add = (customer: string, effect: Effect): void => {
    const target = account(customer);
    target.effects.push(effect);
    target.balance += effect.amount;
  };
  for (const customer of state.customers) account(customer);
  for (const [subscription, term] of state.terms) {
    add(term.customer, { type: 'grant', ref: term.invoice, amount: term.base });
    const raised = Math.max(term.base, state.upgrades.get(subscription) ?? 0);
    if (raised > term.base) add(term.customer, { type: 'raise', ref: term.invoice, amount: raised - term.base });
  }
  for (const [paymentIntent, topup] of state.topups) {
    add(topup.customer, { type: 'grant', ref: topup.session, amount: topup.credits });
    const refund = state.refunds.get(paymentIntent);
    const revoked = refund ? Math.min(topup.credits, Math.floor((topup.credits * Math.min(refund.refunded, refund.amount)) / refund.amount)) : 0;
    if (revoked > 0) add(topup.customer, { type: 'revoke', ref: paymentIntent, amount: -revoked });
  }
  return accounts;
}
