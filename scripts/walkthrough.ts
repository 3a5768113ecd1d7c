/**
 * Walks an annual `pro` subscription through its year, month by month, against the real service:
 * a scratch FerretDB, `src/server.ts` started with TEST_CLOCK=1, signed Stripe events and the HTTP API.
 * Prints each month's grant, spend, expiry and balance.
 *
 *   npm run walkthrough
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFerretDb } from '../src/peers/ferretdb';
import { freePort } from '../src/peers/freePort';
import { ensurePeerTools } from '../src/peers/tools';
import { invoicePaid, signedDelivery } from '../test/fixtures/stripe';

const root = resolve(__dirname, '..');
const SECRET = 'whsec_walkthrough';
const APP = 'Bearer walkthrough_app_key';
const ADMIN = 'Bearer walkthrough_admin_key';
const CUSTOMER = 'cus_walkthrough';
const SUBSCRIPTION = 'sub_walkthrough';

interface Api {
  call(method: string, path: string, body?: unknown, auth?: string): Promise<Record<string, unknown>>;
  setClock(iso: string): Promise<void>;
  deliver(event: object): Promise<string>;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value)) : {};
}

function api(base: string): Api {
  const call: Api['call'] = async (method, path, body, auth = APP) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = asRecord(await res.json());
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    call,
    setClock: async (iso) => {
      await call('PUT', '/v1/admin/clock', { now: iso }, ADMIN);
    },
    deliver: async (event) => {
      const { body, signature } = signedDelivery(event, { secret: SECRET });
      const res = await fetch(`${base}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
        body,
      });
      const json = asRecord(await res.json());
      if (!res.ok) throw new Error(`webhook → ${res.status} ${JSON.stringify(json)}`);
      return String(json.status ?? '?');
    },
  };
}

async function waitForHealthy(base: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not become healthy in 20 s');
}

const balanceOf = async (a: Api): Promise<number> => Number((await a.call('GET', `/v1/customers/${CUSTOMER}/balance`)).balance);

/** Month starts of an annual term paid on Jan 31: the day is clamped and always counted from the 31st. */
const STARTS = [
  '2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30',
  '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-30', '2026-12-31', '2027-01-31',
].map((d) => `${d}T00:00:00.000Z`);

async function walk(a: Api): Promise<void> {
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  await a.setClock(STARTS[0] ?? '');
  const status = await a.deliver(invoicePaid({ customer: CUSTOMER, subscription: SUBSCRIPTION, price: 'price_pro_y', periodStart: STARTS[0] ?? '', periodEnd: STARTS[12] ?? '' }));
  out(`invoice.paid for price_pro_y (annual, 5000 credits a month), term ${STARTS[0]?.slice(0, 10)} → ${STARTS[12]?.slice(0, 10)}: ${status}\n`);
  out('month  slot starts   available at start  spent  left at end  expired at boundary  next grant');
  out('-----  ------------  ------------------  -----  -----------  -------------------  ----------');
  let expiredSeen = 0;
  for (let month = 0; month < 13; month++) {
    const start = STARTS[month] ?? '';
    await a.setClock(start);
    const available = await balanceOf(a);
    const spent = month < 12 ? 250 * ((month % 4) + 1) : 0;
    if (spent > 0) await a.call('POST', `/v1/customers/${CUSTOMER}/debits`, { amount: spent, idempotencyKey: `walk-${month}` });
    const next = STARTS[month + 1];
    let left = available - spent;
    let expired = 0;
    let nextGrant = '-';
    if (next) {
      await a.setClock(new Date(new Date(next).getTime() - 1).toISOString());
      left = await balanceOf(a);
      const view = await a.call('GET', `/v1/customers/${CUSTOMER}/balance`);
      const grant = view.nextGrant;
      if (grant && typeof grant === 'object' && 'at' in grant && typeof grant.at === 'string') nextGrant = grant.at.slice(0, 10);
      await a.setClock(next);
      await a.call('POST', '/v1/admin/run-due', {}, ADMIN);
      const ledger = await a.call('GET', `/v1/customers/${CUSTOMER}/ledger?limit=200`);
      const entries = Array.isArray(ledger.entries) ? ledger.entries : [];
      const expiries = entries.filter((e: { type?: string }) => e.type === 'expire');
      if (expiries.length > expiredSeen) {
        expired = -Number(expiries[0]?.amount ?? 0);
        expiredSeen = expiries.length;
      }
    }
    out(
      `${String(month + 1).padStart(5)}  ${start.slice(0, 10)}    ${String(available).padStart(18)}  ${String(spent).padStart(5)}  ${String(left).padStart(11)}  ${String(expired).padStart(19)}  ${nextGrant}`,
    );
  }
  out(`\nMonth 13 has nothing: the term ended and no renewal was paid. Paying the renewal invoice:`);
  const renewal = await a.deliver(
    invoicePaid({ customer: CUSTOMER, subscription: SUBSCRIPTION, price: 'price_pro_y', billingReason: 'subscription_cycle', periodStart: STARTS[12] ?? '', periodEnd: '2028-01-31T00:00:00.000Z' }),
  );
  out(`invoice.paid (subscription_cycle) ${renewal}: balance ${await balanceOf(a)}`);
  const ledger = await a.call('GET', `/v1/customers/${CUSTOMER}/ledger?limit=200`);
  const entries = Array.isArray(ledger.entries) ? ledger.entries : [];
  const sum = entries.reduce((s: number, e: { amount?: number }) => s + Number(e.amount ?? 0), 0);
  out(`ledger: ${entries.length} entries summing to ${sum}, balance ${await balanceOf(a)}`);
}

async function main(): Promise<void> {
  const tools = await ensurePeerTools(root, ['ferretdb']);
  const dataDir = await mkdtemp(join(tmpdir(), 'credits-walkthrough-'));
  const mongo = await startFerretDb({ dataDir, bin: tools.ferretdb });
  const port = await freePort();
  const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'server.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      MONGODB_URI: `${mongo.uri}/walkthrough`,
      STRIPE_WEBHOOK_SECRET: SECRET,
      API_KEYS: APP.slice(7),
      ADMIN_API_KEYS: ADMIN.slice(7),
      CREDITS_CONFIG: join(root, 'credits.config.json'),
      TEST_CLOCK: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHealthy(base, server);
    await walk(api(base));
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await mongo.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`walkthrough failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
