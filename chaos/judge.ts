/**
 * Compares what the service's API shows with the expected accounts, effect by effect: an effect is the
 * ledger entries of one type for one business object (ref). Pure, so it is unit-tested on its own.
 */
import type { AccountView } from './api';
import type { Effect, ExpectedAccount } from './expected';

export interface Verdict {
  accounts: number;
  /** Expected effects missing or short in the ledger. */
  lost: number;
  /** Effects applied more than once, or for more than expected. */
  doubled: number;
  /** Ledger effects no event or request asked for. */
  extra: number;
  /** Accounts whose balance is not the expected one, or whose ledger does not sum to it. */
  wrongBalances: number;
  /** Accounts whose subscription shows another cancel_at_period_end than the newest snapshot sent. */
  staleSnapshots: number;
  /** Accounts with any difference. */
  mismatchedAccounts: number;
  /** A few differences in words, to start an investigation from. */
  examples: string[];
}

const MAX_EXAMPLES = 5;

const keyOf = (effect: { type: string; ref: string }): string => `${effect.type} ${effect.ref}`;

interface Actual {
  amount: number;
  entries: number;
}

function actualEffects(view: AccountView): Map<string, Actual> {
  const effects = new Map<string, Actual>();
  for (const entry of view.entries) {
    const key = keyOf(entry);
    const known = effects.get(key) ?? { amount: 0, entries: 0 };
    effects.set(key, { amount: known.amount + entry.amount, entries: known.entries + 1 });
  }
  return effects;
}

/** Grants, raises and debits are one entry each; a revocation may come in steps (a partial refund, then the rest). */
const SINGLE_ENTRY = new Set<Effect['type']>(['grant', 'raise', 'debit']);

export function judgeAccounts(expected: Map<string, ExpectedAccount>, views: AccountView[]): Verdict {
  const verdict: Verdict = { accounts: expected.size, lost: 0, doubled: 0, extra: 0, wrongBalances: 0, staleSnapshots: 0, mismatchedAccounts: 0, examples: [] };
  const note = (text: string): void => {
    if (verdict.examples.length < MAX_EXAMPLES) verdict.examples.push(text);
  };
  const byCustomer = new Map(views.map((v) => [v.customer, v]));
  for (const account of expected.values()) {
    const view = byCustomer.get(account.customer) ?? { customer: account.customer, balance: null, cancelAtPeriodEnd: null, entries: [] };
    const before = verdict.lost + verdict.doubled + verdict.extra + verdict.wrongBalances + verdict.staleSnapshots;
    const actual = actualEffects(view);
    for (const effect of account.effects) {
      const found = actual.get(keyOf(effect)) ?? { amount: 0, entries: 0 };
      actual.delete(keyOf(effect));
      if (Math.abs(found.amount) < Math.abs(effect.amount)) {
        verdict.lost += 1;
        note(`${account.customer}: ${keyOf(effect)} expected ${effect.amount}, ledger has ${found.amount}`);
      } else if (Math.abs(found.amount) > Math.abs(effect.amount) || (SINGLE_ENTRY.has(effect.type) && found.entries > 1)) {
        verdict.doubled += 1;
        note(`${account.customer}: ${keyOf(effect)} expected ${effect.amount} once, ledger has ${found.amount} in ${found.entries} entries`);
      }
    }
    for (const [key, found] of actual) {
      verdict.extra += 1;
      note(`${account.customer}: unexpected ${key} ${found.amount}`);
    }
    const ledgerSum = view.entries.reduce((sum, e) => sum + e.amount, 0);
    const expectedBalance = account.effects.length === 0 && view.balance === null ? null : account.balance;
    if (view.balance !== expectedBalance || (view.balance !== null && ledgerSum !== view.balance)) {
      verdict.wrongBalances += 1;
      note(`${account.customer}: balance ${view.balance}, ledger sums to ${ledgerSum}, expected ${account.balance}`);
    }
    if (account.cancelAtPeriodEnd !== null && view.cancelAtPeriodEnd !== account.cancelAtPeriodEnd) {
      verdict.staleSnapshots += 1;
      note(`${account.customer}: cancelAtPeriodEnd ${view.cancelAtPeriodEnd}, newest snapshot says ${account.cancelAtPeriodEnd}`);
    }
    if (verdict.lost + verdict.doubled + verdict.extra + verdict.wrongBalances + verdict.staleSnapshots > before) verdict.mismatchedAccounts += 1;
  }
  return verdict;
}

export function verdictClean(verdict: Verdict): boolean {
  return verdict.mismatchedAccounts === 0;
}
