/**
 * Judges racing debits from their answers alone and the ledgers read afterwards (pure, unit-tested):
 * - at most one 201 per idempotency key, and every 200 for that key carries exactly the 201's body;
 * - a key sent with another amount than the one applied answers 409, never 201 or 200;
 * - no answer shows a negative balance, and no ledger entry leaves one;
 * - the credits consumed (initial grant − final balance, and the ledger's debit entries) equal the sum
 *   of the amounts the service acknowledged as spent.
 */
import type { AccountView } from './api';
import { field } from './http';

export interface DebitAnswer {
  customer: string;
  key: string;
  amount: number;
  /** The definitive answer (after retrying 5xx and no answer with the same key). */
  status: number;
  json: unknown;
  /** Earlier attempts had 5xx or no answer: a 200 then acknowledges a debit whose 201 was never seen. */
  retried: boolean;
}

export interface DebitVerdict {
  created: number;
  replayed: number;
  refused: number;
  conflicts: number;
  /** Keys with two 201s, a 200 unlike the 201, or a 200/201 for an amount other than the one applied. */
  badReplays: number;
  /** Answers or ledger entries showing a negative balance. */
  negatives: number;
  /** Accounts whose consumption differs from the acknowledged debits. */
  consumptionMismatches: number;
  /** Debits the service acknowledged (201, or 200 after a retry) that the ledger does not hold. */
  lostDebits: number;
  /** Debit entries in the ledger that no answer acknowledged. */
  unacknowledgedDebits: number;
  /** Other statuses than 200, 201, 402, 409. */
  unexpected: number;
  consumed: number;
  acknowledged: number;
  lowestBalance: number;
  examples: string[];
}

const canonical = (value: unknown): string => JSON.stringify(value);

function balanceIn(answer: DebitAnswer): number | null {
  const direct = field(answer.json, 'balance');
  const fromError = field(field(answer.json, 'error'), 'balance');
  const value = typeof direct === 'number' ? direct : fromError;
  return typeof value === 'number' ? value : null;
}

function debitAmount(answer: DebitAnswer): number | null {
  const amount = field(field(answer.json, 'debit'), 'amount');
  return typeof amount === 'number' ? amount : null;
}

export function judgeDebits(input: { initial: Map<string, number>; answers: readonly DebitAnswer[]; finals: readonly AccountView[] }): DebitVerdict {
  const verdict: DebitVerdict = {
    created: 0, replayed: 0, refused: 0, conflicts: 0, badReplays: 0, negatives: 0, consumptionMismatches: 0, lostDebits: 0, unacknowledgedDebits: 0, unexpected: 0,
    consumed: 0, acknowledged: 0, lowestBalance: Number.POSITIVE_INFINITY, examples: [],
  };
  const note = (text: string): void => {
    if (verdict.examples.length < 5) verdict.examples.push(text);
  };
  const byKey = new Map<string, DebitAnswer[]>();
  for (const answer of input.answers) {
    const key = `${answer.customer} ${answer.key}`;
    byKey.set(key, [...(byKey.get(key) ?? []), answer]);
    const balance = balanceIn(answer);
    if (balance !== null) verdict.lowestBalance = Math.min(verdict.lowestBalance, balance);
    if (balance !== null && balance < 0) {
      verdict.negatives += 1;
      note(`${key} answered a balance of ${balance}`);
    }
    if (answer.status === 201) verdict.created += 1;
    else if (answer.status === 200) verdict.replayed += 1;
    else if (answer.status === 402) verdict.refused += 1;
    else if (answer.status === 409) verdict.conflicts += 1;
    else {
      verdict.unexpected += 1;
      note(`${key} answered ${answer.status}`);
    }
  }
  const acknowledged = new Map<string, number>();
  const acknowledgedKeys = new Set<string>();
  for (const [key, answers] of byKey) {
    const firsts = answers.filter((a) => a.status === 201);
    // A 200 after a retry stands for a 201 whose answer was lost (the first attempt applied it).
    const receipts = firsts.length > 0 ? firsts : answers.filter((a) => a.status === 200 && a.retried).slice(0, 1);
    const first = receipts[0];
    if (firsts.length > 1) {
      verdict.badReplays += 1;
      note(`${key} was created ${firsts.length} times`);
    }
    if (!first) {
      if (answers.some((a) => a.status === 200)) {
        verdict.badReplays += 1;
        note(`${key} answered 200 with no debit created`);
      }
      continue;
    }
    const applied = debitAmount(first);
    for (const answer of answers) {
      if (answer.status === 200 && canonical(answer.json) !== canonical(first.json)) {
        verdict.badReplays += 1;
        note(`${key} replay answered ${canonical(answer.json).slice(0, 160)} instead of the first body`);
      }
      if ((answer.status === 200 || answer.status === 201) && answer.amount !== applied) {
        verdict.badReplays += 1;
        note(`${key} for ${answer.amount} answered ${answer.status} though ${applied} was applied`);
      }
    }
    acknowledged.set(first.customer, (acknowledged.get(first.customer) ?? 0) + (applied ?? 0));
    acknowledgedKeys.add(key);
  }
  for (const view of input.finals) {
    const initial = input.initial.get(view.customer) ?? 0;
    const spent = acknowledged.get(view.customer) ?? 0;
    const debits = view.entries.filter((e) => e.type === 'debit');
    const debited = -debits.reduce((sum, e) => sum + e.amount, 0);
    // A debit's ledger entry names its idempotency key.
    const inLedger = new Set(debits.map((e) => `${view.customer} ${e.ref}`));
    for (const key of acknowledgedKeys) {
      if (key.startsWith(`${view.customer} `) && !inLedger.has(key)) {
        verdict.lostDebits += 1;
        note(`acknowledged debit ${key} is not in the ledger`);
      }
    }
    verdict.unacknowledgedDebits += [...inLedger].filter((key) => !acknowledgedKeys.has(key)).length;
    const consumed = initial - (view.balance ?? 0);
    verdict.consumed += consumed;
    verdict.acknowledged += spent;
    const negativeEntries = view.entries.filter((e) => e.balanceAfter < 0).length;
    verdict.negatives += negativeEntries + ((view.balance ?? 0) < 0 ? 1 : 0);
    verdict.lowestBalance = Math.min(verdict.lowestBalance, view.balance ?? 0);
    if (consumed !== spent || debited !== spent) {
      verdict.consumptionMismatches += 1;
      note(`${view.customer}: consumed ${consumed}, ledger debits ${debited}, acknowledged ${spent}`);
    }
  }
  if (verdict.lowestBalance === Number.POSITIVE_INFINITY) verdict.lowestBalance = 0;
  return verdict;
}

export function debitVerdictClean(verdict: DebitVerdict): boolean {
  return (
    verdict.badReplays === 0 &&
    verdict.negatives === 0 &&
    verdict.consumptionMismatches === 0 &&
    verdict.lostDebits === 0 &&
    verdict.unacknowledgedDebits === 0 &&
    verdict.unexpected === 0
  );
}
