/**
 * The hand-written cases of issue 11, items 2 and 3, each with the answers the issue accepts:
 * HTTP oddities (charsets, content encodings, broken percent-encoding, every body-parser error path)
 * and signed bodies that are not valid Stripe events. Invoice cases name the sentinel customer, so a
 * half-applied poison event shows up as a change of its balance or ledger. The poison event (a line
 * period ending at 1e15 s) comes last: on a service without a bound it takes its instance down.
 */
import { gzipSync } from 'node:zlib';
import { invoicePaid } from '../test/fixtures/stripe';
import type { RequestInput } from './http';
import { ADMIN_KEY, APP_KEY, WEBHOOK_SECRET } from './lab';
import { stripeSignature } from './signing';

export interface RawCase {
  name: string;
  request: RequestInput;
  /** Accepted answers: a status, or for webhooks "200 parked" (status and the answer's `status`). */
  expect: string[];
}

const DAY_MS = 86_400_000;

const app = { authorization: `Bearer ${APP_KEY}` };
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

function signed(name: string, body: string, expect: string[]): RawCase {
  const headers = { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, { secret: WEBHOOK_SECRET }) };
  return { name: `signed ${name}`, request: { method: 'POST', path: '/webhooks/stripe', headers, body, timeoutMs: 20_000 }, expect };
}

/** A deep copy of a JSON value with the value at `path` replaced (or removed, for undefined). */
export function replaced(value: unknown, path: readonly string[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(typeof value === 'object' && value !== null ? value : {}) };
  const child = Reflect.get(copy, head);
  if (rest.length === 0 && replacement === undefined) Reflect.deleteProperty(copy, head);
  else Reflect.set(copy, head, replaced(child, rest, replacement));
  return copy;
}

/** HTTP oddities on the routes that take JSON bodies (issue 11, item 2). */
function httpOddities(input: { sentinel: string; victim: string }): RawCase[] {
  const debitPath = `/v1/customers/${input.victim}/debits`;
  const debitBody = (key: string): string => JSON.stringify({ amount: 1, idempotencyKey: key });
  const checkoutBody = JSON.stringify({ price: 'price_pro_m', successUrl: 'https://app.example/ok', cancelUrl: 'https://app.example/no', customer: 'cus_chaoscheckout' });
  const post = (path: string, headers: Record<string, string>, body: string | Buffer): RequestInput => ({ method: 'POST', path, headers: { ...app, ...headers }, body });
  const oddities = (route: string, path: string, body: (variant: string) => string, acceptedOk: string): RawCase[] => [
    ...['latin1', 'ascii', 'klingon-8'].map((charset) => ({
      name: `${route} with charset=${charset}`,
      request: post(path, { 'content-type': `application/json; charset=${charset}` }, body(charset)),
      expect: ['400', '415'],
    })),
    { name: `${route} gzip`, request: post(path, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(body('gzip'))), expect: [acceptedOk, '400', '415'] },
    { name: `${route} unknown encoding`, request: post(path, { 'content-type': 'application/json', 'content-encoding': 'x-chaos' }, body('x-chaos')), expect: ['400', '415'] },
  ];
  const sentinelDebits = `/v1/customers/${input.sentinel}/debits`;
  const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  return [
    ...oddities('debit', debitPath, (variant) => debitBody(`raw-${variant}`), '201'),
    ...oddities('checkout', '/v1/checkout/subscription', () => checkoutBody, '200'),
    ...['%E0%A4%A', '%', '%zz'].map((bad) => ({ name: `balance of customer "${bad}"`, request: { method: 'GET', path: `/v1/customers/${bad}/balance`, headers: app }, expect: ['400'] })),
    { name: 'debit for customer "%zz"', request: post('/v1/customers/%zz/debits', { 'content-type': 'application/json' }, debitBody('raw-percent')), expect: ['400'] },
    { name: 'adjustment for customer "%"', request: { method: 'POST', path: '/v1/admin/customers/%/adjustments', headers: { ...admin, 'content-type': 'application/json' }, body: '{"amount":1,"reason":"x","idempotencyKey":"k"}' }, expect: ['400'] },
    { name: 'debit body "{"', request: post(sentinelDebits, { 'content-type': 'application/json' }, '{'), expect: ['400'] },
    { name: 'debit body empty', request: post(sentinelDebits, { 'content-type': 'application/json' }, ''), expect: ['400'] },
    { name: 'debit body of 200 kB', request: post(sentinelDebits, { 'content-type': 'application/json' }, JSON.stringify({ amount: 1, idempotencyKey: 'x'.repeat(200_000) })), expect: ['413'] },
    { name: 'debit body nested 20,000 deep', request: post(sentinelDebits, { 'content-type': 'application/json' }, deep(20_000)), expect: ['400'] },
    { name: 'debit idempotencyKey {"$gt":""}', request: post(sentinelDebits, { 'content-type': 'application/json' }, '{"amount":1,"idempotencyKey":{"$gt":""}}'), expect: ['400'] },
    { name: 'debit with __proto__', request: post(sentinelDebits, { 'content-type': 'application/json' }, '{"__proto__":{"amount":5},"idempotencyKey":"proto"}'), expect: ['400'] },
    { name: 'unknown route', request: { method: 'DELETE', path: `/v1/customers/${input.sentinel}/balance`, headers: app }, expect: ['404', '405'] },
    { name: 'webhook unsigned', request: { method: 'POST', path: '/webhooks/stripe', headers: { 'content-type': 'application/json' }, body: '{"id":"evt_unsigned"}' }, expect: ['400'] },
    { name: 'webhook signature garbage', request: { method: 'POST', path: '/webhooks/stripe', headers: { 'content-type': 'application/json', 'stripe-signature': 't=abc,v1=zz' }, body: '{"id":"evt_garbage"}' }, expect: ['400'] },
    signed('body over 1 MiB', JSON.stringify({ id: 'evt_raw_big', padding: 'x'.repeat(1_100_000) }), ['413']),
  ];
}

