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
  /** Indexes of the slots granted so far: a slot's bucket leaves the account once it has expired, this stays. */
  issuedSlots: number[];
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

/**
 * A plan change of a subscription (customer portal), kept as a fact so that a slot granted later, or an
 * invoice arriving out of order, reaches the same entitlement (see planChanges.ts).
 */
export interface PlanChange {
  /** `${subscriptionId}:${at ISO}:${price}`: the same change told twice (two events, a redelivery) is one fact. */
  id: string;
  subscriptionId: string;
  /** When the new plan took effect. */
  at: Date;
  plan: string;
  price: string;
  monthlyCredits: number;
  /** Paid for (a paid proration, or `upgradeCredits: "immediate"`): raises the slot it falls in. */
  raisesSlot: boolean;
}

/** What one dispute of a top-up did, so that winning it restores exactly that. */
export interface DisputeEffect {
  dispute: string;
  revoked: number;
  shortfall: number;
  restored: boolean;
}

/** A granted top-up and what refunds and disputes have taken back from it. */
export interface TopupRecord {
  session: string;
  bucket: string;
  paymentIntent: string | null;
  credits: number;
  /** Credits refunds have claimed so far (taken back + shortfall): refunds are cumulative. */
  refundClaimed: number;
  refundShortfall: number;
  disputes: DisputeEffect[];
}

export interface ChargeFact {
  id: string;
  amount: number;
  /** The highest amount_refunded seen: Stripe's total, so a stale delivery never lowers it. */
  amountRefunded: number;
  /** Only older API shapes name the invoice on the charge; null when unknown. */
  invoice: string | null;
}

export type DisputeStatus = 'open' | 'won' | 'lost';

export interface DisputeFact {
  id: string;
  charge: string | null;
  status: DisputeStatus;
}

/**
 * What Stripe said about money going back on one payment (by payment intent), kept whether or not
 * the payment is a known top-up: a refund may arrive before its top-up, and refunds of subscription
 * invoices are recorded for reports.
 */
export interface PaymentRecord {
  paymentIntent: string;
  charges: ChargeFact[];
  disputes: DisputeFact[];
}

/**
 * What has left the account document for the archive (src/domain/archive.ts): enough to know when a
 * record missing from the account may be in the archive, so that only those lookups are ever made.
 */
export interface ArchiveMarks {
  /** The latest start of an archived term; null when no term was archived. */
  termsThrough: Date | null;
  topups: number;
  subscriptions: number;
}

export type HoldStatus = 'held' | 'captured' | 'released' | 'expired';

/**
 * Credits reserved for a job whose cost is known at its end (SPEC §9, src/domain/holds.ts). The
 * reservations stay in their buckets (a bucket's `remaining` includes them) but no debit or other hold
 * can spend them; capture, release and expiry are transitions of `status`, each made once.
 */
export interface Hold {
  /** Derived from the customer and the idempotency key, so deciding the creation again names the same hold. */
  id: string;
  idempotencyKey: string;
  amount: number;
  /** Where the credits are reserved, in spending order at creation: a capture takes from these, in this order. */
  reservations: Allocation[];
  createdAt: Date;
  expiresAt: Date;
  status: HoldStatus;
  /** When it stopped being held (captured, released or expired); null while held. */
  settledAt: Date | null;
  captured: number;
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
  planChanges: PlanChange[];
  topups: TopupRecord[];
  payments: PaymentRecord[];
  archived: ArchiveMarks;
  /** Holds still held, and settled ones until the sweep compacts them away (src/domain/archive.ts). */
  holds: Hold[];
  /** Number of the last signal decided for this account (src/domain/signals.ts): signal ids count on from it. */
  signalSeq: number;
}

/** `hold` and `release` move no credits (amount 0): they record a reservation and its end, so the ledger tells a job's story. */
export type LedgerEntryType = 'grant' | 'raise' | 'debit' | 'expire' | 'revoke' | 'restore' | 'adjust' | 'hold' | 'release';

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
  /** For a `hold` entry: when the hold expires, so its first answer can be given again once the hold left the account. */
  until?: Date;
}

export function emptyAccount(customer: string): AccountState {
  return {
    customer,
    externalId: null,
    balance: 0,
    seq: 0,
    buckets: [],
    terms: [],
    subscriptions: [],
    planChanges: [],
    topups: [],
    payments: [],
    archived: { termsThrough: null, topups: 0, subscriptions: 0 },
    holds: [],
    signalSeq: 0,
  };
}

/** Credits of each bucket reserved by holds still held: not spendable, and kept past the bucket's expiry. */
export function heldByBucket(state: AccountState): Map<string, number> {
  const held = new Map<string, number>();
  for (const hold of state.holds) {
    if (hold.status !== 'held') continue;
    for (const r of hold.reservations) held.set(r.bucket, (held.get(r.bucket) ?? 0) + r.amount);
  }
  return held;
}

/** Credits reserved by holds still held, over all buckets. */
export function heldCredits(state: AccountState): number {
  return state.holds.reduce((sum, h) => sum + (h.status === 'held' ? h.amount : 0), 0);
}

export function cloneAccount(state: AccountState): AccountState {
  return structuredClone(state);
}
