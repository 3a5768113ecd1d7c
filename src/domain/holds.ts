import type { Allocation, Hold, LedgerEntry } from './account';
import type { AccountDraft } from './draft';
import { DomainError } from './errors';
import { chooseInSpendingOrder, singleBucketOf } from './spend';

/**
 * Holds (SPEC §9): credits reserved for a job whose cost is known at its end. A hold reserves free
 * credits in spending order and keeps those buckets: a capture takes from them even if one expired
 * while the job ran (the customer started the job with those credits), and what is released from an
 * expired bucket is forfeited then. The ledger tells the story with zero-amount `hold` and `release`
 * entries, the capture as a `debit`, and each forfeit as an `expire`, so it still sums to the balance.
 */

export const HOLD_TTL_SECONDS = { default: 15 * 60, max: 24 * 60 * 60 };

/** Every effect of a hold is keyed by its id, so a retry finds each of them by the id alone (the id comes from the key). */
export const holdOpKey = (holdId: string): string => `hold:${holdId}`;
export const captureOpKey = (holdId: string): string => `capture:${holdId}`;
export const releaseOpKey = (holdId: string): string => `release:${holdId}`;

export interface HoldRequest {
  /** Chosen by the caller from the customer and the key (the same key always names the same hold). */
  holdId: string;
  idempotencyKey: string;
  amount: number;
  ttlSeconds: number;
  requestHash: string;
  metadata: Record<string, string> | null;
  at: Date;
}

/** Reserves `amount` free credits until `at + ttlSeconds`, all or nothing (insufficient_credits). */
export function placeHold(draft: AccountDraft, request: HoldRequest): { hold: Hold; entry: LedgerEntry } {
  if (draft.state.holds.some((h) => h.id === request.holdId)) throw new Error(`Hold ${request.holdId} exists but its hold entry was not found.`);
  const reservations = chooseInSpendingOrder(draft.state, request.amount, request.at);
  const hold: Hold = {
    id: request.holdId,
    idempotencyKey: request.idempotencyKey,
    amount: request.amount,
    reservations,
    createdAt: request.at,
    expiresAt: new Date(request.at.getTime() + request.ttlSeconds * 1000),
    status: 'held',
    settledAt: null,
    captured: 0,
  };
  draft.state.holds.push(hold);
  const entry = draft.record({
    type: 'hold',
    amount: 0,
    at: request.at,
    bucket: singleBucketOf(reservations),
    ref: hold.id,
    opKey: holdOpKey(hold.id),
    allocations: reservations,
    requestHash: request.requestHash,
    metadata: request.metadata,
    until: hold.expiresAt,
  });
  return { hold, entry };
}

/** The error a capture or release gets from a hold that is no longer held. */
export function holdNotHeld(hold: Pick<Hold, 'id' | 'status'>, wanted: 'capture' | 'release'): DomainError {
  if (hold.status === 'expired') return new DomainError('hold_expired', `Hold ${hold.id} expired before it was captured; its credits were released.`);
  if (hold.status === 'captured') return new DomainError('hold_captured', `Hold ${hold.id} was captured; it can no longer be released.`);
  return new DomainError('hold_released', `Hold ${hold.id} was released; it can no longer be ${wanted === 'capture' ? 'captured' : 'released'}.`);
}

/**
 * Turns up to the held amount into a debit taken from the hold's own reservations, in their order, and
 * releases the rest. The forfeits come first and the debit last, so the debit's balanceAfter is the
 * balance once the capture is done (a retry answers it from that entry alone).
 */
export function captureHold(draft: AccountDraft, hold: Hold, amount: number, at: Date): LedgerEntry {
  if (hold.status !== 'held') throw holdNotHeld(hold, 'capture');
  if (amount > hold.amount) {
    throw new DomainError('invalid_request', `amount: at most the ${hold.amount} credits held can be captured.`, { field: 'amount' });
  }
  settleHold(hold, 'captured', at);
  hold.captured = amount;
  const allocations: Allocation[] = [];
  const released: Allocation[] = [];
  let left = amount;
  for (const reservation of hold.reservations) {
    const take = Math.min(reservation.amount, left);
    left -= take;
    if (take > 0) allocations.push({ bucket: reservation.bucket, amount: take });
    if (reservation.amount > take) released.push({ bucket: reservation.bucket, amount: reservation.amount - take });
  }
  forfeitFromExpired(draft, hold, released, at);
  for (const { bucket, amount: take } of allocations) {
    const found = draft.bucket(bucket);
    if (found) found.remaining -= take;
  }
  return draft.record({
    type: 'debit',
    amount: -amount,
    at,
    bucket: singleBucketOf(allocations),
    ref: hold.id,
    opKey: captureOpKey(hold.id),
    allocations,
  });
}

/** Returns the whole hold (release, or expiry at its `expiresAt`); what an expired bucket kept for it is forfeited now. */
export function releaseHold(draft: AccountDraft, hold: Hold, at: Date, why: 'released' | 'expired'): LedgerEntry {
  if (hold.status !== 'held') throw holdNotHeld(hold, 'release');
  settleHold(hold, why, at);
  forfeitFromExpired(draft, hold, hold.reservations, at);
  return draft.record({
    type: 'release',
    amount: 0,
    at,
    bucket: singleBucketOf(hold.reservations),
    ref: hold.id,
    opKey: releaseOpKey(hold.id),
    allocations: hold.reservations,
    reason: why,
  });
}

function settleHold(hold: Hold, status: Exclude<Hold['status'], 'held'>, at: Date): void {
  hold.status = status;
  hold.settledAt = at;
}

/** Released credits of a bucket that has expired meanwhile go the way its other credits went at its end. */
function forfeitFromExpired(draft: AccountDraft, hold: Hold, released: Allocation[], at: Date): void {
  for (const { bucket: id, amount } of released) {
    const bucket = draft.bucket(id);
    if (!bucket?.expired || amount <= 0) continue;
    bucket.remaining -= amount;
    draft.record({ type: 'expire', amount: -amount, at, bucket: id, ref: hold.id, opKey: `expire:${id}:${hold.id}` });
  }
}

/** Holds whose time is up at `now` (a hold is released at its `expiresAt`, not after it). */
export function expiredHolds(holds: readonly Hold[], now: Date): Hold[] {
  return holds.filter((h) => h.status === 'held' && h.expiresAt.getTime() <= now.getTime());
}

export interface HoldView {
  id: string;
  amount: number;
  expiresAt: Date;
  status: Hold['status'];
}

export function holdView(hold: Pick<Hold, 'id' | 'amount' | 'expiresAt' | 'status'>): HoldView {
  return { id: hold.id, amount: hold.amount, expiresAt: hold.expiresAt, status: hold.status };
}
