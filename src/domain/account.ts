/** The state of one customer's credits: everything a credit decision needs, in one document. */

export type BucketSource = 'subscription' | 'topup' | 'adjustment';

export interface Bucket {
  /** Deterministic from the business object, so granting twice is a no-op (e.g. `slot:sub_1:2026-01-31T00:00:00.000Z`). */
  id: string;
  source: BucketSource;
  /** Credits granted into the bucket so far, raises included. */
  granted: number;
  remaining: number;
  grantedAt: Date;
  /** null = never expires. */
  expiresAt: Date | null;
  /** Set once the expiry entry has been written. */
  expired: boolean;
  /** The Stripe object or key that paid for it (invoice, checkout session, adjustment key). */
  ref: string;
  /** Credits taken back by refunds and disputes (top-ups). */
  revoked: number;
  /** Credits a revocation could not take back because they were already spent. */
  shortfall: number;
}

export interface Term {
  /** `${subscriptionId}:${start ISO}`: one term per subscription period. */
  id: string;
  subscriptionId: string;
  invoiceIds: string[];
  plan: string;
  price: string;
  months: number;
  /** What each slot of the term grants: monthlyCredits, or trialCredits for a trial. */
  slotCredits: number;
  trial: boolean;
  start: Date;
  end: Date;
  paidAt: Date;
  /** No slot starting at or after this instant is issued (subscription deleted). */
  stoppedAt: Date | null;
}

export interface PauseInterval {
  from: Date;
  to: Date | null;
}

export interface SubscriptionState {
  id: string;
  plan: string | null;
  price: string | null;
  months: number | null;
  /** The plan's monthly allotment, for showing the next renewal's grant. */
  monthlyCredits: number | null;
  status: string;
  termStart: Date | null;
  termEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /** When this snapshot was true in Stripe (event.created): older snapshots never overwrite newer ones. */
  asOf: Date;
  endedAt: Date | null;
  pauses: PauseInterval[];
}

export interface AccountState {
  customer: string;
  externalId: string | null;
  balance: number;
  /** Sequence number of the last ledger entry. */
  seq: number;
  buckets: Bucket[];
  terms: Term[];
  subscriptions: SubscriptionState[];
}

export type LedgerEntryType = 'grant' | 'raise' | 'debit' | 'expire' | 'revoke' | 'restore' | 'adjust';

export interface Allocation {
  bucket: string;
  amount: number;
}

export interface LedgerEntry {
  /** `${customer}:${seq}`, fixed when the entry is decided, so writing it twice is a no-op. */
  id: string;
  customer: string;
  seq: number;
  type: LedgerEntryType;
  /** Signed: grants positive, debits and expiries negative. */
  amount: number;
  balanceAfter: number;
  at: Date;
  bucket: string | null;
  /** The business object behind the entry (invoice, slot, debit key…). */
  ref: string;
  /** Unique per customer: the effect this entry is. A second entry with the same key would be a double effect. */
  opKey: string;
  allocations: Allocation[];
  /** For debits and adjustments: fingerprint of the request, to tell a retry from a reused key. */
  requestHash: string | null;
  reason: string | null;
  metadata: Record<string, string> | null;
}

export function emptyAccount(customer: string): AccountState {
  return { customer, externalId: null, balance: 0, seq: 0, buckets: [], terms: [], subscriptions: [] };
}

export function cloneAccount(state: AccountState): AccountState {
  return structuredClone(state);
}
