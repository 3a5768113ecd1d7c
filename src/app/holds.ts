import { createHash } from 'node:crypto';
import type { Allocation, Hold, LedgerEntry } from '../domain/account';
import { DomainError } from '../domain/errors';
import { HOLD_TTL_SECONDS, captureHold, captureOpKey, holdNotHeld, holdOpKey, holdView, placeHold, releaseHold, releaseOpKey } from '../domain/holds';
import type { HoldView } from '../domain/holds';
import type { AccountService, DecideContext } from './accounts';
import { onceByKey } from './idempotency';
import type { KeyedOutcome } from './idempotency';

export interface HoldCommand {
  customer: string;
  amount: number;
  idempotencyKey: string;
  /** null: the default (15 minutes). */
  ttlSeconds: number | null;
  metadata: Record<string, string> | null;
  now: Date;
}

export interface HoldReceipt {
  hold: HoldView;
  /** The balance right after the hold was placed (a hold does not change it; `available` drops). */
  balance: number;
}

export interface CaptureReceipt {
  hold: HoldView;
  debit: { id: string; amount: number; createdAt: Date; allocations: Allocation[] };
  /** The balance once the capture is done (the captured credits taken, the rest released). */
  balance: number;
}

/** Unguessable by another customer's key, fixed by this one's: deciding the creation again names the same hold. */
export function holdIdOf(customer: string, idempotencyKey: string): string {
  return `hold_${createHash('sha256').update(`${customer}\u0000${idempotencyKey}`).digest('hex').slice(0, 24)}`;
}

const sum = (allocations: Allocation[]): number => allocations.reduce((s, a) => s + a.amount, 0);

/** The hold as its `hold` entry recorded it: what a retried creation answers, and what is left once the hold left the account. */
function heldAsRecorded(entry: LedgerEntry, status: Hold['status']): HoldView {
  return { id: entry.ref, amount: sum(entry.allocations), expiresAt: entry.until ?? entry.at, status };
}

/** Reserves credits for a job, exactly once per idempotency key (the same rule as debits). */
export function holdCredits(accounts: AccountService, command: HoldCommand): Promise<KeyedOutcome<HoldReceipt>> {
  const { amount, idempotencyKey, metadata } = command;
  const ttlSeconds = command.ttlSeconds ?? HOLD_TTL_SECONDS.default;
  const holdId = holdIdOf(command.customer, idempotencyKey);
  return onceByKey(accounts, command, {
    what: 'hold',
    opKey: holdOpKey(holdId),
    fingerprint: ['hold', amount, ttlSeconds, metadata ?? null],
    replay: (earlier) => ({ hold: heldAsRecorded(earlier, 'held'), balance: earlier.balanceAfter }),
    apply: (draft, { now, requestHash }) => {
      const { hold, entry } = placeHold(draft, { holdId, idempotencyKey, amount, ttlSeconds, requestHash, metadata, at: now });
      return { hold: holdView(hold), balance: entry.balanceAfter };
    },
  });
}

/** What the hold's entries say happened to it, once it has left the account (src/domain/archive.ts). */
async function recordedOutcome(context: DecideContext, holdId: string): Promise<{ hold: LedgerEntry; capture: LedgerEntry | null; release: LedgerEntry | null }> {
  const found = await context.entries([holdOpKey(holdId), captureOpKey(holdId), releaseOpKey(holdId)]);
  const hold = found.find((e) => e.opKey === holdOpKey(holdId));
  if (!hold) throw new DomainError('hold_not_found', `No hold ${holdId} for this customer.`);
  return { hold, capture: found.find((e) => e.opKey === captureOpKey(holdId)) ?? null, release: found.find((e) => e.opKey === releaseOpKey(holdId)) ?? null };
}

function captureReceipt(hold: HoldView, entry: LedgerEntry): CaptureReceipt {
  return { hold, debit: { id: entry.id, amount: -entry.amount, createdAt: entry.at, allocations: entry.allocations }, balance: entry.balanceAfter };
}

function releasedStatus(entry: LedgerEntry): 'released' | 'expired' {
  return entry.reason === 'expired' ? 'expired' : 'released';
}

/**
 * Turns up to the held amount (default: all) into a debit and releases the rest, once: a second capture
 * answers the first one again, found in the account or, once the hold has left it, in the ledger.
 */
export async function captureCredits(accounts: AccountService, command: { customer: string; holdId: string; amount: number | null; now: Date }): Promise<CaptureReceipt> {
  const { result } = await accounts.mutate({
    customer: command.customer,
    now: command.now,
    create: false,
    decide: async (draft, context): Promise<CaptureReceipt> => {
      const hold = draft.state.holds.find((h) => h.id === command.holdId);
      if (hold?.status === 'held') {
        const entry = captureHold(draft, hold, command.amount ?? hold.amount, context.now);
        return captureReceipt(holdView(hold), entry);
      }
      if (hold && hold.status !== 'captured') throw holdNotHeld(hold, 'capture');
      const recorded = await recordedOutcome(context, command.holdId);
      if (recorded.capture) return captureReceipt(heldAsRecorded(recorded.hold, 'captured'), recorded.capture);
      if (recorded.release) throw holdNotHeld({ id: command.holdId, status: releasedStatus(recorded.release) }, 'capture');
      throw new Error(`Hold ${command.holdId} is captured but its capture entry was not found.`);
    },
  });
  return result;
}

/** Returns the whole hold; idempotent: releasing a released or expired hold answers how it ended. */
export async function releaseCredits(accounts: AccountService, command: { customer: string; holdId: string; now: Date }): Promise<HoldReceipt> {
  const { result } = await accounts.mutate({
    customer: command.customer,
    now: command.now,
    create: false,
    decide: async (draft, context): Promise<HoldReceipt> => {
      const hold = draft.state.holds.find((h) => h.id === command.holdId);
      if (hold?.status === 'held') {
        const entry = releaseHold(draft, hold, context.now, 'released');
        return { hold: holdView(hold), balance: entry.balanceAfter };
      }
      if (hold?.status === 'captured') throw holdNotHeld(hold, 'release');
      const recorded = await recordedOutcome(context, command.holdId);
      if (recorded.capture) throw holdNotHeld({ id: command.holdId, status: 'captured' }, 'release');
      if (!recorded.release) throw new Error(`Hold ${command.holdId} has ended but its release entry was not found.`);
      return { hold: heldAsRecorded(recorded.hold, releasedStatus(recorded.release)), balance: recorded.release.balanceAfter };
    },
  });
  return result;
}
