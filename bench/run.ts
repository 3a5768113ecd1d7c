/**
 * `npm run bench`: throughput of the paths that carry money, on a scratch SecantusDB (or MONGODB_URI),
 * through the real Express app in-process. Prints figures and ratios; asserts nothing about speed.
 *
 *   - webhook ingest: signed invoice.paid events for distinct customers, sequential and 8 in flight
 *   - debits on one hot account (serialised by design) vs spread over many accounts
 *   - the sweep: accounts crossing a month boundary per second
 *   - balance reads
 *   - the database's lookups by _id and by another field as a collection grows (bench/lookups.ts)
 *
 * BENCH_N customers (default 200).
 */
import { resolve } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { composeService } from '../src/compose';
import { parseEnv } from '../src/config';
import { AdjustableClock } from '../src/domain/clock';
import { createLogger } from '../src/logger';
import { startSecantus } from '../src/peers/secantus';
import { ensurePeerTools } from '../src/peers/tools';
import { openStores } from '../src/store/connection';
import { invoicePaid, signedDelivery } from '../test/fixtures/stripe';
import { testCatalog } from '../test/support/harness';
import { benchLookups } from './lookups';

const SECRET = 'whsec_bench';
const KEY = 'Bearer bench_key';

async function timed(label: string, count: number, run: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await run();
  const seconds = (performance.now() - t0) / 1000;
  const rate = count / seconds;
  process.stdout.write(`${label.padEnd(52)} ${String(count).padStart(6)} ops  ${seconds.toFixed(2).padStart(7)} s  ${rate.toFixed(0).padStart(7)} ops/s\n`);
  return rate;
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
}

async function deliver(app: Express, customer: string): Promise<void> {
  const event = invoicePaid({ customer, subscription: `sub_${customer}`, price: 'price_pro_y', periodStart: '2026-01-15T00:00:00Z', periodEnd: '2027-01-15T00:00:00Z' });
  const { body, signature } = signedDelivery(event, { secret: SECRET });
  const res = await request(app).post('/webhooks/stripe').set('Stripe-Signature', signature).set('Content-Type', 'application/json').send(body);
  if (res.status !== 200) throw new Error(`webhook ${res.status}`);
}

async function debit(app: Express, customer: string, key: string): Promise<void> {
  const res = await request(app).post(`/v1/customers/${customer}/debits`).set('Authorization', KEY).send({ amount: 1, idempotencyKey: key });
  if (res.status !== 201) throw new Error(`debit ${res.status} ${JSON.stringify(res.body)}`);
}

async function main(): Promise<void> {
  let uri = process.env.MONGODB_URI;
  let stop = async (): Promise<void> => undefined;
  if (!uri) {
    const tools = await ensurePeerTools(resolve(__dirname, '..'), ['secantus']);
    const mongo = await startSecantus({ storagePath: ':memory:', bin: tools.secantus });
    uri = mongo.uri;
    stop = mongo.stop;
  }
  const dbUri = `${uri.replace(/\/$/, '')}/bench_${process.pid}`;
  const stores = await openStores(dbUri);
  const clock = new AdjustableClock();
  clock.set(new Date('2026-01-20T00:00:00Z'));
  const config = parseEnv({ STRIPE_WEBHOOK_SECRET: SECRET, API_KEYS: 'bench_key', MONGODB_URI: dbUri, LOG_LEVEL: 'silent' });
  const { app, runDue } = composeService({ config, catalog: testCatalog, stores, clock, testClock: null, logger: createLogger('silent') });
  const N = Number(process.env.BENCH_N ?? 200);
  process.stdout.write(`credits bench: ${N} customers, database ${uri.startsWith('mongodb://127.0.0.1') && !process.env.MONGODB_URI ? 'SecantusDB (scratch)' : 'MONGODB_URI'}\n\n`);
  try {
    const customers = Array.from({ length: N }, (_, i) => `cus_bench_${String(i).padStart(6, '0')}`);
    const half = N / 2;
    const seq = await timed('webhook invoice.paid, one at a time', half, async () => {
      for (const c of customers.slice(0, half)) await deliver(app, c);
    });
    const par = await timed('webhook invoice.paid, 8 in flight', half, () => inParallel(customers.slice(half), 8, (c) => deliver(app, c)));

    const hot = customers[0] ?? '';
    const hotRate = await timed('debits on one account, 8 in flight', 300, () =>
      inParallel(Array.from({ length: 300 }, (_, i) => i), 8, (i) => debit(app, hot, `hot-${i}`)),
    );
    const spreadRate = await timed('debits over many accounts, 8 in flight', 300, () =>
      inParallel(Array.from({ length: 300 }, (_, i) => i), 8, (i) => debit(app, customers[(i % (N - 1)) + 1] ?? '', `spread-${i}`)),
    );
    const reads = await timed('balance reads, 8 in flight', 400, () =>
      inParallel(Array.from({ length: 400 }, (_, i) => i), 8, async (i) => {
        const res = await request(app).get(`/v1/customers/${customers[i % N] ?? ''}/balance`).set('Authorization', KEY);
        if (res.status !== 200) throw new Error(`balance ${res.status}`);
      }),
    );
    clock.set(new Date('2026-02-15T00:00:00Z'));
    let swept = 0;
    const sweepRate = await timed('sweep: accounts crossing a month boundary', N, async () => {
      const result = await runDue(clock.now());
      swept = result.granted;
    });
    process.stdout.write('\n');
    await benchLookups(stores.connection, (line) => process.stdout.write(line));
    process.stdout.write(`\nratios\n`);
    process.stdout.write(`  webhooks 8 in flight / one at a time        ${(par / seq).toFixed(2)}×\n`);
    process.stdout.write(`  debits spread / one hot account             ${(spreadRate / hotRate).toFixed(2)}×\n`);
    process.stdout.write(`  balance reads / debits (spread)             ${(reads / spreadRate).toFixed(2)}×\n`);
    process.stdout.write(`  sweep / webhook ingest (8 in flight)        ${(sweepRate / par).toFixed(2)}×\n`);
    process.stdout.write(`  slots granted by the sweep                  ${swept} of ${N}\n`);
  } finally {
    await stores.connection.dropDatabase();
    await stores.close();
    await stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
