import Stripe from 'stripe';
import type { PriceReader, UnitPrice } from '../app/ports';
import type { Logger } from '../logger';

interface Cached {
  value: Promise<UnitPrice | null>;
  until: number;
}

export interface PriceReaderOptions {
  logger: Logger;
  /** How long a price read from Stripe is reused: prices rarely change, and every page view would ask otherwise. */
  ttlMs?: number;
  /** How long "Stripe could not be asked" is reused, so an outage is not hammered by page views. */
  failureTtlMs?: number;
  /** Milliseconds on a monotonic clock; the cache is about real time, never the service's (test) clock. */
  monotonicMs?: () => number;
}

function unitPriceOf(price: Stripe.Price): UnitPrice | null {
  // A customer-chosen or tiered price has no unit amount: Checkout shows what it costs.
  if (price.unit_amount === null) return null;
  return { unitAmount: price.unit_amount, currency: price.currency };
}

/** Top-up prices from Stripe's Price objects, cached per process. */
export function stripePriceReader(stripe: Stripe, options: PriceReaderOptions): PriceReader {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const failureTtlMs = options.failureTtlMs ?? 60_000;
  const monotonicMs = options.monotonicMs ?? (() => performance.now());
  const cache = new Map<string, Cached>();

  return {
    unitPrice(price) {
      const now = monotonicMs();
      const hit = cache.get(price);
      if (hit && hit.until > now) return hit.value;
      const entry: Cached = { value: Promise.resolve(null), until: now + ttlMs };
      entry.value = stripe.prices.retrieve(price).then(unitPriceOf, (error: unknown) => {
        entry.until = monotonicMs() + failureTtlMs;
        // The type and request id only: Stripe's message may quote the key.
        const details = error instanceof Stripe.errors.StripeError ? { stripeError: error.type, requestId: error.requestId } : { error: String(error) };
        options.logger.warn({ price, ...details }, 'could not read a top-up price from Stripe; the page shows none');
        return null;
      });
      cache.set(price, entry);
      return entry.value;
    },
  };
}
