import type { AccountState, LedgerEntry } from '../domain/account';
import { emptyAccount } from '../domain/account';
import { AccountDraft } from '../domain/draft';
import { DomainError } from '../domain/errors';
import { nextDueAt, settle } from '../domain/settle';
import { KeyedMutex } from './keyedMutex';
import { noMetrics } from './metrics';
import type { Metrics } from './metrics';
import type { AccountStore, LedgerStore, StoredAccount } from './ports';

export interface DecideContext {
  now: Date;
  /** The ledger entry of an effect already applied to this account, wherever it is (outbox or ledger). */
  findApplied(opKey: string): Promise<LedgerEntry | null>;
}

export interface MutateOptions<T> {
  customer: string;
  now: Date;
  /** Create the account when it does not exist (webhooks); otherwise customer_not_found. */
  create: boolean;
  decide: (draft: AccountDraft, context: DecideContext) => Promise<T> | T;
}

export interface MutateResult<T> {
  result: T;
  state: AccountState;
  entries: LedgerEntry[];
}

const MAX_ATTEMPTS = 40;
/**
 * A decision older than this is thrown away and made again from a fresh load: the store prunes old
 * versions after a longer delay, and a writer must never insert a version that pruning removed.
 */
const MAX_HOLD_MS = 60_000;

/**
 * The one way an account changes: load → settle to now → decide (pure) → commit if the version is
 * unchanged, else start over → copy the outbox to the ledger. A crash after the commit leaves the
 * entries in the outbox, and the next mutation or read of the account copies them.
 */
export class AccountService {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly accounts: AccountStore,
    private readonly ledger: LedgerStore,
    private readonly metrics: Metrics = noMetrics,
  ) {}

  mutate<T>(options: MutateOptions<T>): Promise<MutateResult<T>> {
    return this.mutex.run(options.customer, () => this.mutateUnlocked(options));
  }

  private async mutateUnlocked<T>(options: MutateOptions<T>): Promise<MutateResult<T>> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const loadedAt = performance.now();
      const stored = await this.accounts.load(options.customer);
      if (!stored && !options.create) {
        throw new DomainError('customer_not_found', `No credits account for customer ${options.customer}.`);
      }
      const draft = new AccountDraft(stored?.state ?? emptyAccount(options.customer));
      settle(draft, options.now);
      const result = await options.decide(draft, {
        now: options.now,
        findApplied: (opKey) => this.findApplied(stored, options.customer, opKey),
      });
      const pending = stored ? stored.outbox.filter((e) => e.seq > stored.flushedSeq) : [];
      if (!draft.changed) {
        await this.flush(options.customer, pending);
        return { result, state: draft.state, entries: [] };
      }
      if (performance.now() - loadedAt > MAX_HOLD_MS) continue;
      const outbox = [...pending, ...draft.entries];
      const committed = await this.accounts.commit({
        expectedVersion: stored?.version ?? null,
        state: draft.state,
        outbox,
        nextDueAt: nextDueAt(draft.state, options.now),
      });
      if (committed) {
        // Counted here and only here: the one place an effect becomes true, whoever retried on the way.
        this.metrics.entriesCommitted(draft.entries, draft.state.buckets);
        await this.flush(options.customer, outbox);
        return { result, state: draft.state, entries: draft.entries };
      }
      await backoff(attempt);
    }
    throw new DomainError('concurrent_update', `Account ${options.customer} is changing too fast; try again.`);
  }

  /** Reads an account brought up to `now` (due slots issued, ended ones expired), persisting what settling changed. */
  async settled(customer: string, now: Date): Promise<AccountState> {
    const { state } = await this.mutate({ customer, now, create: false, decide: () => undefined });
    return state;
  }

  private async findApplied(stored: StoredAccount | null, customer: string, opKey: string): Promise<LedgerEntry | null> {
    // The outbox is checked before the ledger: an entry moves from one to the other, never vanishing in between.
    const inOutbox = stored?.outbox.find((e) => e.opKey === opKey);
    if (inOutbox) return inOutbox;
    return this.ledger.findByOpKey(customer, opKey);
  }

  private async flush(customer: string, entries: LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.ledger.insert(entries);
    await this.accounts.markFlushed(customer, Math.max(...entries.map((e) => e.seq)));
  }
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 * attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
