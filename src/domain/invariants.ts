import { heldByBucket } from './account';
import type { AccountState, LedgerEntry } from './account';

/**
 * The ledger invariants of src/store/README.md, checked for one account. Pure: the caller reads the
 * state and every entry of the account, and reports.
 */

export type BreachKind =
  /** 1: the entries do not sum to the balance. */
  | 'ledger_sum'
  /** 2: the balance is not what the unexpired buckets hold. */
  | 'bucket_sum'
  /** 2: a bucket holds less than nothing or more than it was granted. */
  | 'bucket_out_of_range'
  /** 2: an expired bucket holds other than what holds still reserve in it (the rest was forfeited). */
  | 'expired_bucket_not_empty'
  /** 2: holds reserve more of a bucket than it holds, or a hold's reservations do not add up to its amount. */
  | 'held_out_of_range'
  /** 3: sequence numbers missing, repeated or beyond the account's `seq`. */
  | 'sequence_gap'
  /** 3: an entry's balanceAfter is not the previous balanceAfter plus its amount. */
  | 'running_sum'
  /** 4: the same effect recorded twice. */
  | 'duplicate_op_key';

export interface Breach {
  kind: BreachKind;
  /** The entry, bucket, opKey or account that breaks it. */
  object: string;
  detail: string;
}

export function checkAccount(state: AccountState, entries: LedgerEntry[]): Breach[] {
  const bySeq = [...entries].sort((a, b) => a.seq - b.seq);
  return [...ledgerSum(state, bySeq), ...bucketSums(state), ...sequence(state, bySeq), ...runningSums(bySeq), ...opKeys(bySeq)];
}

function ledgerSum(state: AccountState, entries: LedgerEntry[]): Breach[] {
  const sum = entries.reduce((total, e) => total + e.amount, 0);
  if (sum === state.balance) return [];
  return [{ kind: 'ledger_sum', object: state.customer, detail: `ledger entries sum to ${sum} but the balance is ${state.balance}` }];
}

/**
 * The balance is what the buckets hold: the unexpired ones, and the credits an expired bucket keeps for
 * the holds that reserved them (a capture still takes those; a release forfeits them).
 */
function bucketSums(state: AccountState): Breach[] {
  const breaches: Breach[] = [];
  const reserved = heldByBucket(state);
  let held = 0;
  for (const bucket of state.buckets) {
    const heldHere = reserved.get(bucket.id) ?? 0;
    if (heldHere > bucket.remaining) {
      breaches.push({ kind: 'held_out_of_range', object: bucket.id, detail: `holds reserve ${heldHere} but the bucket holds ${bucket.remaining}` });
    }
    if (bucket.remaining < 0 || bucket.remaining > bucket.granted) {
      breaches.push({
        kind: 'bucket_out_of_range',
        object: bucket.id,
        detail: `bucket holds ${bucket.remaining} of ${bucket.granted} granted (must be 0…${bucket.granted})`,
      });
    }
    if (bucket.expired && bucket.remaining !== heldHere) {
      breaches.push({ kind: 'expired_bucket_not_empty', object: bucket.id, detail: `expired bucket holds ${bucket.remaining} but holds reserve ${heldHere} of it` });
    }
    held += bucket.remaining;
  }
  for (const hold of state.holds) {
    const total = hold.reservations.reduce((sum, r) => sum + r.amount, 0);
    const missing = hold.status === 'held' ? hold.reservations.filter((r) => !state.buckets.some((b) => b.id === r.bucket)) : [];
    if (total !== hold.amount || missing.length > 0) {
      const why = missing.length > 0 ? `reserves credits in missing bucket(s) ${missing.map((r) => r.bucket).join(', ')}` : `reservations add up to ${total}, not ${hold.amount}`;
      breaches.push({ kind: 'held_out_of_range', object: hold.id, detail: why });
    }
  }
  if (held !== state.balance) {
    breaches.push({ kind: 'bucket_sum', object: state.customer, detail: `buckets hold ${held} but the balance is ${state.balance}` });
  }
  return breaches;
}

/** Seq must run 1…state.seq, each once. Gaps are reported as ranges, so a lost stretch is one line. */
function sequence(state: AccountState, entries: LedgerEntry[]): Breach[] {
  const breaches: Breach[] = [];
  const breach = (detail: string): void => {
    breaches.push({ kind: 'sequence_gap', object: state.customer, detail });
  };
  let expected = 1;
  for (const entry of entries) {
    if (entry.seq < expected) {
      breach(`seq ${entry.seq} appears more than once (${entry.id})`);
      continue;
    }
    if (entry.seq > expected) breach(missing(expected, entry.seq - 1));
    expected = entry.seq + 1;
  }
  if (expected <= state.seq) breach(missing(expected, state.seq));
  const beyond = entries.filter((e) => e.seq > state.seq || e.seq < 1);
  if (beyond.length > 0) breach(`entries outside 1…${state.seq}: seq ${beyond.map((e) => e.seq).join(', ')}`);
  return breaches;
}

function missing(from: number, to: number): string {
  return from === to ? `seq ${from} is missing` : `seq ${from}…${to} are missing`;
}

/**
 * Each entry against the one before it, not against a total from the start: one wrong entry is one
 * breach, not a cascade. Across a gap there is nothing to compare with (the gap is its own breach).
 */
function runningSums(entries: LedgerEntry[]): Breach[] {
  const breaches: Breach[] = [];
  let previous: LedgerEntry | null = null;
  for (const entry of entries) {
    const base = entry.seq === 1 ? 0 : previous && previous.seq === entry.seq - 1 ? previous.balanceAfter : null;
    if (base !== null && entry.balanceAfter !== base + entry.amount) {
      breaches.push({
        kind: 'running_sum',
        object: entry.id,
        detail: `balanceAfter is ${entry.balanceAfter} but ${base} ${entry.amount < 0 ? '−' : '+'} ${Math.abs(entry.amount)} = ${base + entry.amount}`,
      });
    }
    previous = entry;
  }
  return breaches;
}

function opKeys(entries: LedgerEntry[]): Breach[] {
  const byKey = new Map<string, string[]>();
  for (const entry of entries) byKey.set(entry.opKey, [...(byKey.get(entry.opKey) ?? []), entry.id]);
  const breaches: Breach[] = [];
  for (const [opKey, ids] of byKey) {
    if (ids.length > 1) breaches.push({ kind: 'duplicate_op_key', object: opKey, detail: `one effect recorded ${ids.length} times: ${ids.join(', ')}` });
  }
  return breaches;
}
