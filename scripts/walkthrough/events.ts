/**
 * The Stripe events of the walkthrough's story, typed against the `stripe` package (a shape change is a
 * compile error) and built by the same fixtures as the tests. Ids are fixed so every run is the same.
 */
import type Stripe from 'stripe';
import {
  chargeObject,
  checkoutSessionObject,
  event,
  invoiceLine,
  invoicePaid,
  subscriptionObject,
  topupMetadata,
} from '../../test/fixtures/stripe';
import type { Action } from './story';
import { CUSTOMER, SUBSCRIPTION } from './story';

type TopupAction = Extract<Action, { kind: 'topup' }>;
type RefundAction = Extract<Action, { kind: 'refund' }>;
type UpgradeAction = Extract<Action, { kind: 'upgrade' }>;

const TOPUP_SESSION = 'cs_test_walkthrough_topup';
const TOPUP_PAYMENT = 'pi_walkthrough_topup';
const TOPUP_CHARGE = 'ch_walkthrough_topup';

/** A paid subscription invoice whose plan line bills `price` for [start, end): it starts a term. */
export function termPaid(input: { id: string; price: string; start: string; end: string; reason: Stripe.Invoice.BillingReason }): Stripe.InvoicePaidEvent {
  return invoicePaid(
    { id: input.id, customer: CUSTOMER, subscription: SUBSCRIPTION, price: input.price, billingReason: input.reason, periodStart: input.start, periodEnd: input.end },
    { created: input.start },
  ) satisfies Stripe.InvoicePaidEvent;
}

/** The Checkout Session our `POST /checkout/topup` creates, completed and paid by card. */
export function topupCompleted(action: TopupAction): Stripe.CheckoutSessionCompletedEvent {
  const session = checkoutSessionObject({
    id: TOPUP_SESSION,
    customer: CUSTOMER,
    paymentIntent: TOPUP_PAYMENT,
    amountTotal: action.amountPaid,
    metadata: topupMetadata(action.price, action.quantity),
  });
  return event('checkout.session.completed', session, { created: action.at }) satisfies Stripe.CheckoutSessionCompletedEvent;
}

/** charge.refunded for the top-up's charge, carrying Stripe's cumulative amount_refunded. */
export function topupRefunded(action: RefundAction, topup: TopupAction): Stripe.ChargeRefundedEvent {
  const charge = chargeObject({
    id: TOPUP_CHARGE,
    customer: CUSTOMER,
    paymentIntent: TOPUP_PAYMENT,
    amount: topup.amountPaid,
    amountRefunded: action.amountRefunded,
  });
  return event('charge.refunded', charge, { created: action.at }) satisfies Stripe.ChargeRefundedEvent;
}

/**
 * What Stripe sends for a portal switch between annual prices mid-term: the subscription update (its
 * `previous_attributes` name the old price), then the paid `subscription_update` invoice whose proration
 * lines credit the unused old plan and charge the new one to the term's end. With `upgradeCredits:
 * "on_payment"` the raise comes from that invoice's positive proration line.
 */
export function upgradeEvents(input: { action: UpgradeAction; from: string; to: string; termStart: string; termEnd: string }): [
  Stripe.CustomerSubscriptionUpdatedEvent,
  Stripe.InvoicePaidEvent,
] {
  const { action, termStart, termEnd } = input;
  const term = { id: SUBSCRIPTION, customer: CUSTOMER, months: 12, periodStart: termStart, periodEnd: termEnd };
  const previous = subscriptionObject({ ...term, price: input.from });
  const updated = event('customer.subscription.updated', subscriptionObject({ ...term, price: input.to }), {
    created: action.at,
    previousAttributes: { items: previous.items },
  }) satisfies Stripe.CustomerSubscriptionUpdatedEvent;
  const line = (price: string, amount: number) =>
    invoiceLine({ price, periodStart: action.at, periodEnd: termEnd, amount, proration: true, subscription: SUBSCRIPTION });
  const paid = invoicePaid(
    {
      id: 'in_walkthrough_upgrade',
      customer: CUSTOMER,
      subscription: SUBSCRIPTION,
      billingReason: 'subscription_update',
      lines: [line(input.from, -2400), line(input.to, 9600)],
    },
    { created: action.at },
  ) satisfies Stripe.InvoicePaidEvent;
  return [updated, paid];
}
