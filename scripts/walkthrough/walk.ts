/**
 * Walks the story month by month against a running service and prints what its API says: each month's
 * grant, the balance at its start, what was spent, what was left one millisecond before the next month,
 * what expired at that boundary, the promised next grant, and the top-up, refund or upgrade of the month.
 */
import type { WalkApi } from './api';
import { topupCompleted, topupRefunded, termPaid, upgradeEvents } from './events';
import type { Action } from './story';
import { ACTIONS, ANNUAL_PRICE, FIRST_PLAN, MONTH_STARTS, RENEWAL_END, actionsOfMonth } from './story';

export interface MonthRow {
  month: number;
  start: string;
  grant: number;
  atStart: number;
  spent: number;
  leftAtEnd: number | null;
  expired: number | null;
  nextGrant: string;
  events: string[];
}

const sum = (entries: { amount: number }[]): number => entries.reduce((total, e) => total + e.amount, 0);
const day = (iso: string): string => iso.slice(0, 10);
const dollars = (cents: number): string => `$${(cents / 100).toFixed(2)}`;

function startOf(index: number): string {
  const start = MONTH_STARTS[index];
  if (!start) throw new Error(`the story has no month ${index + 1}`);
  return start;
}

function expectProcessed(what: string, status: string): void {
  if (status !== 'processed') throw new Error(`${what} was ${status}, not processed`);
}

/** Applies one action at its instant and says what it did to the balance, read back from the ledger. */
async function act(api: WalkApi, action: Action, plan: { current: string }): Promise<{ spent: number; event: string | null }> {
  await api.setClock(action.at);
  switch (action.kind) {
    case 'spend': {
      const spent = await api.spend(action.amount, `walk-${action.at}`);
      return spent ? { spent: action.amount, event: null } : { spent: 0, event: `debit ${action.amount} refused (402)` };
    }
    case 'topup': {
      expectProcessed('the top-up', await api.deliver(topupCompleted(action)));
      const granted = sum((await api.freshEntries()).filter((e) => e.type === 'grant'));
      return { spent: 0, event: `top-up +${granted} (${action.quantity} × ${action.price})` };
    }
    case 'refund': {
      const topup = ACTIONS.find((a) => a.kind === 'topup');
      if (topup?.kind !== 'topup') throw new Error('the story refunds a top-up it never bought');
      expectProcessed('the refund', await api.deliver(topupRefunded(action, topup)));
      const revoked = -sum((await api.freshEntries()).filter((e) => e.type === 'revoke'));
      return { spent: 0, event: `refund −${revoked} (${dollars(action.amountRefunded)} of ${dollars(topup.amountPaid)})` };
    }
    case 'upgrade': {
      const [from, to] = [ANNUAL_PRICE[plan.current] ?? '', ANNUAL_PRICE[action.plan] ?? ''];
      const events = upgradeEvents({ action, from, to, termStart: startOf(0), termEnd: startOf(12) });
      for (const event of events) expectProcessed(`the upgrade's ${event.type}`, await api.deliver(event));
      plan.current = action.plan;
      const raised = sum((await api.freshEntries()).filter((e) => e.type === 'raise'));
      return { spent: 0, event: `upgrade to ${action.plan} +${raised} this month` };
    }
  }
}

/** Runs the story; returns the table rows and the lines printed after it. */
export async function walkTheYear(api: WalkApi): Promise<{ intro: string; rows: MonthRow[]; outro: string[] }> {
  const plan = { current: FIRST_PLAN };
  await api.setClock(startOf(0));
  const first = await api.deliver(termPaid({ id: 'in_walkthrough_2026', price: ANNUAL_PRICE[FIRST_PLAN] ?? '', start: startOf(0), end: startOf(12), reason: 'subscription_create' }));
  expectProcessed('the first invoice', first);
  const intro = `invoice.paid for ${ANNUAL_PRICE[FIRST_PLAN]} (${FIRST_PLAN}, annual), term ${day(startOf(0))} → ${day(startOf(12))}: ${first}`;
  const rows: MonthRow[] = [];
  for (let index = 0; index < MONTH_STARTS.length; index++) {
    const start = startOf(index);
    await api.setClock(start);
    await api.runDue();
    const boundary = await api.freshEntries();
    const previous = rows[index - 1];
    if (previous) previous.expired = -sum(boundary.filter((e) => e.type === 'expire'));
    const row: MonthRow = {
      month: index + 1,
      start,
      grant: sum(boundary.filter((e) => e.type === 'grant' && e.bucket?.startsWith('slot:'))),
      atStart: (await api.balance()).balance,
      spent: 0,
      leftAtEnd: null,
      expired: null,
      nextGrant: '-',
      events: [],
    };
    for (const action of actionsOfMonth(index)) {
      const done = await act(api, action, plan);
      row.spent += done.spent;
      if (done.event) row.events.push(done.event);
    }
    await api.freshEntries(); // the month's debits: counted in `spent`
    const next = MONTH_STARTS[index + 1];
    if (next) {
      await api.setClock(new Date(new Date(next).getTime() - 1).toISOString());
      const end = await api.balance();
      row.leftAtEnd = end.balance;
      row.nextGrant = end.nextGrant ? `${day(end.nextGrant.at)} ${end.nextGrant.credits}` : '-';
    }
    rows.push(row);
  }
  const price = ANNUAL_PRICE[plan.current] ?? '';
  const renewal = await api.deliver(termPaid({ id: 'in_walkthrough_2027', price, start: startOf(12), end: RENEWAL_END, reason: 'subscription_cycle' }));
  expectProcessed('the renewal', renewal);
  const renewed = sum((await api.freshEntries()).filter((e) => e.type === 'grant'));
  const balance = (await api.balance()).balance;
  const ledger = await api.ledger();
  const outro = [
    `Month 13 has no grant: the term ended and nextGrant was only a promise. Paying the renewal invoice:`,
    `invoice.paid (subscription_cycle) for ${price}, term ${day(startOf(12))} → ${day(RENEWAL_END)}: ${renewal}, grant +${renewed}, balance ${balance}`,
    `ledger: ${ledger.length} entries summing to ${sum(ledger)}, balance ${balance}`,
  ];
  return { intro, rows, outro };
}

const COLUMNS = ['month', 'starts    ', 'grant', 'at start', 'spent', 'left at end', 'expired at end', 'next grant      ', 'also this month'];

/** The table as printed: fixed-width columns, so a reader (or a test) can line them up. */
export function formatTable(rows: MonthRow[]): string[] {
  const cell = (value: string | number | null, width: number): string => String(value ?? '-').padStart(width);
  const lines = [COLUMNS.join('  '), COLUMNS.map((c) => '-'.repeat(c.length)).join('  ')];
  for (const row of rows) {
    const cells = [
      cell(row.month, 5),
      day(row.start),
      cell(row.grant, 5),
      cell(row.atStart, 8),
      cell(row.spent, 5),
      cell(row.leftAtEnd, 11),
      cell(row.expired, 14),
      row.nextGrant.padEnd(16),
      row.events.join(' · '),
    ];
    lines.push(cells.join('  ').trimEnd());
  }
  return lines;
}
