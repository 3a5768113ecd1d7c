import type { mongo } from 'mongoose';
import type { LedgerEntry } from '../domain/account';
import { outboxEntries } from './documents';
import type { LedgerCollection } from './ledgerCollection';
import type { AccountDoc } from './models';

/**
 * An account document carries two outboxes: `outbox`, the ledger entries its writes made, and `signalOutbox`,
 * the signals they decided. A write only ever appends to them (`$push`), in the same conditional update that
 * commits the change, so the change and what it caused become true together. Items leave them one way only,
 * `copyOut`: copies are inserted where they belong (idempotently), and only then pulled from the document.
 * Why that is enough for exactly-once is in src/store/README.md ("Outboxes").
 */
export interface Outbox<Item> {
  /** What the document's outbox holds, oldest first. */
  itemsOf(doc: AccountDoc): Item[];
  /** An item's place in its outbox, increasing: items only ever leave as a prefix, "up to N". */
  position(item: Item): number;
  /** Inserts copies where the items belong. An item found there already must be the same one, or this throws. */
  insert(items: Item[]): Promise<void>;
  /** The update that takes the items up to `through` out of the document: not conditional on its version. */
  removal(through: number): mongo.UpdateFilter<AccountDoc>;
}

/** One account's items to move out, as the caller knows them (a writer: the outbox it read plus what it appended). */
export interface OutboxItems<Item> {
  customer: string;
  items: Item[];
}

/**
 * The one copy routine: every outbox, every trigger (a write's background copy, a write refused until its long
 * outbox is copied, the sweep, the signal dispatcher). One insert for all the accounts, then one removal each,
 * in a single round trip however many accounts. A failure before the removal leaves the items where they were.
 */
export async function copyOut<Item>(accounts: mongo.Collection<AccountDoc>, outbox: Outbox<Item>, from: OutboxItems<Item>[]): Promise<void> {
  const moving = from.filter((f) => f.items.length > 0);
  if (moving.length === 0) return;
  await outbox.insert(moving.flatMap((f) => f.items));
  const removals = moving.map((f) => ({ filter: { _id: f.customer }, update: outbox.removal(Math.max(...f.items.map((item) => outbox.position(item)))) }));
  const [only] = removals;
  if (only && removals.length === 1) await accounts.updateOne(only.filter, only.update);
  else await accounts.bulkWrite(removals.map((updateOne) => ({ updateOne })), { ordered: false });
}

/** The ledger outbox: entries go to the `ledger` collection, and `flushedSeq` says how far the collection reaches. */
export function ledgerOutbox(ledger: LedgerCollection): Outbox<LedgerEntry> {
  return {
    itemsOf: outboxEntries,
    position: (entry) => entry.seq,
    insert: (entries) => ledger.insertCopies(entries),
    removal: (through) => ({ $pull: { outbox: { seq: { $lte: through } } }, $max: { flushedSeq: through } }),
  };
}

export type CopyFailed = (failure: { customer: string; error: unknown }) => void;

/**
 * Copies run after the write that filled an outbox, off the caller's path: at most one at a time per account,
 * and `idle()` waits for them (shutdown, tests). A failed copy is reported per account and tried again after
 * the account's next write; its entries stay in the outbox meanwhile, which holds the truth.
 */
export class BackgroundCopies<Item> {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly copy: (from: OutboxItems<Item>[]) => Promise<void>,
    private readonly onFailed: CopyFailed = () => undefined,
  ) {}

  /** Starts the copy (an account already being copied is left to that copy); resolves when it ends, never rejects. */
  start(from: OutboxItems<Item>[]): Promise<void> {
    const free = from.filter((f) => f.items.length > 0 && !this.running.has(f.customer));
    if (free.length === 0) return Promise.resolve();
    const copy = this.copyReporting(free).finally(() => {
      for (const f of free) this.running.delete(f.customer);
    });
    for (const f of free) this.running.set(f.customer, copy);
    return copy;
  }

  /** A batch that fails is copied again account by account, so the failure is told of the account it belongs to. */
  private async copyReporting(from: OutboxItems<Item>[]): Promise<void> {
    try {
      await this.copy(from);
    } catch (error) {
      if (from.length === 1) return this.onFailed({ customer: from[0]?.customer ?? '', error });
      for (const one of from) await this.copyReporting([one]);
    }
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
}
