import { isIP } from 'node:net';

export interface RateLimit {
  requests: number;
  windowMs: number;
}

/** Enough for a person reading, paying and coming back (the page re-checks every 2 s after a payment), not for a script. */
export const PAGE_RATE_LIMIT: RateLimit = { requests: 60, windowMs: 60_000 };

/**
 * Links that open nothing (unknown, malformed or expired), per client: a person with an old link makes a few, a
 * guesser thousands, each a database read. Past it the client's lookups answer 429 without reading anything.
 */
export const LOOKUP_FAILURE_LIMIT: RateLimit = { requests: 30, windowMs: 60_000 };

/** Keys a limiter remembers at most; past it the oldest window is forgotten, so no flood of keys grows memory. */
export const MAX_KEYS = 10_000;

interface Window {
  startedAt: number;
  count: number;
}

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Requests per key (a link, a client) in fixed windows, in this process's memory. It protects the database, the
 * page and Stripe from a runaway or guessing client; it is not a credential check (the token is), so counting per
 * instance is enough: with N instances a key may make N times the limit. Memory is bounded by `maxKeys`: when full,
 * ended windows go first, then the oldest started.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: RateLimit,
    private readonly monotonicMs: () => number = () => performance.now(),
    private readonly maxKeys = MAX_KEYS,
  ) {}

  /** How many keys are remembered now. */
  get size(): number {
    return this.windows.size;
  }

  /** Counts one request; says whether it may proceed and, if not, when it may try again. */
  take(key: string): Verdict {
    const now = this.monotonicMs();
    let window = this.current(key, now);
    if (!window) {
      this.makeRoom(now);
      window = { startedAt: now, count: 0 };
      // Inserted last, so the map stays in the order windows started and the first one is the oldest.
      this.windows.set(key, window);
    }
    window.count += 1;
    return this.verdict(window, now);
  }

  /** Whether one more request of the key would be allowed now, without counting it. */
  peek(key: string): Verdict {
    const now = this.monotonicMs();
    const window = this.current(key, now);
    return window ? this.verdict({ ...window, count: window.count + 1 }, now) : { allowed: true };
  }

  private current(key: string, now: number): Window | null {
    const window = this.windows.get(key);
    if (!window) return null;
    if (now - window.startedAt < this.limit.windowMs) return window;
    this.windows.delete(key);
    return null;
  }

  private verdict(window: Window, now: number): Verdict {
    if (window.count <= this.limit.requests) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + this.limit.windowMs - now) / 1000)) };
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.limit.windowMs) this.windows.delete(key);
    }
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

/** Expands an IPv6 address to its 8 groups (`::` filled with zeros). */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
}

/**
 * Who a client is, for counting: its IPv4 address, or the /64 network of its IPv6 address (one host usually holds a
 * whole /64, so counting single addresses would let it count afresh with each of 2^64). `address` is Express's req.ip,
 * which follows TRUST_PROXY.
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (isIP(address) !== 6) return address;
  const groups = ipv6Groups(address.toLowerCase());
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
