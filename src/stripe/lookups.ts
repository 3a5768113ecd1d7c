import type Stripe from 'stripe';
import { idOf } from './readers';

/**
 * What mapping a few events needs to ask Stripe or the store. A failure here throws, so the webhook
 * answers 500 and Stripe retries (nothing was applied yet).
 */
export interface CheckoutLineItemsReader {
  listCheckoutLineItems(sessionId: string): Promise<{ price: string | null; quantity: number | null }[]>;
}

export interface PaymentCustomerFinder {
  /** The customer who paid: the account that already holds this payment, else Stripe's charge. */
  customerOfPayment(input: { paymentIntent: string | null; charge: string | null }): Promise<string | null>;
}

export type MapLookups = CheckoutLineItemsReader & PaymentCustomerFinder;

/** Line items of a Checkout Session (payment links carry none of our metadata). */
export function stripeLineItemsReader(stripe: Stripe): CheckoutLineItemsReader {
  return {
    async listCheckoutLineItems(sessionId) {
      const items: { price: string | null; quantity: number | null }[] = [];
      for await (const item of stripe.checkout.sessions.listLineItems(sessionId, { limit: 100 })) {
        items.push({ price: idOf(item.price), quantity: item.quantity });
      }
      return items;
    },
  };
}

/**
 * Disputes name a payment, not a customer: look in our accounts first, then ask Stripe for the charge.
 * Without a Stripe key (`stripe: null`) the second step is skipped and the event parks for
 * `replay --parked`, rather than answering 500 to a retry that could never succeed.
 */
export function paymentCustomerFinder(deps: {
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
