import type Stripe from 'stripe';
import type { IncomingEvent } from '../app/ports';
import { DomainError } from '../domain/errors';
import { incomingEvent } from './eventObjects';

export interface WebhookVerifierOptions {
  stripe: Stripe;
  /** Several while a secret is being rotated: a signature matching any of them is accepted. */
  secrets: string[];
  toleranceSeconds: number;
}

export type WebhookVerifier = (input: { rawBody: Buffer; signature: string | undefined; receivedAt: Date }) => IncomingEvent;

/**
 * Verifies Stripe-Signature over the raw bytes against every configured secret. The SDK checks the
 * timestamp against the real clock, never the test clock.
 */
export function stripeWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  return ({ rawBody, signature }) => {
    if (!signature) throw new DomainError('invalid_signature', 'Missing Stripe-Signature header.');
    let lastError = 'No webhook secret configured.';
    for (const secret of options.secrets) {
      try {
        return incomingEvent(options.stripe.webhooks.constructEvent(rawBody, signature, secret, options.toleranceSeconds));
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    throw new DomainError('invalid_signature', `Stripe-Signature did not verify: ${lastError}`);
  };
}
