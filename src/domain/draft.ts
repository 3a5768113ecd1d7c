import { cloneAccount, heldByBucket } from './account';
import type { AccountState, Allocation, Bucket, LedgerEntry, LedgerEntryType } from './account';

export interface EntryInput {
  type: LedgerEntryType;
  amount: number;
  at: Date;
  bucket: string | null;
  ref: string;
  opKey: string;
  allocations?: Allocation[];
  requestHash?: string | null;
  reason?: string | null;
  metadata?: Record<string, string> | null;
  until?: Date;
}

/**
 * A working copy of an account that records a ledger entry for every change of balance,
 * so the entries always sum to the balance. Pure: the caller persists state and entries together.
 */
export class AccountDraft {
  readonly state: AccountState;
  readonly entries: LedgerEntry[] = [];

  /**
   * Works on a copy, so the state given is left as it was (a decision may be made again on it); `adopt` works on
   * a state nobody else holds (one just read for this draft alone), in place, without the copy.
   */
  constructor(state: AccountState, ownership: 'copy' | 'adopt' = 'copy') {
    this.state = ownership === 'adopt' ? state : cloneAccount(state);
  }

  get changed(): boolean {
    return this.entries.length > 0 || this.touched;
  }

  private touched = false;

  /** Marks a change that writes no entry (subscription state, a new term, a link to an app user). */
  touch(): void {
    this.touched = true;
  }

  bucket(id: string): Bucket | undefined {
    return this.state.buckets.find((b) => b.id === id);
  }

  record(input: EntryInput): LedgerEntry {
    const state = this.state;
    state.seq += 1;
    state.balance += input.amount;
    const entry: LedgerEntry = {
      id: `${state.customer}:${state.seq}`,
      customer: state.customer,
      seq: state.seq,
      type: input.type,
      amount: input.amount,
      balanceAfter: state.balance,
      at: input.at,
      bucket: input.bucket,
      ref: input.ref,
      opKey: input.opKey,
      allocations: input.allocations ?? [],
      requestHash: input.requestHash ?? null,
      reason: input.reason ?? null,
      metadata: input.metadata ?? null,
      ...(input.until ? { until: input.until } : {}),
    };
    this.entries.push(entry);
    return entry;
  }

  /** Adds a new bucket and its grant entry; a bucket id that exists already is left alone. */
  grant(
    bucket: Omit<Bucket, 'remaining' | 'expired' | 'revoked' | 'shortfall'>,
    entry: { type?: 'grant' | 'adjust'; reason?: string | null } = {},
  ): LedgerEntry | undefined {
    if (this.bucket(bucket.id)) return undefined;
    this.state.buckets.push({ ...bucket, remaining: bucket.granted, expired: false, revoked: 0, shortfall: 0 });
    return this.record({
      type: entry.type ?? 'grant',
      amount: bucket.granted,
      at: bucket.grantedAt,
      bucket: bucket.id,
      ref: bucket.ref,
      opKey: `${entry.type ?? 'grant'}:${bucket.id}`,
      reason: entry.reason ?? null,
    });
  }

  /**
   * Forfeits what is left in a bucket at its end (no rollover); the entry says how many. Credits a hold
   * reserved stay: the job started with them, so its capture still takes them (src/domain/holds.ts).
   */
  expire(bucket: Bucket, at: Date): LedgerEntry {
    const kept = heldByBucket(this.state).get(bucket.id) ?? 0;
    const forfeited = bucket.remaining - kept;
    bucket.remaining = kept;
    bucket.expired = true;
    return this.record({
      type: 'expire',
      amount: -forfeited,
      at,
      bucket: bucket.id,
      ref: bucket.ref,
      opKey: `expire:${bucket.id}`,
    });
  }
}
