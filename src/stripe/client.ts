import Stripe from 'stripe';
import { STRIPE_API_VERSION } from './apiVersion';

export interface StripeClientOptions {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111 for stripe-mock; undefined = Stripe itself. */
  apiUrl?: string | undefined;
}

export function createStripeClient(options: StripeClientOptions): Stripe {
  const config: ConstructorParameters<typeof Stripe>[1] = {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 2,
    timeout: 20000,
    appInfo: { name: 'stripe-credits-adapter' },
  };
  if (options.apiUrl) {
    const url = new URL(options.apiUrl);
    config.host = url.hostname;
    config.port = url.port || (url.protocol === 'https:' ? '443' : '80');
    config.protocol = url.protocol === 'https:' ? 'https' : 'http';
  }
  return new Stripe(options.secretKey, config);
}

/** Signature checks need no API key; a placeholder keeps the SDK from refusing to build. */
export function createWebhookOnlyClient(): Stripe {
  return new Stripe('sk_unused_for_webhook_verification', { apiVersion: STRIPE_API_VERSION });
}
