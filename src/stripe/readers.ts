import type Stripe from 'stripe';

/**
 * Field readers: each tries the current API shape first, then the shape of older API versions
 * (webhook endpoints keep the version they were created with, so both arrive). The fields they read
 * were checked against src/stripe/shapes.ts before any handler runs: ids are strings, times sane.
 */

/** A field that older API versions had and the current types no longer declare. */
function legacyField(object: object, key: string): unknown {
  return Reflect.get(object, key);
}

export function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string') return value.id;
  return null;
}

export function toDate(seconds: number): Date {
  return new Date(seconds * 1000);
}

export function invoiceCustomer(invoice: Stripe.Invoice): string | null {
  return idOf(invoice.customer);
}

export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  const current = idOf(invoice.parent?.subscription_details?.subscription);
  return current ?? idOf(legacyField(invoice, 'subscription'));
}

export function isProration(line: Stripe.InvoiceLineItem): boolean {
  const details = line.parent?.subscription_item_details ?? line.parent?.invoice_item_details;
  if (details) return details.proration;
  return legacyField(line, 'proration') === true;
}

function isSubscriptionLine(line: Stripe.InvoiceLineItem): boolean {
  if (line.parent) return line.parent.type === 'subscription_item_details';
  return legacyField(line, 'type') === 'subscription';
}

/**
 * The line charging for the new plan of a mid-cycle change: a positive proration ("Remaining time on
 * …"). Its negative twin credits the old plan. Current shape: parent.*_details.proration; older: line.proration.
 */
export function upgradeProrationLine(invoice: Stripe.Invoice): Stripe.InvoiceLineItem | null {
  return invoice.lines.data.find((line) => isProration(line) && line.amount > 0 && linePrice(line) !== null) ?? null;
}

export function linePrice(line: Stripe.InvoiceLineItem): string | null {
  const current = idOf(line.pricing?.price_details?.price);
  if (current) return current;
  const price = legacyField(line, 'price');
  return idOf(price) ?? idOf(legacyField(line, 'plan'));
}

/** The line that bills the plan for the new period (not a proration), which carries the service period. */
export function subscriptionPeriodLine(invoice: Stripe.Invoice): Stripe.InvoiceLineItem | null {
  return invoice.lines.data.find((line) => isSubscriptionLine(line) && !isProration(line)) ?? null;
}

export function invoicePaidAt(invoice: Stripe.Invoice, fallback: Date): Date {
  const paidAt = invoice.status_transitions?.paid_at;
  return typeof paidAt === 'number' ? toDate(paidAt) : fallback;
}

function firstItem(subscription: Stripe.Subscription): Stripe.SubscriptionItem | null {
  return subscription.items?.data?.[0] ?? null;
}

export function subscriptionPrice(subscription: Stripe.Subscription): string | null {
  const item = firstItem(subscription);
  return item ? idOf(item.price) : idOf(legacyField(subscription, 'plan'));
}

export function subscriptionPeriod(subscription: Stripe.Subscription): { start: Date; end: Date } | null {
  const item = firstItem(subscription);
  const start = item?.current_period_start ?? legacyField(subscription, 'current_period_start');
  const end = item?.current_period_end ?? legacyField(subscription, 'current_period_end');
  if (typeof start !== 'number' || typeof end !== 'number') return null;
  return { start: toDate(start), end: toDate(end) };
}

/** The price a subscription had before this update, when `previous_attributes` says it changed. */
export function previousSubscriptionPrice(previous: Partial<Stripe.Subscription> | undefined): string | null {
  if (!previous) return null;
  const items: unknown = previous.items;
  if (typeof items === 'object' && items !== null && 'data' in items && Array.isArray(items.data)) {
    const first: unknown = items.data[0];
    if (typeof first === 'object' && first !== null && 'price' in first) return idOf(first.price);
  }
  return idOf(legacyField(previous, 'plan'));
}

/** Older API versions name the charge's invoice; the current one links them only through InvoicePayment. */
export function chargeInvoice(charge: Stripe.Charge): string | null {
  return idOf(legacyField(charge, 'invoice'));
}

export function externalIdFromMetadata(metadata: Stripe.Metadata | null | undefined): string | null {
  const value = metadata?.['external_id'];
  return typeof value === 'string' && value.length > 0 && value.length <= 255 ? value : null;
}
