import type { LedgerEntry } from '../domain/account';
import { DomainError } from '../domain/errors';
import { balanceView } from '../domain/view';
import type { BalanceView } from '../domain/view';
import type { AccountService, AccountView } from './accounts';
import type { AccountStore, LedgerStore } from './ports';

/** One read, no write: what is due at `now` is computed, not persisted. */
export async function readBalance(accounts: AccountService, customer: string, now: Date): Promise<BalanceView> {
  const { state } = await accounts.view(customer, now);
  return balanceView(state, now);
}

export interface LedgerPageResult {
  entries: LedgerEntry[];
  nextCursor: string | null;
}

/**
 * Newest first. The newest entries are held with the account (and what is due now is computed), the
 * rest come from the ledger collection; the cursor is the sequence number of the last entry returned,
 * so pages never shift.
 */
export async function readLedger(
  deps: { accounts: AccountService; ledger: LedgerStore },
  query: { customer: string; limit: number; cursor: string | null; now: Date },
): Promise<LedgerPageResult> {
  return ledgerPageOf(deps.ledger, await deps.accounts.view(query.customer, query.now), query);
}

/** A page of the ledger of an account already read (so a caller that also shows its balance reads it once). */
export async function ledgerPageOf(
  ledger: LedgerStore,
  view: AccountView,
  query: { customer: string; limit: number; cursor: string | null },
): Promise<LedgerPageResult> {
  const beforeSeq = query.cursor === null ? null : decodeCursor(query.cursor);
  const { heldEntries } = view;
  const wanted = query.limit + 1;
  const held = heldEntries.filter((e) => beforeSeq === null || e.seq < beforeSeq).reverse();
  let entries = held.slice(0, wanted);
  if (entries.length < wanted) {
    // The ledger collection may also hold copies of held entries (copied, not yet dropped from the account).
    const below = Math.min(beforeSeq ?? Number.POSITIVE_INFINITY, heldEntries[0]?.seq ?? Number.POSITIVE_INFINITY);
    const stored = await ledger.page(query.customer, { limit: wanted - entries.length, beforeSeq: Number.isFinite(below) ? below : null });
    entries = [...entries, ...stored];
  }
  const page = entries.slice(0, query.limit);
  const last = page[page.length - 1];
  return { entries: page, nextCursor: entries.length > query.limit && last ? encodeCursor(last.seq) : null };
}

function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^seq:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new DomainError('invalid_request', 'cursor is not a cursor this API returned.', { field: 'cursor' });
  return Number(match[1]);
}

export async function findCustomerByExternalId(
  accounts: AccountStore,
  externalId: string,
): Promise<{ customer: string; externalId: string }> {
  const customer = await accounts.findByExternalId(externalId);
  if (!customer) throw new DomainError('customer_not_found', `No customer is linked to externalId ${externalId}.`);
  return { customer, externalId };
}
