import { withHistory } from '../domain/archive';
import { checkAccount } from '../domain/invariants';
import type { AccountState, LedgerEntry } from '../domain/account';
import type { Breach } from '../domain/invariants';
import type { AccountStore, StoredAccount } from './ports';

export interface LedgerCheckDeps {
  accounts: AccountStore;
}

export interface AccountCheck {
  customer: string;
  breaches: Breach[];
}

const PAGE = 200;
const ATTEMPTS = 3;

/** One account as stored: its whole history (archive put back), every entry, and its breaches. */
export interface CheckedAccount {
  state: AccountState;
  entries: LedgerEntry[];
  breaches: Breach[];
}

function sameMoment(a: StoredAccount, b: StoredAccount | null): boolean {
  return b !== null && a.state.seq === b.state.seq && a.state.balance === b.state.balance;
}

/**
 * Reads one account and checks its invariants. The account and its whole ledger are more than one read, so a
 * write landing between them looks like a breach (entries beyond the account's seq): a breach only counts if
 * the account did not move while it was read.
 */
export async function readCheckedAccount(deps: LedgerCheckDeps, customer: string): Promise<CheckedAccount | null> {
  let checked: CheckedAccount | null = null;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const stored = await deps.accounts.read(customer);
    if (!stored) return null;
    const entries = await stored.ledger.all();
    const state = withHistory(stored.state, await deps.accounts.archivedRecords(customer));
    checked = { state, entries, breaches: checkAccount(state, entries) };
    if (checked.breaches.length === 0) break;
    if (sameMoment(stored, await deps.accounts.read(customer))) break;
  }
  return checked;
}

async function checkCustomer(deps: LedgerCheckDeps, customer: string): Promise<AccountCheck | null> {
  const checked = await readCheckedAccount(deps, customer);
  return checked && { customer, breaches: checked.breaches };
}

/**
 * Every account in id order, a page of ids at a time and one account's entries at a time, so memory
 * stays bounded by the largest single account whatever the number of accounts.
 */
export async function* checkLedger(deps: LedgerCheckDeps, options: { customer?: string | null } = {}): AsyncGenerator<AccountCheck> {
  if (options.customer) {
    const check = await checkCustomer(deps, options.customer);
    if (check) yield check;
    return;
  }
  let after: string | null = null;
  for (;;) {
    const page = await deps.accounts.listCustomers(after, PAGE);
    for (const customer of page) {
      const check = await checkCustomer(deps, customer);
      if (check) yield check;
    }
    const last = page[page.length - 1];
    if (page.length < PAGE || last === undefined) return;
    after = last;
  }
}
