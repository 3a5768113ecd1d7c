import { compareAccount, parkedEventDifference, unbackedGrants } from '../../domain/reconcile';
import type { Difference } from '../../domain/reconcile';
import type { Clock } from '../../domain/clock';
import { readCheckedAccount } from '../checkLedger';
import { ingestEvent } from '../ingestEvent';
import type { IngestDeps } from '../ingestEvent';
import type { AccountStore, EventStore, ReconcileSource, StripeRecord, WebhookStatus } from '../ports';

export interface ReconcileDeps {
  source: ReconcileSource;
  accounts: AccountStore;
  events: EventStore;
  /** The webhook's own path, the only way `--fix` changes anything. */
  ingest: IngestDeps;
  clock: Clock;
}

export interface ReconcileOptions {
  /** One customer, or every customer we or Stripe know. */
  customer: string | null;
  since: Date | null;
  fix: boolean;
  /** Called after each customer: how many are done, and how many there are when known. */
  onProgress?: (progress: { done: number; total: number | null }) => void;
}

export interface ReconcileReport {
  customers: number;
  /** Differences that remain: to fix with `--fix` (`remedy: fix`) or for a person to decide. */
  differences: Difference[];
  /** Differences `--fix` repaired in this run (checked again after repairing). */
  fixed: Difference[];
}

const PAGE = 200;
const PARKED_LIMIT = 1000;
const CONCURRENCY = 4;

/**
 * Compares Stripe with the ledger, one customer at a time: setup (read Stripe and the account) →
 * decide (pure: src/domain/reconcile.ts) → apply (`--fix` only: each repairable difference through
 * the webhook's own path, then decide again to confirm). Parked events come last, so a parked refund
 * whose top-up was just repaired applies too.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const report: ReconcileReport = { customers: 0, differences: [], fixed: [] };
  const total = options.customer ? 1 : null;
  await forEachConcurrently(customersToCheck(deps, options.customer), CONCURRENCY, async (customer) => {
    const outcome = await reconcileCustomer(deps, { customer, since: options.since, fix: options.fix });
    report.customers += 1;
    report.differences.push(...outcome.remaining);
    report.fixed.push(...outcome.fixed);
    options.onProgress?.({ done: report.customers, total });
  });
  const parked = await reconcileParkedEvents(deps, options);
  report.differences.push(...parked.remaining);
  report.fixed.push(...parked.fixed);
  report.differences.sort(byCustomer);
  report.fixed.sort(byCustomer);
  return report;
}

function byCustomer(a: Difference, b: Difference): number {
  return (a.customer ?? '').localeCompare(b.customer ?? '') || a.kind.localeCompare(b.kind) || a.object.localeCompare(b.object);
}

/**
 * A few customers at a time: Stripe answers each list call in a fraction of a second, so one at a
 * time would take hours for 10,000 customers, while a handful stays far below Stripe's rate limits.
 * Workers share one iterator, so still only the current pages are held.
 */
async function forEachConcurrently<T>(items: AsyncIterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  const worker = async (): Promise<void> => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/**
 * Our accounts first (in id order, page by page), then Stripe customers we hold no account for:
 * those may have paid for credits we never granted. Nothing but the current page is held.
 */
async function* customersToCheck(deps: ReconcileDeps, only: string | null): AsyncGenerator<string> {
  if (only) {
    yield only;
    return;
  }
  let after: string | null = null;
  for (;;) {
    const page = await deps.accounts.listCustomers(after, PAGE);
    yield* page;
    const last = page[page.length - 1];
    if (page.length < PAGE || last === undefined) break;
    after = last;
  }
  for await (const customer of deps.source.customers()) {
    if ((await deps.accounts.read(customer)) === null) yield customer;
  }
}

interface CustomerOutcome {
  remaining: Difference[];
  fixed: Difference[];
}

async function reconcileCustomer(deps: ReconcileDeps, input: { customer: string; since: Date | null; fix: boolean }): Promise<CustomerOutcome> {
  const { customer, since } = input;
  const records = await deps.source.recordsOf(customer, since);
  const decide = async (): Promise<Difference[]> => {
    const account = await readCheckedAccount(deps, customer);
    const facts = [...records];
    if (account) {
      for (const ref of unbackedGrants(customer, account.state, records, since)) {
        const record = await deps.source.recordOf(ref);
        if (record) facts.push(record);
      }
    }
    const breaches = (account?.breaches ?? []).map((b) => ({ object: b.object, detail: `${b.kind}: ${b.detail}` }));
    return compareAccount({ customer, state: account?.state ?? null, ledger: account?.entries ?? [], facts, since, breaches });
  };
  const found = await decide();
  if (!input.fix || !found.some((d) => d.remedy === 'fix')) return { remaining: found, fixed: [] };
  for (const d of found) {
    const record = d.remedy === 'fix' ? recordOf(records, d) : undefined;
    if (record) await applyRecord(deps, record);
  }
  return settleAfterFix(found, await decide());
}

/** What a fix did not repair needs a person: the webhook path already had its say. */
function settleAfterFix(before: Difference[], after: Difference[]): CustomerOutcome {
  const key = (d: Difference): string => `${d.kind}|${d.object}`;
  const still = new Set(after.map(key));
  const fixed = before.filter((d) => d.remedy === 'fix' && !still.has(key(d)));
  const remaining = after.map((d) => (d.remedy === 'fix' ? forPerson(d, 'still there after --fix') : d));
  return { remaining, fixed };
}

function forPerson(d: Difference, note: string): Difference {
  return { ...d, remedy: 'person', detail: `${d.detail}; ${note}` };
}

async function applyRecord(deps: ReconcileDeps, record: StripeRecord): Promise<WebhookStatus> {
  const outcome = await ingestEvent(deps.ingest, { event: record.event, now: deps.clock.now() });
  return outcome.status;
}

function recordOf(records: StripeRecord[], d: Difference): StripeRecord | undefined {
  return d.fact ? records.find((r) => r.kind === d.fact?.kind && r.id === d.fact.id) : undefined;
}

async function reconcileParkedEvents(deps: ReconcileDeps, options: ReconcileOptions): Promise<CustomerOutcome> {
  const outcome: CustomerOutcome = { remaining: [], fixed: [] };
  const parked = await deps.events.listParked(PARKED_LIMIT);
  for (const event of parked) {
    if (options.customer && event.customer !== options.customer) continue;
    const record = await deps.source.recordOfStoredEvent(event);
    const found = parkedEventDifference(record);
    if (!options.fix || found.remedy !== 'fix') {
      outcome.remaining.push(found);
      continue;
    }
    const status = await applyRecord(deps, record);
    if (status === 'parked') outcome.remaining.push(forPerson(found, 'parked again after --fix'));
    else outcome.fixed.push(found);
  }
  if (parked.length === PARKED_LIMIT) {
    outcome.remaining.push({
      kind: 'parked_event',
      customer: null,
      object: `${PARKED_LIMIT}+ parked events`,
      fact: null,
      remedy: 'person',
      detail: `only the oldest ${PARKED_LIMIT} parked events were read; run \`replay --parked\` and reconcile again`,
      expected: null,
      actual: null,
    });
  }
  return outcome;
}
