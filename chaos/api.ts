/**
 * The service as its clients see it: Stripe delivering signed events (and retrying until 2xx), the app's
 * backend spending credits, an admin granting them, and reads of balances and whole ledgers.
 */
import type Stripe from 'stripe';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Answer } from './http';
import { field } from './http';
import type { DebitAnswer } from './debitJudge';
import { ADMIN_KEY, APP_KEY, WEBHOOK_SECRET, instance } from './lab';
import type { Instances } from './lab';
import { stripeSignature } from './signing';
import type { ServerProcess } from './serverProcess';

const json = { 'content-type': 'application/json' };
const app = { ...json, authorization: `Bearer ${APP_KEY}` };
const admin = { ...json, authorization: `Bearer ${ADMIN_KEY}` };

/** One signed delivery of an event, signed at the instant it is sent as Stripe signs each attempt. */
export function deliverOnce(server: ServerProcess, event: Stripe.Event, timeoutMs?: number): Promise<Answer> {
  const body = JSON.stringify(event);
  const signature = stripeSignature(body, { secret: WEBHOOK_SECRET });
  return server.client.send({ method: 'POST', path: '/webhooks/stripe', headers: { ...json, 'stripe-signature': signature }, body, timeoutMs });
}

export interface Delivery {
  /** Every attempt's status, 0 for no answer. */
  statuses: number[];
  /** The webhook's `status` field of the accepted attempt (processed, duplicate, ignored, parked). */
  outcome: string | null;
  accepted: boolean;
}

export interface RetryPolicy {
  /** Which instance takes attempt n (Stripe's retries reach whichever instance the load balancer picks). */
  pick: (attempt: number) => ServerProcess;
  /** Give up (and report the event as never accepted) after this long. */
  giveUpAfterMs: number;
  timeoutMs?: number;
}

/** Delivers like Stripe: any non-2xx or no answer is retried, with a short backoff, until 2xx or the deadline. */
export async function deliverUntilAccepted(event: Stripe.Event, policy: RetryPolicy): Promise<Delivery> {
  const statuses: number[] = [];
  const deadline = performance.now() + policy.giveUpAfterMs;
  for (let attempt = 0; ; attempt++) {
    const answer = await deliverOnce(policy.pick(attempt), event, policy.timeoutMs);
    statuses.push(answer.status);
    if (answer.status >= 200 && answer.status < 300) {
      const outcome = field(answer.json, 'status');
      return { statuses, outcome: typeof outcome === 'string' ? outcome : null, accepted: true };
    }
    if (performance.now() > deadline) return { statuses, outcome: null, accepted: false };
    await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
  }
}

export function debit(server: ServerProcess, input: { customer: string; amount: number; idempotencyKey: string; timeoutMs?: number }): Promise<Answer> {
  return server.client.send({
    method: 'POST',
    path: `/v1/customers/${encodeURIComponent(input.customer)}/debits`,
    headers: app,
    body: JSON.stringify({ amount: input.amount, idempotencyKey: input.idempotencyKey }),
    timeoutMs: input.timeoutMs,
  });
}

export interface DebitRequest {
  customer: string;
  key: string;
  amount: number;
}

/**
 * Sends a debit until it gets a definitive answer (201, 200, 402, 409…): 5xx and no answer are retried
 * with the same key on the other instance, as a careful client does. Gives up after 30 failures.
 */
export async function debitUntilAnswered(servers: Instances, request: DebitRequest, first: number): Promise<DebitAnswer & { ms: number; failures: number }> {
  let failures = 0;
  for (let attempt = 0; ; attempt++) {
    const answer = await debit(instance(servers, first + attempt), { customer: request.customer, amount: request.amount, idempotencyKey: request.key });
    const definitive = answer.status !== 0 && answer.status < 500;
    if (definitive || failures >= 30) return { ...request, status: answer.status, json: answer.json, retried: failures > 0, ms: answer.ms, failures };
    failures += 1;
    await sleep(50 * Math.min(failures, 10));
  }
}

export function balance(server: ServerProcess, customer: string, timeoutMs?: number): Promise<Answer> {
  return server.client.send({ method: 'GET', path: `/v1/customers/${encodeURIComponent(customer)}/balance`, headers: app, timeoutMs });
}

export function adjust(server: ServerProcess, input: { customer: string; amount: number; idempotencyKey: string }): Promise<Answer> {
  return server.client.send({
    method: 'POST',
    path: `/v1/admin/customers/${encodeURIComponent(input.customer)}/adjustments`,
    headers: admin,
    body: JSON.stringify({ amount: input.amount, reason: 'chaos suite', idempotencyKey: input.idempotencyKey }),
  });
}

/** An admin grant that must succeed: the set-up of an experiment, not what it measures. */
export async function grant(server: ServerProcess, customer: string, amount: number): Promise<void> {
  const answer = await adjust(server, { customer, amount, idempotencyKey: `setup-${customer}` });
  if (answer.status !== 201) throw new Error(`granting ${amount} to ${customer} answered ${answer.status} ${answer.text}`);
}

export interface LedgerLine {
  type: string;
  amount: number;
  ref: string;
  balanceAfter: number;
}

export interface AccountView {
  customer: string;
  /** null when the account does not exist (404). */
  balance: number | null;
  cancelAtPeriodEnd: boolean | null;
  entries: LedgerLine[];
}

/** Balance and every ledger page of one customer, as the app would read them. */
export async function readAccount(server: ServerProcess, customer: string): Promise<AccountView> {
  const view = await balance(server, customer);
  if (view.status === 404) return { customer, balance: null, cancelAtPeriodEnd: null, entries: [] };
  if (view.status !== 200) throw new Error(`balance of ${customer} answered ${view.status} ${view.text}`);
  const amount = field(view.json, 'balance');
  const cancel = field(field(view.json, 'subscription'), 'cancelAtPeriodEnd');
  const entries: LedgerLine[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
    const page = await server.client.send({ method: 'GET', path: `/v1/customers/${encodeURIComponent(customer)}/ledger${query}`, headers: app });
    if (page.status !== 200) throw new Error(`ledger of ${customer} answered ${page.status} ${page.text}`);
    const lines = field(page.json, 'entries');
    if (Array.isArray(lines)) entries.push(...lines.map(ledgerLine));
    const next = field(page.json, 'nextCursor');
    cursor = typeof next === 'string' ? next : null;
  } while (cursor);
  return { customer, balance: typeof amount === 'number' ? amount : null, cancelAtPeriodEnd: typeof cancel === 'boolean' ? cancel : null, entries };
}

function ledgerLine(value: unknown): LedgerLine {
  const [type, amount, ref, after] = [field(value, 'type'), field(value, 'amount'), field(value, 'ref'), field(value, 'balanceAfter')];
  return {
    type: typeof type === 'string' ? type : '?',
    amount: typeof amount === 'number' ? amount : Number.NaN,
    ref: typeof ref === 'string' ? ref : '',
    balanceAfter: typeof after === 'number' ? after : Number.NaN,
  };
}

/** Reads many accounts a few at a time (the reads are not what is measured). */
export async function readAccounts(server: ServerProcess, customers: string[], inFlight = 8): Promise<AccountView[]> {
  const views: AccountView[] = [];
  const queue = [...customers];
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let customer = queue.shift(); customer !== undefined; customer = queue.shift()) views.push(await readAccount(server, customer));
    }),
  );
  return views;
}
