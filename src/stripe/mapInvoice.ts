import type Stripe from 'stripe';
import type { Catalog } from '../domain/catalog';
import { findPlanByPrice } from '../domain/catalog';
import type { MappedEvent } from '../domain/commands';
import { termLengthProblem } from '../domain/slots';
import {
  invoiceCustomer,
  invoicePaidAt,
  invoiceSubscriptionId,
  linePrice,
  subscriptionPeriodLine,
  toDate,
  upgradeProrationLine,
} from './readers';

/**
 * Billing reasons whose paid invoice starts a term. A `subscription_update` (a plan change) starts
 * one only when it bills a new cycle (an interval change); otherwise its proration raises the slot.
 */
const TERM_REASONS = new Set<string>(['subscription_create', 'subscription_cycle', 'subscription_update']);

/**
 * invoice.paid and invoice.payment_succeeded: a paid subscription invoice starts a term over its
 * subscription line's service period (never invoice.period_*, which describes the previous period).
 */
export function mapPaidInvoice(
  event: Stripe.InvoicePaidEvent | Stripe.InvoicePaymentSucceededEvent,
  catalog: Catalog,
): MappedEvent {
  const invoice = event.data.object;
  const subscriptionId = invoiceSubscriptionId(invoice);
  if (!subscriptionId) return { outcome: 'ignored', reason: 'invoice has no subscription' };
  if (!invoice.billing_reason || !TERM_REASONS.has(invoice.billing_reason)) {
    return { outcome: 'ignored', reason: `billing_reason ${invoice.billing_reason ?? 'null'} starts no term` };
  }
  if (invoice.status !== 'paid') return { outcome: 'ignored', reason: `invoice status ${invoice.status ?? 'null'}` };
  const customer = invoiceCustomer(invoice);
  if (!customer) return { outcome: 'parked', reason: 'invoice has no customer', customer: null };
  const line = subscriptionPeriodLine(invoice);
  if (!line && invoice.billing_reason === 'subscription_update') return mapPaidUpgrade(event, catalog, { customer, subscriptionId });
  if (!line) return { outcome: 'parked', reason: `invoice ${invoice.id} has no subscription line in the event`, customer };
  const price = linePrice(line);
  const match = price ? findPlanByPrice(catalog, price) : undefined;
  if (!match) return { outcome: 'parked', reason: `unknown price ${price ?? '(none)'} on invoice ${invoice.id}`, customer };
  // A trial's invoice bills nothing for the plan line; a 100% coupon bills the plan and discounts it.
  const trial = invoice.billing_reason === 'subscription_create' && invoice.subtotal === 0 && line.amount === 0;
  const period = { start: toDate(line.period.start), end: toDate(line.period.end) };
  // Every slot of a term is granted and stored: a period longer than its price sold is not credited blindly.
  const tooLong = termLengthProblem({ term: period, months: match.months, trial });
  if (tooLong) return { outcome: 'parked', reason: `invoice ${invoice.id}: ${tooLong}`, customer };
  return {
    outcome: 'apply',
    customer,
    commands: [
      {
        kind: 'start_term',
        term: {
          subscriptionId,
          invoiceId: invoice.id,
          plan: match.plan.id,
          price: match.price,
          months: match.months,
          slotCredits: trial ? match.plan.trialCredits : match.plan.monthlyCredits,
          monthlyCredits: match.plan.monthlyCredits,
          trial,
          start: period.start,
          end: period.end,
          paidAt: invoicePaidAt(invoice, toDate(event.created)),
        },
      },
    ],
  };
}

/**
 * A paid mid-cycle plan change: the positive proration line bills the new plan from the instant of
 * the change, which is when the slot is raised (`upgradeCredits: "on_payment"`). A downgrade bills
 * no positive line and raises nothing; its subscription event sets the plan of later slots.
 */
function mapPaidUpgrade(
  event: Stripe.InvoicePaidEvent | Stripe.InvoicePaymentSucceededEvent,
  catalog: Catalog,
  ids: { customer: string; subscriptionId: string },
): MappedEvent {
  const invoice = event.data.object;
  const line = upgradeProrationLine(invoice);
  if (!line) return { outcome: 'ignored', reason: `plan change invoice ${invoice.id} charges for no new plan` };
  const price = linePrice(line);
  const match = price ? findPlanByPrice(catalog, price) : undefined;
  if (!match) return { outcome: 'parked', reason: `unknown price ${price ?? '(none)'} on invoice ${invoice.id}`, customer: ids.customer };
  return {
    outcome: 'apply',
    customer: ids.customer,
    commands: [
      {
        kind: 'record_plan_change',
        change: {
          subscriptionId: ids.subscriptionId,
          at: toDate(line.period.start),
          plan: match.plan.id,
          price: match.price,
          monthlyCredits: match.plan.monthlyCredits,
          raisesSlot: true,
        },
      },
    ],
  };
}
