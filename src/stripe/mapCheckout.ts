import type Stripe from 'stripe';
import type { Catalog } from '../domain/catalog';
import { findTopupByPrice } from '../domain/catalog';
import type { CreditCommand, MappedEvent } from '../domain/commands';
import type { CheckoutLineItemsReader } from './lookups';
import { externalIdFromMetadata, idOf, toDate } from './readers';

type CheckoutEvent =
  | Stripe.CheckoutSessionCompletedEvent
  | Stripe.CheckoutSessionAsyncPaymentSucceededEvent
  | Stripe.CheckoutSessionAsyncPaymentFailedEvent;

interface TopupItem {
  price: string;
  quantity: number;
}

/**
 * Checkout Sessions. A subscription checkout only links the app's user (its invoice grants); a
 * one-time payment grants its catalog top-ups once it is paid: at completion for cards, at
 * async_payment_succeeded for delayed methods, never after async_payment_failed.
 */
export async function mapCheckoutEvent(event: CheckoutEvent, catalog: Catalog, lineItems: CheckoutLineItemsReader): Promise<MappedEvent> {
  const session = event.data.object;
  const customer = idOf(session.customer);
  const link = linkCommands(session);
  if (session.mode !== 'payment') {
    if (!customer || link.length === 0) return { outcome: 'ignored', reason: 'checkout session links no app user' };
    return { outcome: 'apply', customer, commands: link };
  }
  if (event.type === 'checkout.session.async_payment_failed') {
    return { outcome: 'ignored', reason: `delayed payment of checkout session ${session.id} failed: nothing granted` };
  }
  if (session.payment_status !== 'paid') {
    return { outcome: 'ignored', reason: `checkout session ${session.id} is ${session.payment_status}: granted once it is paid` };
  }
  if (!customer) return { outcome: 'parked', reason: `checkout session ${session.id} has no customer`, customer: null };
  const items = ourTopupItems(session.metadata) ?? (await paymentLinkItems(session.id, lineItems));
  if (items === null) {
    return {
      outcome: 'parked',
      reason: `checkout session ${session.id} has no credits metadata (a payment link): reading its line items needs STRIPE_SECRET_KEY; \`replay --parked\` applies it once the key is set`,
      customer,
    };
  }
  if (items === 'invalid') return { outcome: 'parked', reason: `checkout session ${session.id} has malformed credits metadata`, customer };
  let credits = 0;
  for (const item of items) {
    const topup = findTopupByPrice(catalog, item.price);
    if (topup) credits += topup.credits * item.quantity;
    // Our own session names exactly one top-up price: one the catalog no longer sells waits for it.
    else if (isOurs(session.metadata)) {
      return { outcome: 'parked', reason: `unknown top-up price ${item.price} on checkout session ${session.id}`, customer };
    }
  }
  if (credits === 0) return { outcome: 'ignored', reason: `checkout session ${session.id} sells no catalog top-up` };
  const grant: CreditCommand = {
    kind: 'grant_topup',
    topup: {
      session: session.id,
      paymentIntent: idOf(session.payment_intent),
      credits,
      paidAt: toDate(event.created),
      expiry: catalog.topupExpiry,
    },
  };
  return { outcome: 'apply', customer, commands: [grant, ...link] };
}

function linkCommands(session: Stripe.Checkout.Session): CreditCommand[] {
  const externalId = session.client_reference_id ?? externalIdFromMetadata(session.metadata);
  return externalId ? [{ kind: 'link_external_id', externalId }] : [];
}

function isOurs(metadata: Stripe.Metadata | null): boolean {
  return metadata?.['credits_kind'] === 'topup';
}

/** Sessions this service creates say what they sell; only the price and quantity are read, credits come from the catalog. */
function ourTopupItems(metadata: Stripe.Metadata | null): TopupItem[] | 'invalid' | null {
  if (!metadata || !isOurs(metadata)) return null;
  const price = metadata['credits_price'];
  const quantity = Number(metadata['credits_quantity'] ?? '1');
  if (!price || !Number.isInteger(quantity) || quantity < 1) return 'invalid';
  return [{ price, quantity }];
}

/** A payment link's session carries none of our metadata: its line items say what was bought (null: no Stripe key). */
async function paymentLinkItems(sessionId: string, reader: CheckoutLineItemsReader): Promise<TopupItem[] | null> {
  const items = await reader.listCheckoutLineItems(sessionId);
  return items && items.flatMap((item) => (item.price ? [{ price: item.price, quantity: item.quantity ?? 1 }] : []));
}