/** Signed bodies that are not valid Stripe events (issue 11, items 3 and 4). */
function invalidEvents(input: { sentinel: string; now: Date; unique: string }): RawCase[] {
  const start = new Date(input.now.getTime() - DAY_MS);
  let n = 0;
  /** A paid invoice of its own subscription for the sentinel, which would start a new term if it were applied. */
  const invoice = (): unknown => {
    const id = `${input.unique}_${n++}`;
    const paid = invoicePaid(
      { id: `in_raw_${id}`, customer: input.sentinel, subscription: `sub_raw_${id}`, price: 'price_pro_m', periodStart: start, periodEnd: new Date(start.getTime() + 30 * DAY_MS) },
      { id: `evt_raw_${id}`, created: start },
    );
    return JSON.parse(JSON.stringify(paid));
  };
  const event = (path: string[], value: unknown): string => JSON.stringify(replaced(invoice(), path, value));
  const line = ['data', 'object', 'lines', 'data', '0'];
  const parked = ['200 parked'];
  return [
    ...['[]', 'null', '7', '"str"', '{}'].map((body) => signed(`body ${body}`, body, ['400'])),
    signed('arrays nested 100,000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, ['400']),
    signed('event without id', event(['id'], undefined), ['400']),
    signed('event with id {"$gt":""}', event(['id'], { $gt: '' }), ['400']),
    signed('event with id ""', event(['id'], ''), ['400']),
    signed('event with id 12345', event(['id'], 12345), ['400']),
    signed('event with type null', event(['type'], null), ['200 parked', '400']),
    signed('invoice.paid without data', event(['data'], undefined), parked),
    signed('invoice.paid with data.object null', event(['data', 'object'], null), parked),
    signed('invoice.paid with data.object "str"', event(['data', 'object'], 'str'), parked),
    signed('invoice.paid with lines null', event(['data', 'object', 'lines'], null), parked),
    signed('invoice.paid with lines.data "str"', event(['data', 'object', 'lines', 'data'], 'str'), parked),
    signed('invoice.paid with a line period null', event([...line, 'period'], null), parked),
    signed('invoice.paid with period start "yesterday"', event([...line, 'period', 'start'], 'yesterday'), parked),
    signed('invoice.paid with period start -1e15', event([...line, 'period', 'start'], -1e15), parked),
    signed('invoice.paid with created 1e15', event(['created'], 1e15), parked),
    signed('invoice.paid with created "yesterday"', event(['created'], 'yesterday'), parked),
    signed('invoice.paid with customer {"$ne":null}', event(['data', 'object', 'customer'], { $ne: null }), parked),
    signed('invoice.paid whose line period ends at 1e15 (poison)', event([...line, 'period', 'end'], 1e15), parked),
  ];
}

export function rawCases(input: { sentinel: string; victim: string; now: Date; unique: string }): RawCase[] {
  return [...httpOddities(input), ...invalidEvents(input)];
}
