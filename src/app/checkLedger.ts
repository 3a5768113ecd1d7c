import { checkAccount, entriesWithOutbox } from '../domain/invariants';
import type { AccountState, LedgerEntry } from '../domain/account';
import type { Breach } from '../domain/invariants';
import type { AccountStore, LedgerStore } from './ports';

export interface LedgerCheckDeps {
  accounts: AccountStore;
  ledger: LedgerStore;
}

export interface AccountCheck {
  customer: string;
  breaches: Breach[];
}

const PAGE = 200;
const ATTEMPTS = 3;

/** One account as stored: its state, every entry (the ledger plus what the outbox has not copied yet), and its breaches. */
export interface CheckedAccount {
  state: AccountState;
  entries: LedgerEntry[];
  breaches: Breach[];
}

/**
 * Reads one account and checks its invariants. The state and the ledger are two reads, so a commit
 * landing between them looks like a breach (entries beyond the state's seq): a breach only counts if
 * the account's version did not move while it was read.
 */
export async function readCheckedAccount(deps: LedgerCheckDeps, customer: string): Promise<CheckedAccount | null> {
  let checked: CheckedAccount | null = null;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const stored = await deps.accounts.load(customer);
    if (!stored) return null;
    const entries = entriesWithOutbox(await deps.ledger.all(customer), stored.outbox);
    checked = { state: stored.state, entries, breaches: checkAccount(stored.state, entries) };
    if (checked.breaches.length === 0) break;
    const again = await deps.accounts.load(customer);
    if (again?.version === stored.version) break;
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
