export interface RateLimit {
  requests: number;
  windowMs: number;
}

/** Enough for a person reading, paying and coming back (the page re-checks every 2 s after a payment), not for a script. */
export const PAGE_RATE_LIMIT: RateLimit = { requests: 60, windowMs: 60_000 };

/** Windows kept before ended ones are swept, so a flood of distinct tokens cannot grow memory without bound. */
const SWEEP_ABOVE = 10_000;

interface Window {
  startedAt: number;
  count: number;
}

/**
 * Requests per link in fixed windows, in this process's memory. It protects the page and Stripe from a runaway
 * client; it is not a credential check (the token is), so counting per instance is enough: with N instances a
 * link may make N times the limit.
 */
export class LinkRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: RateLimit,
    private readonly monotonicMs: () => number = () => performance.now(),
  ) {}

  /** Counts one request; says whether it may proceed and, if not, when it may try again. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.monotonicMs();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.limit.windowMs) {
      if (this.windows.size >= SWEEP_ABOVE) this.sweep(now);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit.requests) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + this.limit.windowMs - now) / 1000)) };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.limit.windowMs) this.windows.delete(key);
    }
  }
}
