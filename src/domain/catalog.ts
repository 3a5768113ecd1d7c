/** The catalog of what can be bought, as the credit policy sees it (parsed from credits.config.json). */
export interface PlanPrice {
  /** Stripe price id, unique across the catalog. */
  price: string;
  /** Length of one billing term in calendar months (1 = monthly, 3 = quarterly, 12 = annual). */
  months: number;
}

export interface Plan {
  id: string;
  monthlyCredits: number;
  trialCredits: number;
  prices: PlanPrice[];
}

export interface Topup {
  price: string;
  credits: number;
}

export type TopupExpiry = 'never' | 'cycle' | { days: number };

export type UpgradeCredits = 'on_payment' | 'immediate';

export interface Catalog {
  plans: Plan[];
  topups: Topup[];
  topupExpiry: TopupExpiry;
  upgradeCredits: UpgradeCredits;
  /** The `credits.low` signal's threshold (SPEC §2); `{ percent: 10 }` when the catalog says nothing. */
  lowBalance?: { percent: number } | { credits: number };
}

export interface PlanMatch {
  plan: Plan;
  price: string;
  months: number;
}

export function findPlanByPrice(catalog: Catalog, price: string): PlanMatch | undefined {
  for (const plan of catalog.plans) {
    const match = plan.prices.find((p) => p.price === price);
    if (match) return { plan, price: match.price, months: match.months };
  }
  return undefined;
}

export function findTopupByPrice(catalog: Catalog, price: string): Topup | undefined {
  return catalog.topups.find((t) => t.price === price);
}
