import type { WebhookStatus } from './ingestEvent';

/** `failed`: applying threw (a dependency was down); the event is left as it was and a later replay finishes it. */
export type ReplayStatus = WebhookStatus | 'failed';

export interface ReplayedEvent {
  id: string;
  type: string;
  status: ReplayStatus;
  customer: string | null;
  reason: string | null;
}

/**
 * Applies events again through the webhook's own path (implemented in src/stripe/replay.ts). Every
 * effect is keyed by business object, so replaying what was already applied answers `duplicate`
 * and changes nothing. Each event is yielded as soon as it is applied; nothing is collected.
 */
export interface EventReplayer {
  /** Stripe's events created at or after `since`, as Stripe lists them (newest first). */
  sinceTime(since: Date): AsyncIterable<ReplayedEvent>;
  /** One event fetched from Stripe; null when Stripe has no such event. */
  one(eventId: string): Promise<ReplayedEvent | null>;
  /** The parked events, oldest first, each tried once. */
  parked(): AsyncIterable<ReplayedEvent>;
}

/** Stripe keeps events for 30 days; older ones cannot be fetched, so a replay cannot reach back further. */
export const REPLAY_WINDOW_DAYS = 30;

export function replayWindowStart(now: Date): Date {
  return new Date(now.getTime() - REPLAY_WINDOW_DAYS * 24 * 60 * 60 * 1000);
}

export type ReplayCounts = Record<ReplayStatus, number>;

export function emptyReplayCounts(): ReplayCounts {
  return { processed: 0, duplicate: 0, ignored: 0, parked: 0, failed: 0 };
}

/** 0: everything applied (or already was); 1: some events are parked and wait for a person; 3: some failed. */
export function replayExitCode(counts: ReplayCounts): 0 | 1 | 3 {
  if (counts.failed > 0) return 3;
  return counts.parked > 0 ? 1 : 0;
}
