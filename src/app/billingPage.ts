import type { LedgerEntry } from '../domain/account';
import type { Catalog, Topup } from '../domain/catalog';
import type { BalanceView } from '../domain/view';
import type { AccountService } from './accounts';
import type { PriceReader, UnitPrice } from './ports';
import { ledgerPageOf } from './queries';
import { balanceView } from '../domain/view';

/** Without a Stripe key: the page shows no prices and leaves them to Checkout. */
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
    ledgerPageOf(view, { limit: query.activityLimit, cursor: query.activityCursor }),
    query.withPrices ? Promise.all(deps.catalog.topups.map((topup) => deps.prices.unitPrice(topup.price))) : [],
  ]);
  return {
    balance,
    activity: ledger.entries,
    olderActivity: ledger.nextCursor,
    topups: deps.catalog.topups.map((topup, i) => ({ topup, price: prices[i] ?? null })),
  };
}
