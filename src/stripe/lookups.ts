import type Stripe from 'stripe';
import { idOf } from './readers';

/**
 * What mapping a few events needs to ask Stripe or the store. A failure here throws, so the webhook
 * answers 500 and Stripe retries (nothing was applied yet). A deployment without a Stripe key cannot ask
 * Stripe at all, and no retry changes that: the lookups then answer "not known" and the event parks
 * until `replay --parked` runs with a key.
 */
export interface CheckoutLineItemsReader {
  /** Every line item of a session, all pages; null when there is no Stripe key to read them with. */
  listCheckoutLineItems(sessionId: string): Promise<{ price: string | null; quantity: number | null }[] | null>;
}

export interface PaymentCustomerFinder {
  /** The customer who paid: the account that already holds this payment, else Stripe's charge. */
  customerOfPayment(input: { paymentIntent: string | null; charge: string | null }): Promise<string | null>;
}

export type MapLookups = CheckoutLineItemsReader & PaymentCustomerFinder;

/** The lookups of the Stripe mapping; `stripe: null` when the deployment has no Stripe key. */
export function stripeMapLookups(deps: { stripe: Stripe | null; findByPaymentIntent: (paymentIntent: string) => Promise<string | null> }): MapLookups {
  return { ...stripeLineItemsReader(deps.stripe), ...paymentCustomerFinder(deps) };
}

/** Line items of a Checkout Session (payment links carry none of our metadata). */
function stripeLineItemsReader(stripe: Stripe | null): CheckoutLineItemsReader {
  return {
    async listCheckoutLineItems(sessionId) {
      if (!stripe) return null;
      const items: { price: string | null; quantity: number | null }[] = [];
      for await (const item of stripe.checkout.sessions.listLineItems(sessionId, { limit: 100 })) {
        items.push({ price: idOf(item.price), quantity: item.quantity });
      }
      return items;
    },
  };
}

/** Disputes name a payment, not a customer: look in our accounts first, then (with a key) ask Stripe for the charge. */
function paymentCustomerFinder(deps: {
  stripe: Stripe | null;
  findByPaymentIntent: (paymentIntent: string) => Promise<string | null>;
}): PaymentCustomerFinder {
  return {
    async customerOfPayment({ paymentIntent, charge }) {
      if (paymentIntent) {
        const known = await deps.findByPaymentIntent(paymentIntent);
        if (known) return known;
      }
      if (!charge || !deps.stripe) return null;
      const found = await deps.stripe.charges.retrieve(charge);
      return idOf(found.customer);
    },
  };
}
