import type { LedgerEntry } from '../domain/account';
import type { Catalog, Topup } from '../domain/catalog';
import type { BalanceView } from '../domain/view';
import type { AccountService } from './accounts';
import type { LedgerStore } from './ports';
import { ledgerPageOf } from './queries';
import { balanceView } from '../domain/view';

/** What one unit of a top-up costs, as Stripe's Price says. */
export interface UnitPrice {
  /** In the currency's minor unit (cents), as Stripe counts. */
  unitAmount: number;
  /** ISO 4217, lower case as Stripe sends it. */
  currency: string;
}

/**
 * Reads the price of a catalog top-up from Stripe. null when Stripe has no fixed unit amount for it (a
 * customer-chosen or tiered price) or cannot be asked: the page then leaves the price to Checkout.
 */
export interface PriceReader {
  unitPrice(price: string): Promise<UnitPrice | null>;
}

export const noPrices: PriceReader = { unitPrice: () => Promise.resolve(null) };

export interface BillingPageRead {
  balance: BalanceView;
  /** Newest first. */
  activity: LedgerEntry[];
  /** Cursor of the entries older than `activity`; null when there are none. */
  olderActivity: string | null;
  topups: Array<{ topup: Topup; price: UnitPrice | null }>;
}

export interface BillingPageDeps {
  accounts: AccountService;
  ledger: LedgerStore;
  catalog: Catalog;
  prices: PriceReader;
}

/** The billing page shows the last 20 ledger entries (SPEC §8, "recent activity"), and more on its own page. */
export const RECENT_ACTIVITY = 20;

/** Everything the page shows, read through the same queries as the JSON API: a read that spends and grants nothing. */
export async function readBillingPage(
  deps: BillingPageDeps,
  query: { customer: string; now: Date; activityLimit: number; activityCursor: string | null; withPrices: boolean },
): Promise<BillingPageRead> {
  // One read of the account serves both the balance and the activity, so they show the same moment.
  const view = await deps.accounts.view(query.customer, query.now);
  const balance = balanceView(view.state, query.now);
  const [ledger, prices] = await Promise.all([
    ledgerPageOf(deps.ledger, view, { customer: query.customer, limit: query.activityLimit, cursor: query.activityCursor }),
    query.withPrices ? Promise.all(deps.catalog.topups.map((topup) => deps.prices.unitPrice(topup.price))) : [],
  ]);
  return {
    balance,
    activity: ledger.entries,
    olderActivity: ledger.nextCursor,
    topups: deps.catalog.topups.map((topup, i) => ({ topup, price: prices[i] ?? null })),
  };
}
