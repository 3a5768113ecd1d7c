import type { AccountState, Allocation, Bucket, LedgerEntry } from './account';
import type { AccountDraft } from './draft';
import { DomainError } from './errors';

/** Credits are spendable until the instant their bucket expires, not at it. */
export function isSpendable(bucket: Bucket, now: Date): boolean {
  if (bucket.expired || bucket.remaining <= 0) return false;
  return bucket.expiresAt === null || bucket.expiresAt.getTime() > now.getTime();
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

export function spendableBuckets(state: AccountState, now: Date): Bucket[] {
  return state.buckets.filter((b) => isSpendable(b, now)).sort(compareSpendingOrder);
}

export function availableCredits(state: AccountState, now: Date): number {
  return spendableBuckets(state, now).reduce((sum, b) => sum + b.remaining, 0);
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

/** Takes credits all-or-nothing in spending order; never leaves a bucket or the balance negative. */
export function debit(draft: AccountDraft, request: DebitRequest): LedgerEntry {
  const buckets = spendableBuckets(draft.state, request.at);
  const available = buckets.reduce((sum, b) => sum + b.remaining, 0);
  if (available < request.amount) {
    throw new DomainError('insufficient_credits', `Balance ${available} is less than the ${request.amount} requested.`, {
      balance: available,
      requested: request.amount,
    });
  }
  const allocations: Allocation[] = [];
  let left = request.amount;
  for (const bucket of buckets) {
    if (left === 0) break;
    const take = Math.min(bucket.remaining, left);
    bucket.remaining -= take;
    left -= take;
    allocations.push({ bucket: bucket.id, amount: take });
  }
  return draft.record({
    type: 'debit',
    amount: -request.amount,
    at: request.at,
    bucket: allocations.length === 1 ? (allocations[0]?.bucket ?? null) : null,
    ref: request.idempotencyKey,
    opKey: debitOpKey(request.idempotencyKey),
    allocations,
    requestHash: request.requestHash,
    reason: request.reason,
    metadata: request.metadata,
  });
}
