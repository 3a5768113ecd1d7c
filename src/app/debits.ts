import { createHash } from 'node:crypto';
import type { LedgerEntry } from '../domain/account';
import { DomainError, isDomainError } from '../domain/errors';
import { debit, debitOpKey } from '../domain/spend';
import type { AccountService } from './accounts';
import type { DebitOutcome as DebitOutcomeLabel, Metrics } from './ports';

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

export interface DebitOutcome {
  /** false when the key had been used by the same request before: the first answer is returned again. */
  created: boolean;
  receipt: DebitReceipt;
}

function fingerprint(command: DebitCommand): string {
  const canonical = JSON.stringify([command.amount, command.reason, command.metadata ?? null]);
  return createHash('sha256').update(canonical).digest('hex');
}

function receiptOf(entry: LedgerEntry): DebitReceipt {
  return {
    debit: { id: entry.id, amount: -entry.amount, createdAt: entry.at, allocations: entry.allocations },
    balance: entry.balanceAfter,
  };
}

function outcomeOfError(error: unknown): DebitOutcomeLabel {
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
export async function spendCredits(deps: { accounts: AccountService; metrics: Metrics }, command: DebitCommand): Promise<DebitOutcome> {
  try {
    const outcome = await spendOnce(deps.accounts, command);
    deps.metrics.debitRequested(outcome.created ? 'created' : 'replayed');
    return outcome;
  } catch (error) {
    deps.metrics.debitRequested(outcomeOfError(error));
    throw error;
  }
}

async function spendOnce(accounts: AccountService, command: DebitCommand): Promise<DebitOutcome> {
  const requestHash = fingerprint(command);
  const { result } = await accounts.mutate({
    customer: command.customer,
    now: command.now,
    create: false,
    opKey: debitOpKey(command.idempotencyKey),
    decide: (draft, context) => {
      const earlier = context.applied;
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw new DomainError(
            'idempotency_key_reused',
            `idempotencyKey ${command.idempotencyKey} was already used for a different debit.`,
          );
        }
        return { created: false, entry: earlier };
      }
      const entry = debit(draft, {
        amount: command.amount,
        idempotencyKey: command.idempotencyKey,
        requestHash,
        reason: command.reason,
        metadata: command.metadata,
        at: context.now,
      });
      return { created: true, entry };
    },
  });
  return { created: result.created, receipt: receiptOf(result.entry) };
}
