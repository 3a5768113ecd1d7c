import type { AccountState, LedgerEntry } from '../domain/account';
import { emptyAccount } from '../domain/account';
import { AccountDraft } from '../domain/draft';
import { DomainError } from '../domain/errors';
import { nextDueAt, settle } from '../domain/settle';
import { recordSignals, signalsOff } from '../domain/signals';
import type { SignalPolicy } from '../domain/signals';
import { noMetrics } from './metrics';
import type { AccountLedger, AccountStore, KnownEffects, Metrics } from './ports';

/** What a use case's decision is told besides the account: the instant, and the effects the account already has (this decision's own included). */
export interface DecideContext extends KnownEffects {
  now: Date;
}

export interface MutateOptions<T> {
  customer: string;
  now: Date;
  /** Create the account when it does not exist (webhooks); otherwise customer_not_found. */
  create: boolean;
  /** An effect key (debit, adjustment) to find along with the account. */
  opKey?: string;
  decide: (draft: AccountDraft, context: DecideContext) => Promise<T> | T;
}

export interface MutateResult<T> {
  result: T;
  state: AccountState;
  entries: LedgerEntry[];
}

/** An account as of an instant, computed without writing: what is due is shown as done. */
export interface AccountView {
  state: AccountState;
  /** Its whole ledger as of the same instant: what is stored, and the entries of what is due now. */
  ledger: AccountLedger;
}

export function notFound(customer: string): DomainError {
  return new DomainError('customer_not_found', `No credits account for customer ${customer}.`);
}

/**
 * The one way an account changes: settle to now → decide (pure) → one atomic write, made again on the
 * new state if someone else wrote first (the store's business: src/store/README.md).
 */
export class AccountService {
  constructor(
    private readonly store: AccountStore,
    private readonly metrics: Metrics = noMetrics,
    private readonly signals: SignalPolicy = signalsOff,
  ) {}

  async mutate<T>(options: MutateOptions<T>): Promise<MutateResult<T>> {
    const { customer, now } = options;
    const outcome = await this.store.change<MutateResult<T>>({
      customer,
      ...(options.opKey === undefined ? {} : { opKey: options.opKey }),
      decide: async (current, known) => {
        if (!current && !options.create) throw notFound(customer);
        const draft = new AccountDraft(current ?? emptyAccount(customer));
        settle(draft, now);
        const entries = async (opKeys: string[]): Promise<LedgerEntry[]> => [
          ...draft.entries.filter((e) => opKeys.includes(e.opKey)),
          ...(await known.entries(opKeys)),
        ];
        const result = await options.decide(draft, { now, applied: known.applied, archived: known.archived, entries });
        const decided = { result, state: draft.state, entries: draft.entries };
        if (!draft.changed) return { result: decided, change: null };
        const signals = recordSignals({ policy: this.signals, before: current ?? emptyAccount(customer), after: draft.state, entries: draft.entries, now });
        return { result: decided, change: { state: draft.state, entries: draft.entries, nextDueAt: nextDueAt(draft.state, now), archive: [], signals } };
      },
    });
    // Counted here and only here: the one place an effect becomes true, whoever retried on the way.
    if (outcome.entries.length > 0) this.metrics.entriesCommitted(outcome.entries, outcome.state.buckets);
    return outcome;
  }

  /** Reads never write: a slot that began since the last write is shown granted, an ended one expired. */
  async view(customer: string, now: Date): Promise<AccountView> {
    const stored = await this.store.read(customer);
    if (!stored) throw notFound(customer);
    // The state was read for this view alone: settled in place, not copied.
    const draft = new AccountDraft(stored.state, 'adopt');
    settle(draft, now);
    return { state: draft.state, ledger: withDueEntries(stored.ledger, draft.entries) };
  }
}

/** The stored ledger followed by the entries settling would add (numbered on from the stored ones): a read that shows them without writing them. */
function withDueEntries(stored: AccountLedger, due: LedgerEntry[]): AccountLedger {
  const first = due[0]?.seq;
  if (first === undefined) return stored;
  return {
    async page({ limit, beforeSeq }) {
      const newest = due.filter((e) => beforeSeq === null || e.seq < beforeSeq).reverse().slice(0, limit);
      if (newest.length >= limit) return newest;
      return [...newest, ...(await stored.page({ limit: limit - newest.length, beforeSeq: Math.min(beforeSeq ?? first, first) }))];
    },
    async all() {
      return [...(await stored.all()).filter((e) => e.seq < first), ...due];
    },
  };
}
