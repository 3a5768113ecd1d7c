/**
 * Customers' billing stories, told as the Stripe events Stripe would send for them: a subscription paid
 * (invoice.paid and invoice.payment_succeeded of the same invoice), its checkout linking the app's user,
 * portal changes (subscription updates, some of them upgrades with their paid proration invoice),
 * top-up checkouts, and partial and full refunds of top-ups. Events are typed against the `stripe`
 * package through the test fixtures, so a shape change is a compile error here too.
 *
 * Every term started a few days before `now`, so its first monthly slot is running while the suite runs.
 */
import type Stripe from 'stripe';
import {
  chargeObject,
  checkoutSessionObject,
  event,
  invoiceLine,
  invoicePaid,
  invoicePaymentSucceeded,
  subscriptionEvent,
  subscriptionObject,
  topupMetadata,
} from '../test/fixtures/stripe';
import { addMonthsClamped } from '../src/domain/months';
import { PLAN_PRICES, TOPUP_PRICES } from './catalog';
import type { Random } from './random';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface StoryInput {
  /** Distinct events wanted: customers are added until there are at least this many. */
  events: number;
  /** Prefix of every id, so experiments never share a customer. */
  prefix: string;
  now: Date;
  random: Random;
}

export interface Stories {
  customers: string[];
  events: Stripe.Event[];
}

export function tellStories(input: StoryInput): Stories {
  const customers: string[] = [];
  const events: Stripe.Event[] = [];
  for (let n = 0; events.length < input.events; n++) {
    const customer = `cus_${input.prefix}${n}`;
    customers.push(customer);
    events.push(...customerStory({ customer, now: input.now, random: input.random }));
  }
  return { customers, events };
}

function customerStory(input: { customer: string; now: Date; random: Random }): Stripe.Event[] {
  const { random } = input;
  const subscribes = random.chance(0.75);
  const topups = subscribes ? random.int(0, 2) : random.int(1, 3);
  const events: Stripe.Event[] = [];
  if (subscribes) events.push(...subscriptionStory(input));
  for (let k = 0; k < topups; k++) events.push(...topupStory({ ...input, k }));
  return events;
}

/** Seconds precision, as Stripe sends times. */
function instant(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

function subscriptionStory(input: { customer: string; now: Date; random: Random }): Stripe.Event[] {
  const { customer, random } = input;
  const subscription = `sub_${customer.slice(4)}`;
  const invoice = `in_${customer.slice(4)}_create`;
  const upgrades = random.chance(0.3);
  const choice = random.pick(PLAN_PRICES.filter((p) => !upgrades || p.plan === 'pro'));
  const start = instant(input.now.getTime() - random.int(2, 15) * DAY_MS - random.int(0, DAY_MS));
  const end = addMonthsClamped(start, choice.months);
  const term = { customer, subscription, price: choice.price, billingReason: 'subscription_create' as const, periodStart: start, periodEnd: end };
  const events: Stripe.Event[] = [
    invoicePaid({ id: invoice, ...term }, { created: start }),
    invoicePaymentSucceeded({ id: invoice, ...term }, { created: start }),
    event(
      'checkout.session.completed',
      checkoutSessionObject({ customer, mode: 'subscription', subscription, paymentIntent: null, clientReferenceId: `user_${customer.slice(4)}` }),
      { created: start },
    ) satisfies Stripe.CheckoutSessionCompletedEvent,
  ];
  // Portal changes: each snapshot a little later than the one before; the newest one must win.
  const snapshot = { id: subscription, customer, price: choice.price, months: choice.months, periodStart: start, periodEnd: end };
  const changes = random.int(1, 3);
  for (let k = 1; k <= changes; k++) {
    const created = new Date(start.getTime() + k * HOUR_MS);
    events.push(subscriptionEvent('customer.subscription.updated', { ...snapshot, cancelAtPeriodEnd: random.chance(0.5) }, { created }));
  }
  if (upgrades) events.push(...upgradeEvents({ customer, subscription, from: choice, start, end, at: new Date(start.getTime() + DAY_MS) }));
  return events;
}

/** A portal upgrade from pro to max mid-slot: the subscription update, and its paid proration invoice (twice, as two event types). */
function upgradeEvents(input: {
  customer: string;
  subscription: string;
  from: { price: string; months: number };
  start: Date;
  end: Date;
  at: Date;
}): Stripe.Event[] {
  const { customer, subscription, from, at, end } = input;
  const to = PLAN_PRICES.find((p) => p.plan === 'max' && p.months === from.months);
  if (!to) throw new Error(`the catalog has no max price of ${from.months} months`);
  const term = { id: subscription, customer, months: from.months, periodStart: input.start, periodEnd: end };
  const previous = subscriptionObject({ ...term, price: from.price });
  const updated = event('customer.subscription.updated', subscriptionObject({ ...term, price: to.price }), {
    created: new Date(at.getTime() + 10 * HOUR_MS),
    previousAttributes: { items: previous.items },
  }) satisfies Stripe.CustomerSubscriptionUpdatedEvent;
  const lines = [
    invoiceLine({ price: from.price, periodStart: at, periodEnd: end, amount: -2400, proration: true, subscription }),
    invoiceLine({ price: to.price, periodStart: at, periodEnd: end, amount: 9600, proration: true, subscription }),
  ];
  const proration = { id: `in_${customer.slice(4)}_upgrade`, customer, subscription, billingReason: 'subscription_update' as const, lines };
  return [updated, invoicePaid(proration, { created: at }), invoicePaymentSucceeded(proration, { created: at })];
}

/** A top-up bought through our checkout, sometimes refunded in part, then in full (cumulative amount_refunded). */
function topupStory(input: { customer: string; now: Date; random: Random; k: number }): Stripe.Event[] {
  const { customer, random, k } = input;
  const id = `${customer.slice(4)}_${k}`;
  const price = random.pick(TOPUP_PRICES);
  const quantity = random.int(1, 3);
  const amount = 1000 * quantity;
  const paidAt = instant(input.now.getTime() - random.int(1, 2 * DAY_MS));
  const paymentIntent = `pi_${id}`;
  const session = checkoutSessionObject({ id: `cs_test_${id}`, customer, paymentIntent, amountTotal: amount, metadata: topupMetadata(price, quantity) });
  const events: Stripe.Event[] = [event('checkout.session.completed', session, { created: paidAt }) satisfies Stripe.CheckoutSessionCompletedEvent];
  const refunded = (amountRefunded: number, hours: number): Stripe.ChargeRefundedEvent =>
    event('charge.refunded', chargeObject({ id: `ch_${id}`, customer, paymentIntent, amount, amountRefunded }), {
      created: new Date(paidAt.getTime() + hours * HOUR_MS),
    }) satisfies Stripe.ChargeRefundedEvent;
  if (random.chance(0.3)) events.push(refunded(Math.floor(amount / 3), 1));
  if (random.chance(0.2)) events.push(refunded(amount, 2));
  return events;
}
