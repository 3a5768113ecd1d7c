import { heldByBucket } from './account';
import type { AccountState, Allocation, Bucket, LedgerEntry } from './account';
import type { AccountDraft } from './draft';
import { DomainError } from './errors';

/** Credits are spendable until the instant their bucket expires, not at it. */
export function isSpendable(bucket: Bucket, now: Date): boolean {
  if (bucket.expired || bucket.remaining <= 0) return false;
  return bucket.expiresAt === null || bucket.expiresAt.getTime() > now.getTime();
}

/** A bucket's credits that no hold reserves. */
export function freeCredits(bucket: Bucket, held: ReadonlyMap<string, number>): number {
  return bucket.remaining - (held.get(bucket.id) ?? 0);
}

/** Spending order: soonest expiry first (never-expiring last), then oldest grant first. */
export function compareSpendingOrder(a: Bucket, b: Bucket): number {
  const expiryA = a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const expiryB = b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  if (expiryA !== expiryB) return expiryA < expiryB ? -1 : 1;
  const grantedDiff = a.grantedAt.getTime() - b.grantedAt.getTime();
  if (grantedDiff !== 0) return grantedDiff;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Buckets with credits a debit or a new hold may take, in spending order. */
export function spendableBuckets(state: AccountState, now: Date): Bucket[] {
  const held = heldByBucket(state);
  return state.buckets.filter((b) => isSpendable(b, now) && freeCredits(b, held) > 0).sort(compareSpendingOrder);
}

/** What a debit or a new hold could take now: the balance less what holds reserve. */
export function availableCredits(state: AccountState, now: Date): number {
  const held = heldByBucket(state);
  return spendableBuckets(state, now).reduce((sum, b) => sum + freeCredits(b, held), 0);
}

/**
 * Chooses `amount` free credits in spending order without taking them, all or nothing
 * (insufficient_credits): what a debit takes and what a hold reserves are chosen alike.
 */
export function chooseInSpendingOrder(state: AccountState, amount: number, at: Date): Allocation[] {
  const held = heldByBucket(state);
  const buckets = spendableBuckets(state, at);
  const available = buckets.reduce((sum, b) => sum + freeCredits(b, held), 0);
  if (available < amount) {
    throw new DomainError('insufficient_credits', `Balance ${available} is less than the ${amount} requested.`, {
      balance: available,
      requested: amount,
    });
  }
  const allocations: Allocation[] = [];
  let left = amount;
  for (const bucket of buckets) {
    if (left === 0) break;
    const take = Math.min(freeCredits(bucket, held), left);
    left -= take;
    allocations.push({ bucket: bucket.id, amount: take });
  }
  return allocations;
}

export interface DebitRequest {
  amount: number;
  idempotencyKey: string;
  requestHash: string;
  reason: string | null;
  metadata: Record<string, string> | null;
  at: Date;
}

export function debitOpKey(idempotencyKey: string): string {
  return `debit:${idempotencyKey}`;
}

/**
 * Takes `amount` credits out of the spendable buckets in spending order, all or nothing: either every
 * credit is taken or nothing changes (insufficient_credits). Never leaves a bucket negative. Debits and
 * negative adjustments both spend through here, so they can never disagree on order or on what is available.
 */
export function takeInSpendingOrder(draft: AccountDraft, amount: number, at: Date): Allocation[] {
  const allocations = chooseInSpendingOrder(draft.state, amount, at);
  for (const { bucket, amount: take } of allocations) {
    const found = draft.bucket(bucket);
    if (found) found.remaining -= take;
  }
  return allocations;
}

/** The bucket an entry names: the one it touched, or null when it spread over several. */
export function singleBucketOf(allocations: Allocation[]): string | null {
  return allocations.length === 1 ? (allocations[0]?.bucket ?? null) : null;
}

/** Takes credits all-or-nothing in spending order; never leaves a bucket or the balance negative. */
export function debit(draft: AccountDraft, request: DebitRequest): LedgerEntry {
  const allocations = takeInSpendingOrder(draft, request.amount, request.at);
  return draft.record({
    type: 'debit',
    amount: -request.amount,
    at: request.at,
    bucket: singleBucketOf(allocations),
    ref: request.idempotencyKey,
    opKey: debitOpKey(request.idempotencyKey),
    allocations,
    requestHash: request.requestHash,
    reason: request.reason,
    metadata: request.metadata,
  });
}
