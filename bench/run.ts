/**
 * `npm run bench`: each path that carries money, through the real Express app over HTTP (keep-alive,
 * 8 requests in flight, sent from a load generator on a thread of its own), against its floor measured in the same run on the same server (bench/floor.ts),
 * and balance reads and webhooks also against a bare node:http server doing the least they need (bench/httpFloor.ts),
 * at 200, 10,000 and 20,000 accounts. A path and its floors are measured in turn, a third of the operations at a
 * time, so load that comes and goes on a shared machine falls on each alike. Prints figures and ratios; asserts
 * nothing about speed.
 *
 * On a scratch SecantusDB by default, or on MONGODB_URI. BENCH_SCALES overrides the sizes (e.g. "200").
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import mongoose from 'mongoose';
import { composeService } from '../src/compose';
import { parseEnv } from '../src/config';
import { AdjustableClock } from '../src/domain/clock';
import { createLogger } from '../src/logger';
import { startSecantus } from '../src/peers/secantus';
import { ensurePeerTools } from '../src/peers/tools';
import { openStores } from '../src/store/connection';
import { invoicePaid, signedDelivery } from '../test/fixtures/stripe';
import { testCatalog } from '../test/support/harness';
import { countCommands } from '../test/support/commandCounter';
import { floorOn } from './floor';
import { startHttpFloor } from './httpFloor';
import type { HttpFloor } from './httpFloor';
import { sendLoad } from './load';
import type { PreparedRequest } from './load';
import type { Floor } from './floor';

const SECRET = 'whsec_bench';
const KEY = 'Bearer bench_key';
const IN_FLIGHT = 8;
const SWEEP_BATCH = 100;

/** `httpFloor`: the rate of the bare HTTP server doing the same (bench/httpFloor.ts), for the paths it serves. */
type Row = { path: string; ops: number; rate: number; floor: number; httpFloor?: number };

async function rate(count: number, run: () => Promise<void>): Promise<number> {
  return count / (await timed(run));
}

async function timed(run: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) / 1000;
}

/** Shares each contender's items are measured in, one contender after the other. */
const ROUNDS = 3;

/**
 * Runs the contenders (the service, its floors) on the same items in ROUNDS shares, in turn — service, floor,
 * HTTP floor, service… — so load that comes and goes on a shared machine falls on all of them alike. Each
 * contender answers the seconds its share took; the result is each one's rate over all its shares.
 */
async function interleaved<T>(items: T[], contenders: ((share: T[]) => Promise<number>)[]): Promise<number[]> {
  const seconds = contenders.map(() => 0);
  for (let r = 0; r < ROUNDS; r++) {
    const share = items.slice(Math.floor((r * items.length) / ROUNDS), Math.floor(((r + 1) * items.length) / ROUNDS));
    for (const [i, contender] of contenders.entries()) seconds[i] = (seconds[i] ?? 0) + (await contender(share));
  }
  return seconds.map((s) => items.length / s);
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>, width = IN_FLIGHT): Promise<void> {
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

function customersOf(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `cus_${prefix}${String(i).padStart(6, '0')}`);
}

interface Running {
  base: string;
  /** The size of one of the service's account documents, for floor documents of the same size. */
  accountBytes(customer: string): Promise<number>;
  runDue(asOf: Date): Promise<unknown>;
  clock: AdjustableClock;
  floor: Floor;
  /** Its own floor collections, seeded like the driver floor's, for the webhooks it takes. */
  httpFloorStore: Floor;
  httpFloor: HttpFloor;
  count: ReturnType<typeof countCommands>;
  close(): Promise<void>;
}

