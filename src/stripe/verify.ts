import type Stripe from 'stripe';

import { DomainError } from '../domain/errors';

/**
 * Verifies Stripe-Signature over the raw bytes against every configured secret (several while a
 * secret is being rotated). The SDK checks the timestamp against the real clock, never the test clock.
 */
export function verifyStripeEvent(input: {
  stripe: Stripe;
  rawBody: Buffer;
  signature: string | undefined;
  secrets: string[];
  toleranceSeconds: number;
}): Stripe.Event {
  if (!input.signature) throw new DomainError('invalid_signature', 'Missing Stripe-Signature header.');
  let lastError = 'No webhook secret configured.';
  for (const secret of input.secrets) {
    try {
      return input.stripe.webhooks.constructEvent(input.rawBody, input.signature, secret, input.toleranceSeconds);
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  throw new DomainError('invalid_signature', `Stripe-Signature did not verify: ${lastError}`);
}
