import type { LedgerEntry, LedgerEntryType } from './account';
import { topupBucketId } from './topups';
import type { SubscriptionView } from './view';

/** What a ledger entry was, as the customer would say it ("Monthly credits for Dec 2026", "Used"). */
export type ActivityKind =
  | 'monthly'
  | 'trial'
  | 'topup'
  | 'upgrade'
  | 'used'
  | 'expired'
  | 'refund'
  | 'dispute'
  | 'restored'
  | 'added'
  | 'removed';

export interface ActivityItem {
  id: string;
  kind: ActivityKind;
  /** Signed, as in the ledger. */
  amount: number;
  at: Date;
  /** The app's own words for a debit (its `reason`); nothing an operator wrote is shown to the customer. */
  note: string | null;
}

function grantKind(entry: LedgerEntry, trial: { start: Date; end: Date } | null): ActivityKind {
  // A top-up's grant is made against the checkout session it paid for (its ref); a slot's against its invoice.
  if (entry.bucket === topupBucketId(entry.ref)) return 'topup';
  const t = entry.at.getTime();
  if (trial && t >= trial.start.getTime() && t < trial.end.getTime()) return 'trial';
  return 'monthly';
}

/** Entries that move credits: a hold and its release (0 credits each) are a job's bookkeeping; its capture is the "Used". */
type MovingEntry = LedgerEntry & { type: Exclude<LedgerEntryType, 'hold' | 'release'> };

function movesCredits(entry: LedgerEntry): entry is MovingEntry {
  return entry.type !== 'hold' && entry.type !== 'release';
}

function kindOf(entry: MovingEntry, trial: { start: Date; end: Date } | null): ActivityKind {
  switch (entry.type) {
    case 'grant':
      return grantKind(entry, trial);
    case 'raise':
      return 'upgrade';
    case 'debit':
      return 'used';
    case 'expire':
      return 'expired';
    case 'revoke':
      return entry.opKey.includes(':dispute:') ? 'dispute' : 'refund';
    case 'restore':
      return 'restored';
    case 'adjust':
      return entry.amount >= 0 ? 'added' : 'removed';
  }
}

/**
 * The ledger in the customer's words. A slot's grant says "trial" while the subscription is still in the
 * trial that granted it: the ledger entry itself does not say, and the subscription's current term does.
 */
export function describeActivity(entries: LedgerEntry[], subscription: SubscriptionView | null): ActivityItem[] {
  const trial =
    subscription?.status === 'trialing' && subscription.termStart && subscription.termEnd
      ? { start: subscription.termStart, end: subscription.termEnd }
      : null;
  return entries.filter(movesCredits).map((entry) => ({
    id: entry.id,
    kind: kindOf(entry, trial),
    amount: entry.amount,
    at: entry.at,
    note: entry.type === 'debit' ? entry.reason : null,
  }));
}
