/**
 * The catalog the suite's servers run with (written to a scratch credits.config.json), and the one the
 * expected ledgers are computed from: the suite does not depend on the repository's own catalog.
 */
import type { Catalog } from '../src/domain/catalog';

export const CHAOS_CATALOG = {
  plans: [
    {
      id: 'pro',
      monthlyCredits: 5000,
      trialCredits: 100,
      prices: [
        { price: 'price_pro_m', months: 1 },
        { price: 'price_pro_q', months: 3 },
        { price: 'price_pro_y', months: 12 },
      ],
    },
    {
      id: 'max',
      monthlyCredits: 20000,
      trialCredits: 0,
      prices: [
        { price: 'price_max_m', months: 1 },
        { price: 'price_max_q', months: 3 },
        { price: 'price_max_y', months: 12 },
      ],
    },
  ],
  topups: [
    { price: 'price_topup_1k', credits: 1000 },
    { price: 'price_topup_5k', credits: 5000 },
  ],
  topupExpiry: 'never',
  upgradeCredits: 'on_payment',
} satisfies Catalog;

export const PLAN_PRICES = CHAOS_CATALOG.plans.flatMap((plan) => plan.prices.map((p) => ({ plan: plan.id, ...p })));
export const TOPUP_PRICES = CHAOS_CATALOG.topups.map((t) => t.price);

/** Monthly credits of the plan a price belongs to; undefined for a price the catalog does not sell. */
export function monthlyCreditsOf(price: string): number | undefined {
  return CHAOS_CATALOG.plans.find((plan) => plan.prices.some((p) => p.price === price))?.monthlyCredits;
}

export function topupCreditsOf(price: string): number | undefined {
  return CHAOS_CATALOG.topups.find((t) => t.price === price)?.credits;
}
