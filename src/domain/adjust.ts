import type { LedgerEntry } from './account';
import type { AccountDraft, EntryInput } from './draft';
import { DomainError } from './errors';
import { singleBucketOf, takeInSpendingOrder } from './spend';

/**
 * A manual correction by an admin (SPEC §5, §6 `adjust`): a positive amount grants a bucket of its own
 * (source `adjustment`), a negative amount takes credits like a debit. Either way it is one `adjust`
 * ledger entry, keyed by the admin's idempotency key.
 */
export interface AdjustmentRequest {
  /** Non-zero integer: positive grants, negative takes. */
  amount: number;
  idempotencyKey: string;
  /** Fingerprint of the request, to tell a retry from a reused key. */
  requestHash: string;
  reason: string;
  /** Only for a positive amount; null = the granted credits never expire. */
  expiresAt: Date | null;
  at: Date;
}

/** One namespace for both signs, apart from debits': an adjustment key never collides with a debit key. */
export function adjustmentOpKey(idempotencyKey: string): string {
  return `adjust:${idempotencyKey}`;
}

export function adjustmentBucketId(idempotencyKey: string): string {
  return `adjust:${idempotencyKey}`;
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('invalid_request', `${field}: ${message}`, { field });
}

function checkRequest(request: AdjustmentRequest): void {
  if (!Number.isSafeInteger(request.amount) || request.amount === 0) throw invalid('amount', 'must be a non-zero integer');
  if (request.expiresAt === null) return;
  if (request.amount < 0) throw invalid('expiresAt', 'only a positive adjustment grants credits that can expire');
  // A bucket that is already over would be granted and forfeited in the same breath.
  if (request.expiresAt.getTime() <= request.at.getTime()) throw invalid('expiresAt', 'must be in the future');
}

/**
 * Applies an adjustment to an account settled to `request.at`. A negative amount is all-or-nothing
 * and never takes the balance below zero (insufficient_credits), exactly like a debit.
 */
export function adjust(draft: AccountDraft, request: AdjustmentRequest): LedgerEntry {
  checkRequest(request);
  const common: Omit<EntryInput, 'amount' | 'bucket'> = {
    type: 'adjust',
    at: request.at,
    ref: request.idempotencyKey,
    opKey: adjustmentOpKey(request.idempotencyKey),
    requestHash: request.requestHash,
    reason: request.reason,
  };
  if (request.amount < 0) {
    const allocations = takeInSpendingOrder(draft, -request.amount, request.at);
    return draft.record({ ...common, amount: request.amount, bucket: singleBucketOf(allocations), allocations });
  }
  const bucketId = adjustmentBucketId(request.idempotencyKey);
  // The caller looks the key up first; a bucket without its entry would mean the ledger lost an entry.
  if (draft.bucket(bucketId)) throw new Error(`Bucket ${bucketId} exists but its adjustment entry was not found.`);
  draft.state.buckets.push({
    id: bucketId,
    source: 'adjustment',
    granted: request.amount,
    remaining: request.amount,
    grantedAt: request.at,
    expiresAt: request.expiresAt,
    expired: false,
    ref: request.idempotencyKey,
    revoked: 0,
    shortfall: 0,
  });
  return draft.record({ ...common, amount: request.amount, bucket: bucketId });
}
