/** Figures several experiments report the same way: deliveries as Stripe saw them, and ledger verdicts. */
import type { Delivery } from '../api';
import type { Verdict } from '../judge';
import { count } from '../stats';

export interface DeliveryFigures {
  /** Answers that were neither 2xx nor a 5xx later retried to 2xx: 4xx, or no answer. */
  nonOk: number;
  /** 5xx answers whose event a retry then delivered (allowed, as Stripe retries, but counted). */
  retried5xx: number;
  /** Events still not accepted when the retries gave up. */
  neverAccepted: number;
  examples: string[];
}

export function deliveryFigures(results: readonly Delivery[]): DeliveryFigures {
  const figures: DeliveryFigures = { nonOk: 0, retried5xx: 0, neverAccepted: 0, examples: [] };
  for (const delivery of results) {
    if (!delivery.accepted) figures.neverAccepted += 1;
    for (const status of delivery.statuses) {
      if (status >= 500 && delivery.accepted) figures.retried5xx += 1;
      else if (status < 200 || status >= 300) figures.nonOk += 1;
    }
    if (delivery.statuses.some((s) => s < 200 || (s >= 300 && s < 500)) && figures.examples.length < 3) {
      figures.examples.push(`a delivery answered ${delivery.statuses.join(' → ')}`);
    }
  }
  return figures;
}

/** The webhook's answers, e.g. "processed 1,204, duplicate 3,011". */
export function tallyOutcomes(results: readonly Delivery[]): string {
  const tally = new Map<string, number>();
  for (const r of results) tally.set(r.outcome ?? 'none', (tally.get(r.outcome ?? 'none') ?? 0) + 1);
  return [...tally.entries()].map(([outcome, n]) => `${outcome} ${count(n)}`).join(', ');
}

export function describeVerdict(verdict: Verdict): string {
  const parts = [`lost ${verdict.lost}`, `doubled ${verdict.doubled}`, `extra ${verdict.extra}`, `wrong balances ${verdict.wrongBalances}`];
  if (verdict.staleSnapshots > 0) parts.push(`stale subscription ${verdict.staleSnapshots}`);
  return `${verdict.mismatchedAccounts} mismatched of ${count(verdict.accounts)} accounts (${parts.join(', ')})`;
}
