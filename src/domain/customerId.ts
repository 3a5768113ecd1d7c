/**
 * Stripe's customer ids: `cus_` and letters and digits. Where a customer must be a Stripe customer (an account
 * opened by hand, a checkout or portal for an existing customer, an admin command), this is the test.
 */
export const STRIPE_CUSTOMER_ID = /^cus_[A-Za-z0-9]+$/;

export function isStripeCustomerId(value: string): boolean {
  return STRIPE_CUSTOMER_ID.test(value);
}
