import { z } from 'zod';

/**
 * What the mapping reads of each Stripe object, checked before any handler reads it: ids are strings,
 * times are Unix seconds Stripe could have sent, amounts are integers. An object that fails is parked with
 * the first problem as its reason, so no handler, no query and no slot loop ever sees a value a payload
 * made up. Fields of older API versions are checked where the readers fall back to them (src/stripe/readers.ts).
 * Only what is read is checked: Stripe adds fields all the time, and the rest of a payload is left alone.
 */

/** 2000-01-01 and 2200-01-01 in Unix seconds: every time Stripe sends lies between them. */
export const EARLIEST_UNIX_TIME = 946_684_800;
export const LATEST_UNIX_TIME = 7_258_118_400;

const TIME_RULE = 'must be a Unix time in seconds between 2000-01-01 and 2200-01-01';

export const unixTime = z
  .number({ error: TIME_RULE })
  .int({ error: TIME_RULE })
  .min(EARLIEST_UNIX_TIME, { error: TIME_RULE })
  .max(LATEST_UNIX_TIME, { error: TIME_RULE });

export const stripeId = z.string({ error: 'must be an id string' }).min(1, { error: 'must not be empty' }).max(255, { error: 'must be at most 255 characters' });

/** A reference Stripe sends as an id, or as the object when it is expanded. */
const reference = z.union([stripeId, z.looseObject({ id: stripeId })], { error: 'must be an id or an object with an id' });
const optionalReference = reference.nullish();

const amount = z.number({ error: 'must be an integer amount' }).int({ error: 'must be an integer amount' }).min(0).max(Number.MAX_SAFE_INTEGER);
/** Proration lines and credit-heavy invoices go below zero. */
const signedAmount = z
  .number({ error: 'must be an integer amount' })
  .int({ error: 'must be an integer amount' })
  .min(-Number.MAX_SAFE_INTEGER)
  .max(Number.MAX_SAFE_INTEGER);
const metadata = z.record(z.string(), z.string({ error: 'metadata values are strings' })).nullish();
const label = z.string().max(255);

const itemDetails = z.looseObject({ proration: z.boolean() }).nullish();

const invoiceLine = z.looseObject({
  amount: signedAmount,
  period: z.looseObject({ start: unixTime, end: unixTime }, { error: 'must be an object { start, end }' }),
  parent: z.looseObject({ type: label, subscription_item_details: itemDetails, invoice_item_details: itemDetails }).nullish(),
  pricing: z.looseObject({ price_details: z.looseObject({ price: optionalReference }).nullish() }).nullish(),
  // Older API versions.
  price: optionalReference,
  plan: optionalReference,
  proration: z.boolean().optional(),
  type: label.optional(),
});

export const invoiceShape = z.looseObject({
  id: stripeId,
  customer: optionalReference,
  parent: z.looseObject({ subscription_details: z.looseObject({ subscription: optionalReference }).nullish() }).nullish(),
  billing_reason: label.nullish(),
  status: label.nullish(),
  subtotal: signedAmount,
  lines: z.looseObject({ data: z.array(invoiceLine, { error: 'must be a list of invoice lines' }) }, { error: 'must be a list object' }),
  status_transitions: z.looseObject({ paid_at: unixTime.nullish() }).nullish(),
  // Older API versions.
  subscription: optionalReference,
});

const subscriptionItem = z.looseObject({
  price: optionalReference,
  current_period_start: unixTime.nullish(),
  current_period_end: unixTime.nullish(),
});

export const subscriptionShape = z.looseObject({
  id: stripeId,
  customer: optionalReference,
  status: label,
  cancel_at_period_end: z.boolean(),
  ended_at: unixTime.nullish(),
  metadata,
  items: z.looseObject({ data: z.array(subscriptionItem) }).nullish(),
  // Older API versions.
  plan: optionalReference,
  current_period_start: unixTime.nullish(),
  current_period_end: unixTime.nullish(),
});

export const checkoutSessionShape = z.looseObject({
  id: stripeId,
  customer: optionalReference,
  mode: label,
  payment_status: label,
  metadata,
  client_reference_id: stripeId.nullish(),
  payment_intent: optionalReference,
});

export const chargeShape = z.looseObject({
  id: stripeId,
  customer: optionalReference,
  payment_intent: optionalReference,
  amount,
  amount_refunded: amount,
  // Older API versions.
  invoice: optionalReference,
});

export const disputeShape = z.looseObject({
  id: stripeId,
  payment_intent: optionalReference,
  charge: optionalReference,
  status: label,
});

export const customerShape = z.looseObject({ id: stripeId, metadata });

/** The first problem of a value against a shape, naming where it is (`data.object.lines.data.0.period.end: …`), or null. */
export function shapeProblem(shape: z.ZodType, value: unknown, where: string): string | null {
  const result = shape.safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0];
  if (!issue) return `${where} is malformed`;
  const path = [where, ...issue.path.map(String)].join('.');
  return `${path}: ${issue.message}`;
}