async function startService(uri: string): Promise<Running> {
  const stores = await openStores(uri, { monitorCommands: true });
  const clock = new AdjustableClock();
  clock.set(new Date('2026-01-20T00:00:00Z'));
  const config = parseEnv({ STRIPE_WEBHOOK_SECRET: SECRET, API_KEYS: 'bench_key', MONGODB_URI: uri, LOG_LEVEL: 'silent' });
  const service = composeService({ config, catalog: testCatalog, stores, clock, testClock: null, logger: createLogger('silent') });
  const server = createServer(service.app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const httpFloorStore = await floorOn(stores.connection, 'httpfloor');
  const httpFloor = await startHttpFloor({ connection: stores.connection, secret: SECRET, floor: httpFloorStore });
  return {
    base: `http://127.0.0.1:${port}`,
    accountBytes: async (customer) => mongoose.mongo.BSON.calculateObjectSize((await stores.connection.db?.collection<{ _id: string }>('accounts').findOne({ _id: customer })) ?? {}),
    runDue: service.runDue,
    clock,
    floor: await floorOn(stores.connection),
    httpFloorStore,
    httpFloor,
    count: countCommands(stores.connection),
    close: async () => {
      await httpFloor.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await stores.connection.dropDatabase();
      await stores.close();
    },
  };
}

function paidEvent(customer: string): PreparedRequest {
  const event = invoicePaid({ customer, subscription: `sub_${customer}`, price: 'price_pro_y', periodStart: '2026-01-15T00:00:00Z', periodEnd: '2027-01-15T00:00:00Z' });
  const { body, signature } = signedDelivery(event, { secret: SECRET });
  return { method: 'POST', path: '/webhooks/stripe', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body, expect: [200] };
}

function debitRequest(customer: string, key: string, expect = [201]): PreparedRequest {
  return { method: 'POST', path: `/v1/customers/${customer}/debits`, headers: { 'Content-Type': 'application/json', Authorization: KEY }, body: JSON.stringify({ amount: 1, idempotencyKey: key }), expect };
}

function balanceRequest(customer: string): PreparedRequest {
  return { method: 'GET', path: `/v1/customers/${customer}/balance`, headers: { Authorization: KEY }, expect: [200] };
}

/** Requests per second through the service, sent from the load generator's own thread. */
async function served(s: Running, requests: PreparedRequest[]): Promise<number> {
  return servedBy(s.base, requests);
}

async function servedBy(base: string, requests: PreparedRequest[]): Promise<number> {
  return requests.length / (await secondsServed(base, requests));
}

async function secondsServed(base: string, requests: PreparedRequest[]): Promise<number> {
  return (await sendLoad({ base, inFlight: IN_FLIGHT, requests })).seconds;
}

async function measureScale(uri: string, size: number, options: { roundTrips: boolean }): Promise<Row[]> {
  const s = await startService(`${uri.replace(/\/$/, '')}/bench_${process.pid}_${size}`);
  try {
    const measured = Math.min(500, Math.max(100, Math.floor(size / 2)));
    const seeded = customersOf('a', size - measured);
    const fresh = customersOf('b', measured);
    const seedRate = await served(s, seeded.map(paidEvent));
    process.stderr.write(`seeded ${seeded.length} accounts through the webhook at ${seedRate.toFixed(0)}/s\n`);
    const bytes = await s.accountBytes(seeded[0] ?? '');
    await s.floor.seed([...seeded], bytes);
    await s.httpFloorStore.seed([...seeded], bytes);
    const rows: Row[] = [];

    // Signed when sent: the HTTP floor checks the signature's age as the service does.
    const [ingest = 0, ingestFloor = 0, ingestHttp = 0] = await interleaved(fresh, [
      (share) => secondsServed(s.base, share.map(paidEvent)),
      (share) => timed(() => inParallel(share, (c) => s.floor.ingest(c, `evt_floor_${c}`))),
      (share) => secondsServed(s.httpFloor.base, share.map(paidEvent)),
    ]);
    rows.push({ path: 'webhook invoice.paid, new customers', ops: measured, rate: ingest, floor: ingestFloor, httpFloor: ingestHttp });

    const hot = seeded[0] ?? '';
    const keys = Array.from({ length: 400 }, (_, i) => i);
    const [hotRate = 0, hotFloor = 0] = await interleaved(keys, [
      (share) => secondsServed(s.base, share.map((i) => debitRequest(hot, `hot-${i}`))),
      (share) => timed(() => inParallel(share, (i) => s.floor.debit(hot, `hot-${i}`))),
    ]);
    rows.push({ path: 'debits on one hot account', ops: keys.length, rate: hotRate, floor: hotFloor });

    const spreadOn = (i: number): string => seeded[(i * 7919) % seeded.length] ?? '';
    const [spread = 0, spreadFloor = 0] = await interleaved(keys, [
      (share) => secondsServed(s.base, share.map((i) => debitRequest(spreadOn(i), `spread-${i}`))),
      (share) => timed(() => inParallel(share, (i) => s.floor.debit(spreadOn(i), `spread-${i}`))),
    ]);
    rows.push({ path: 'debits spread over accounts', ops: keys.length, rate: spread, floor: spreadFloor });

    const reads = Array.from({ length: 1500 }, (_, i) => spreadOn(i + 3));
    const [readRate = 0, readFloor = 0, readHttp = 0] = await interleaved(reads, [
      (share) => secondsServed(s.base, share.map(balanceRequest)),
      (share) => timed(() => inParallel(share, (c) => s.floor.read(c))),
      (share) => secondsServed(s.httpFloor.base, share.map(balanceRequest)),
    ]);
    rows.push({ path: 'balance reads', ops: reads.length, rate: readRate, floor: readFloor, httpFloor: readHttp });

    // Every annual customer's slot turns over at once: the month boundary the sweep exists for.
    s.clock.set(new Date('2026-02-15T00:00:01Z'));
    const all = [...seeded, ...fresh];
    const sweepRate = await rate(all.length, async () => {
      await s.runDue(s.clock.now());
    });
    const sweepFloor = await rate(seeded.length, () => s.floor.sweep(seeded, SWEEP_BATCH));
    rows.push({ path: 'sweep at a month boundary (accounts)', ops: all.length, rate: sweepRate, floor: sweepFloor });

    if (options.roundTrips) printRoundTrips(await roundTrips(s, fresh));
    return rows;
  } finally {
    await s.close();
  }
}

async function roundTrips(s: Running, customers: string[]): Promise<[string, number][]> {
  const counted = async (work: () => Promise<void>): Promise<number> => {
    s.count.reset();
    await work();
    return s.count.total();
  };
  const c = customers[1] ?? '';
  const one = async (prepared: PreparedRequest): Promise<void> => {
    await sendLoad({ base: s.base, inFlight: 1, requests: [prepared] });
  };
  return [
    ['debit, new key', await counted(() => one(debitRequest(c, 'rt-1')))],
    ['debit, repeated key', await counted(() => one(debitRequest(c, 'rt-1', [200])))],
    ['balance read', await counted(() => one(balanceRequest(c)))],
    ['invoice.paid, new customer', await counted(() => one(paidEvent('cus_roundtrip')))],
  ];
}

function printRoundTrips(rows: [string, number][]): void {
  process.stdout.write('round trips (driver command monitoring)\n');
  for (const [path, n] of rows) process.stdout.write(`  ${path.padEnd(34)} ${n}\n`);
  process.stdout.write('\n');
}

function printScale(size: number, rows: Row[]): void {
  process.stdout.write(`${size} accounts, ${IN_FLIGHT} in flight\n`);
  process.stdout.write(`  ${'path'.padEnd(38)} ${'ops'.padStart(6)} ${'ops/s'.padStart(8)} ${'floor/s'.padStart(8)} ${'ratio'.padStart(6)} ${'http/s'.padStart(8)} ${'ratio'.padStart(6)}\n`);
  for (const r of rows) {
    const http = r.httpFloor === undefined ? '' : ` ${r.httpFloor.toFixed(0).padStart(8)} ${(r.rate / r.httpFloor).toFixed(2).padStart(6)}`;
    process.stdout.write(`  ${r.path.padEnd(38)} ${String(r.ops).padStart(6)} ${r.rate.toFixed(0).padStart(8)} ${r.floor.toFixed(0).padStart(8)} ${(r.rate / r.floor).toFixed(2).padStart(6)}${http}\n`);
  }
  process.stdout.write('\n');
}

function scales(): number[] {
  const fromEnv = process.env.BENCH_SCALES?.split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 200);
  return fromEnv && fromEnv.length > 0 ? fromEnv : [200, 10_000, 20_000];
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
  process.stdout.write(
    `credits bench on ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'a scratch SecantusDB'}; ratio = the path's rate / its floor's rate (driver floor, then HTTP floor)\n\n`,
  );
  try {
    const results = new Map<number, Row[]>();
    // A first, unprinted pass warms the JIT, the driver's pool and the server's caches, so the first printed
    // scale is not also measuring start-up.
    process.stderr.write('warming up (200 accounts, not printed)\n');
    await measureScale(uri, 200, { roundTrips: false });
    for (const size of scales()) {
      const rows = await measureScale(uri, size, { roundTrips: size === Math.min(...scales()) });
      results.set(size, rows);
      printScale(size, rows);
    }
    const [small, large] = [Math.min(...results.keys()), Math.max(...results.keys())];
    if (small !== large) {
      process.stdout.write(`cost per op at ${large} accounts / at ${small} (goal ≤ 1.5), and the floor's own\n`);
      for (const [i, row] of (results.get(small) ?? []).entries()) {
        const big = results.get(large)?.[i];
        if (big) process.stdout.write(`  ${row.path.padEnd(38)} ${(row.rate / big.rate).toFixed(2).padStart(6)} ${(row.floor / big.floor).toFixed(2).padStart(6)}\n`);
      }
    }
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
