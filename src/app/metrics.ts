import type { Bucket, LedgerEntry } from '../domain/account';
import type { WebhookStatus } from './ingestEvent';

/** What happened to one Stripe event: its webhook status, or `failed` when applying it threw (Stripe retries). */
export type EventOutcome = WebhookStatus | 'failed';

/** What a debit request came to; `replayed` is a retry answered with the first receipt. */
export type DebitOutcome = 'created' | 'replayed' | 'insufficient' | 'conflict' | 'not_found' | 'invalid' | 'failed';

/** What the webhook route answered: an event outcome, or `rejected` before verification (bad signature, bad body). */
export type WebhookAnswer = EventOutcome | 'rejected';

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

/**
 * The service's metrics port. The use cases call it; src/ops/prometheus.ts implements it. Credit
 * amounts are reported only for entries whose commit succeeded, so a decision thrown away by a lost
 * race or a retry is never counted.
 */
export interface Metrics {
  eventHandled(event: { type: string; outcome: EventOutcome }): void;
  entriesCommitted(entries: readonly LedgerEntry[], buckets: readonly Bucket[]): void;
  debitRequested(outcome: DebitOutcome): void;
  sweepFinished(run: { ok: boolean; seconds: number; asOf: Date }): void;
  webhookAnswered(answer: { outcome: WebhookAnswer; seconds: number }): void;
  /** One attempt to deliver a signal to the app: delivered, failed and to be retried, or failed for good (dead). */
  signalAttempted(attempt: { type: string; outcome: SignalOutcome }): void;
}

export type SignalOutcome = 'delivered' | 'retried' | 'dead';

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
