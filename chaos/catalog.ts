/**
 * The catalog the suite's servers run with (written to a scratch credits.config.json), and the one the
 * expected ledgers are computed from: the suite does not depend on the repository's own catalog.
 */
import { twoPlanCatalog } from '../test/fixtures/catalog';

export const CHAOS_CATALOG = twoPlanCatalog;

export const PLAN_PRICES = CHAOS_CATALOG.plans.flatMap((plan) => plan.prices.map((p) => ({ plan: plan.id, ...p })));
export const TOPUP_PRICES = CHAOS_CATALOG.topups.map((t) => t.price);

/** Monthly credits of the plan a price belongs to; undefined for a price the catalog does not sell. */
export function monthlyCreditsOf(price: string): number | undefined {
  return CHAOS_CATALOG.plans.find((plan) => plan.prices.some((p) => p.price === price))?.monthlyCredits;
}

export function topupCreditsOf(price: string): number | undefined {
  return CHAOS_CATALOG.topups.find((t) => t.price === price)?.credits;
}
