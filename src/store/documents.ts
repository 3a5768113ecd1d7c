import type { AccountState, LedgerEntry } from '../domain/account';
import { emptyAccount } from '../domain/account';
import type { AccountDoc, LedgerDoc, StoredLedgerEntry } from './models';

/** Between domain values and stored documents: the only place that knows how a field is encoded. */

export function toStoredEntry(entry: LedgerEntry): StoredLedgerEntry {
  const { id: _id, metadata, ...rest } = entry;
  return { ...rest, metadata: metadata === null ? null : JSON.stringify(metadata) };
}

export function fromStoredEntry(id: string, stored: StoredLedgerEntry): LedgerEntry {
  return {
    ...stored,
    id,
    bucket: stored.bucket ?? null,
    allocations: stored.allocations ?? [],
    requestHash: stored.requestHash ?? null,
    reason: stored.reason ?? null,
    metadata: stored.metadata === null || stored.metadata === undefined ? null : parseMetadata(stored.metadata),
    ...(stored.until ? { until: stored.until } : {}),
  };
}

function parseMetadata(text: string): Record<string, string> {
  const parsed: unknown = JSON.parse(text);
  const out: Record<string, string> = {};
  if (typeof parsed === 'object' && parsed !== null) {
    for (const [key, value] of Object.entries(parsed)) out[key] = String(value);
  }
  return out;
}

export function entryId(customer: string, seq: number): string {
  return `${customer}:${seq}`;
}

export function toLedgerDoc(entry: LedgerEntry): LedgerDoc {
  return { _id: entry.id, ...toStoredEntry(entry) };
}

export function fromLedgerDoc(doc: LedgerDoc): LedgerEntry {
  const { _id, ...stored } = doc;
  return fromStoredEntry(_id, stored);
}

export function outboxEntries(doc: AccountDoc): LedgerEntry[] {
  return (doc.outbox ?? []).map((stored) => fromStoredEntry(entryId(doc._id, stored.seq), stored));
}

export function stateOf(doc: AccountDoc): AccountState {
  const { _id, version: _version, outbox: _outbox, flushedSeq: _flushed, nextDueAt: _due, lastWrite: _write, signalOutbox: _signals, ...fields } = doc;
  const empty = emptyAccount(_id);
  return {
    ...empty,
    ...fields,
    customer: _id,
    archived: { ...empty.archived, ...fields.archived },
    terms: (fields.terms ?? []).map((t) => ({ ...t, issuedSlots: t.issuedSlots ?? [] })),
    subscriptions: (fields.subscriptions ?? []).map((s) => ({ ...s, pauses: s.pauses ?? [] })),
  };
}

export function accountDoc(input: {
  state: AccountState;
  version: number;
  outbox: StoredLedgerEntry[];
  flushedSeq: number;
  nextDueAt: Date | null;
  lastWrite: string;
}): AccountDoc {
  const { customer, ...fields } = input.state;
  return {
    ...fields,
    _id: customer,
    version: input.version,
    outbox: input.outbox,
    flushedSeq: input.flushedSeq,
    nextDueAt: input.nextDueAt,
    lastWrite: input.lastWrite,
  };
}
