import type { Bucket, LedgerEntry } from '../domain/account';
import type { Metrics } from './ports';

/**
 * Credits moved by committed ledger entries, grouped for counting. `label` is the source of a grant
 * (subscription, topup, adjustment, raise, restore), the source of an expired bucket, the cause of a
 * revocation (refund, dispute), or what took credits (debit, adjustment).
 */
export interface CreditFlow {
  kind: 'granted' | 'debited' | 'expired' | 'revoked';
  label: string;
  credits: number;
}

/** Where nobody scrapes (a CLI run, a unit test): the metrics port that counts nothing. */
export const noMetrics: Metrics = {
  eventHandled: () => undefined,
  entriesCommitted: () => undefined,
  debitRequested: () => undefined,
  sweepFinished: () => undefined,
  webhookAnswered: () => undefined,
  signalAttempted: () => undefined,
};

function revocationCause(entry: LedgerEntry): string {
  // opKeys are `revoke:<bucket>:refund:<id>` or `revoke:<bucket>:dispute:<id>` (src/domain/reversals.ts).
  if (entry.opKey.includes(':dispute:')) return 'dispute';
  if (entry.opKey.includes(':refund:')) return 'refund';
  return 'other';
}

/** Classifies committed entries into credit flows (positive numbers), one per entry that moved credits. */
export function creditFlows(entries: readonly LedgerEntry[], buckets: readonly Bucket[]): CreditFlow[] {
  const sourceOf = (entry: LedgerEntry): string => buckets.find((b) => b.id === entry.bucket)?.source ?? 'unknown';
  const flows: CreditFlow[] = [];
  for (const entry of entries) {
    if (entry.amount === 0) continue;
    const credits = Math.abs(entry.amount);
    switch (entry.type) {
      case 'grant':
        flows.push({ kind: 'granted', label: sourceOf(entry), credits });
        break;
      case 'raise':
        flows.push({ kind: 'granted', label: 'raise', credits });
        break;
      case 'restore':
        flows.push({ kind: 'granted', label: 'restore', credits });
        break;
      case 'adjust':
        flows.push(entry.amount > 0 ? { kind: 'granted', label: 'adjustment', credits } : { kind: 'debited', label: 'adjustment', credits });
        break;
      case 'debit':
        flows.push({ kind: 'debited', label: 'debit', credits });
        break;
      case 'expire':
        flows.push({ kind: 'expired', label: sourceOf(entry), credits });
        break;
      case 'revoke':
        flows.push({ kind: 'revoked', label: revocationCause(entry), credits });
        break;
    }
  }
  return flows;
}
