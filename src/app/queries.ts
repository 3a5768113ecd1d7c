import type { LedgerEntry } from '../domain/account';
import { DomainError } from '../domain/errors';
import { balanceView } from '../domain/view';
import type { BalanceView } from '../domain/view';
import type { AccountService } from './accounts';
import type { AccountStore, LedgerStore } from './ports';

export async function readBalance(accounts: AccountService, customer: string, now: Date): Promise<BalanceView> {
  const state = await accounts.settled(customer, now);
  return balanceView(state, now);
}

export interface LedgerPageResult {
  entries: LedgerEntry[];
  nextCursor: string | null;
}

/** Newest first. The cursor is the sequence number of the last entry returned, so pages never shift. */
export async function readLedger(
  deps: { accounts: AccountService; ledger: LedgerStore },
  query: { customer: string; limit: number; cursor: string | null; now: Date },
): Promise<LedgerPageResult> {
  const beforeSeq = query.cursor === null ? null : decodeCursor(query.cursor);
  // Settling also copies any outbox entries a crash left behind, so the ledger is complete.
  await deps.accounts.settled(query.customer, query.now);
  const entries = await deps.ledger.page(query.customer, { limit: query.limit + 1, beforeSeq });
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
