import { DEFAULT_LOW_BALANCE } from './catalog';
import type { Catalog, LowBalance } from './catalog';

/**
 * The balance under which a customer is running low (SPEC §2 `lowBalance`): a share of the month's allotment, or
 * a fixed number of credits. A share of nothing is no threshold, so a customer without a monthly allotment (top-ups
 * only) runs low only by the `credits` rule, or by running out.
 */
export function lowBalanceThreshold(rule: LowBalance, monthlyAllotment: number | null): number | null {
  if ('credits' in rule) return rule.credits;
  if (monthlyAllotment === null || monthlyAllotment <= 0) return null;
  // Credits are whole: "under 155.5" and "under 156" are the same test, and the signal reports a whole number.
  return Math.ceil((monthlyAllotment * rule.percent) / 100);
}

export function lowBalanceRule(catalog: Catalog): LowBalance {
  return catalog.lowBalance ?? DEFAULT_LOW_BALANCE;
}

/** Out of credits always counts as low; otherwise strictly under the threshold. */
export function isRunningLow(input: { available: number; monthlyAllotment: number | null; rule: LowBalance }): boolean {
  if (input.available <= 0) return true;
  const threshold = lowBalanceThreshold(input.rule, input.monthlyAllotment);
  return threshold !== null && input.available < threshold;
}
