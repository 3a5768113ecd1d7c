/**
 * What to do after one attempt to deliver a signal (SPEC §10): done on a 2xx, else try again after an
 * exponentially growing pause, until 3 days after the signal was queued; then it is dead (and an admin
 * can retry it: `npm run admin -- signals retry --id …`). Pure: the dispatcher applies the decision.
 */

export interface RetryPolicy {
  /** The pause after the first failed attempt; each later one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long after it was queued a signal is still tried. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseDelayMs: 10_000,
  maxDelayMs: 6 * 60 * 60 * 1000,
  giveUpAfterMs: 3 * 24 * 60 * 60 * 1000,
};

export type AttemptResult = { ok: true; status: number } | { ok: false; error: string };

export type DeliveryDecision =
  | { status: 'delivered'; attempts: number; deliveredAt: Date }
  | { status: 'pending'; attempts: number; nextAttemptAt: Date; lastError: string }
  | { status: 'dead'; attempts: number; lastError: string };

/** The pause before attempt `attempts + 1`, after `attempts` failures; `jitter` in [0, 1) spreads retries of many signals apart. */
export function retryDelayMs(policy: RetryPolicy, attempts: number, jitter: number): number {
  const exponential = policy.baseDelayMs * 2 ** Math.max(0, attempts - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (0.8 + 0.4 * jitter));
}

export function decideAfterAttempt(input: {
  policy: RetryPolicy;
  /** Attempts made before this one. */
  attempts: number;
  queuedAt: Date;
  result: AttemptResult;
  now: Date;
  jitter: number;
}): DeliveryDecision {
  const attempts = input.attempts + 1;
  if (input.result.ok) return { status: 'delivered', attempts, deliveredAt: input.now };
  const lastError = input.result.error;
  const next = input.now.getTime() + retryDelayMs(input.policy, attempts, input.jitter);
  if (next >= input.queuedAt.getTime() + input.policy.giveUpAfterMs) return { status: 'dead', attempts, lastError };
  return { status: 'pending', attempts, nextAttemptAt: new Date(next), lastError };
}
