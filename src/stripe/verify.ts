import type Stripe from 'stripe';
import type { VerifyWebhook } from '../app/ports';
import { DomainError } from '../domain/errors';
import { recordableEvent } from './envelope';

export interface WebhookVerifierOptions {
  stripe: Stripe;
  /** Several while a secret is being rotated: a signature matching any of them is accepted. */
  secrets: string[];
  toleranceSeconds: number;
}

/**
 * Verifies Stripe-Signature over the raw bytes against every configured secret, then reads the body as
 * an event to record (src/stripe/envelope.ts). The SDK checks the timestamp against the real clock, never
 * the test clock. Signature first: nothing of an unsigned body is parsed.
 */
export function stripeWebhookVerifier(options: WebhookVerifierOptions): VerifyWebhook {
  return ({ rawBody, signature, receivedAt }) => {
    verifySignature({ ...options, rawBody, signature });
    return recordableEvent(rawBody, receivedAt);
  };
}

function verifySignature(input: WebhookVerifierOptions & { rawBody: Buffer; signature: string | undefined }): void {
  if (!input.signature) throw new DomainError('invalid_signature', 'Missing Stripe-Signature header.');
  const verifier = input.stripe.webhooks.signature;
  if (!verifier) throw new Error('this stripe-node build has no webhook signature verifier');
  let lastError = 'No webhook secret configured.';
  for (const secret of input.secrets) {
    try {
      verifier.verifyHeader(input.rawBody, input.signature, secret, input.toleranceSeconds);
      return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  throw new DomainError('invalid_signature', `Stripe-Signature did not verify: ${lastError}`);
}
