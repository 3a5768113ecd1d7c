import type { LedgerEntry } from '../domain/account';
import { isDomainError } from '../domain/errors';
import { debit, debitOpKey } from '../domain/spend';
import type { AccountService } from './accounts';
import { onceByKey } from './idempotency';
import type { KeyedOutcome } from './idempotency';
import type { DebitOutcome, Metrics } from './ports';

export interface DebitCommand {
  customer: string;
  amount: number;
  idempotencyKey: string;
  reason: string | null;
  metadata: Record<string, string> | null;
  now: Date;
}

export interface DebitReceipt {
  debit: { id: string; amount: number; createdAt: Date; allocations: { bucket: string; amount: number }[] };
  balance: number;
}

function receiptOf(entry: LedgerEntry): DebitReceipt {
  return {
    debit: { id: entry.id, amount: -entry.amount, createdAt: entry.at, allocations: entry.allocations },
    balance: entry.balanceAfter,
  };
}

function outcomeOfError(error: unknown): DebitOutcome {
  if (!isDomainError(error)) return 'failed';
  switch (error.code) {
    case 'insufficient_credits':
      return 'insufficient';
    case 'idempotency_key_reused':
      return 'conflict';
    case 'customer_not_found':
      return 'not_found';
    case 'invalid_request':
      return 'invalid';
    default:
      return 'failed';
  }
}

/** Spends credits all-or-nothing, exactly once per idempotency key. */
export async function spendCredits(deps: { accounts: AccountService; metrics: Metrics }, command: DebitCommand): Promise<KeyedOutcome<DebitReceipt>> {
  try {
    const outcome = await spendOnce(deps.accounts, command);
    deps.metrics.debitRequested(outcome.created ? 'created' : 'replayed');
    return outcome;
  } catch (error) {
    deps.metrics.debitRequested(outcomeOfError(error));
    throw error;
  }
}

function spendOnce(accounts: AccountService, command: DebitCommand): Promise<KeyedOutcome<DebitReceipt>> {
  const { amount, idempotencyKey, reason, metadata } = command;
  return onceByKey(accounts, command, {
    what: 'debit',
    opKey: debitOpKey(idempotencyKey),
    fingerprint: [amount, reason, metadata ?? null],
    replay: receiptOf,
    apply: (draft, { now, requestHash }) => receiptOf(debit(draft, { amount, idempotencyKey, requestHash, reason, metadata, at: now })),
  });
}
