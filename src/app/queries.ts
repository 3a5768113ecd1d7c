import type { LedgerEntry } from '../domain/account';
import { DomainError } from '../domain/errors';
import { balanceView } from '../domain/view';
import type { BalanceView } from '../domain/view';
import type { AccountService, AccountView } from './accounts';
import type { AccountStore } from './ports';

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
 * Newest first, what is due now included (computed, not written); the cursor is the sequence number of the
 * last entry returned, so pages never shift.
 */
export async function readLedger(accounts: AccountService, query: { customer: string; limit: number; cursor: string | null; now: Date }): Promise<LedgerPageResult> {
  return ledgerPageOf(await accounts.view(query.customer, query.now), query);
}

/** A page of the ledger of an account already read (so a caller that also shows its balance reads it once). */
export async function ledgerPageOf(view: AccountView, query: { limit: number; cursor: string | null }): Promise<LedgerPageResult> {
  const beforeSeq = query.cursor === null ? null : decodeCursor(query.cursor);
  // One more than asked: whether there is a next page.
  const entries = await view.ledger.page({ limit: query.limit + 1, beforeSeq });
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
