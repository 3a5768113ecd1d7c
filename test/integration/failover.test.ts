import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type Stripe from 'stripe';
import { checkLedger } from '../../src/app/checkLedger';
import { deliver, invoicePaid } from '../fixtures/stripe';
import { startFaultServer } from '../support/faultServer';
import type { FaultServer } from '../support/faultServer';
import { asApp, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/**
 * SPEC §7 on a replica set: a write that fails the way a failover makes writes fail, injected into each write
 * of a debit, a webhook grant, a hold capture and a sweep step with mongod's own failpoints (configureFailPoint
 * failCommand, on a SecantusDB of this file's own). For each: no answer claims an effect that is not stored,
 * every failure answers as unavailable (503; 500 to a webhook), and after the retry the client or Stripe or the
 * scheduler makes, the ledger is that of a run without the fault. A step-down (replSetStepDown force) is the
 * same story for a whole election.
 *
 * Where SecantusDB is less faithful than mongod: its step-down refusals (10107) carry no RetryableWriteError
 * label (mongod's do, and the driver retries them once), so here they reach the service at once; and after
 * the step-down ends, the driver sees the primary again only when its 10 s awaitable hello returns (mongod
 * answers it as soon as it is primary again). Both make the service's side harder, not easier.
 */
jest.setTimeout(60_000);

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server?.stop();
});

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);
const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
const APRIL = { periodStart: '2026-04-01T00:00:00Z', periodEnd: '2026-05-01T00:00:00Z' };

/** What a step answered: an HTTP status and body, or the sweep's result or error. */
interface Answer {
  ok: boolean;
  /** 503/500 `unavailable`, or a sweep that threw or left accounts failed: not known to be done. */
  unavailable: boolean;
  status: number;
  body: unknown;
}

interface Operation {
  name: string;
  customers: string[];
  setup(h: Harness): Promise<void>;
  act(h: Harness): Promise<Answer>;
  /** Whether the retry's answer must repeat the clean run's body (a receipt); a sweep's counts may differ. */
  sameBody: boolean;
}

function httpAnswer(res: request.Response, okStatus: number[]): Answer {
  const type: unknown = res.body?.error?.type;
  return { ok: okStatus.includes(res.status), unavailable: (res.status === 503 || res.status === 500) && type === 'unavailable', status: res.status, body: res.body };
}

/** Fixed ids and times: every run of an operation, each on its own database, is the same story. */
function paid(customer: string, period = MARCH, reason: Stripe.Invoice.BillingReason = 'subscription_create'): Stripe.InvoicePaidEvent {
  const month = period.periodStart.slice(0, 7);
  return invoicePaid(
    { id: `in_${customer}_${month}`, customer, subscription: `sub_${customer}`, billingReason: reason, ...period },
    { id: `evt_${customer}_${month}`, created: month === '2026-03' ? '2026-03-10T12:00:00Z' : '2026-04-01T00:00:05Z' },
  );
}

async function funded(h: Harness, customer: string): Promise<void> {
  expect((await deliver(h.app, paid(customer))).status).toBe(200);
}

const operations: Operation[] = [
  {
    name: 'a debit',
    customers: ['cus_fo_debit'],
    setup: (h) => funded(h, 'cus_fo_debit'),
    act: async (h) => httpAnswer(await request(h.app).post('/v1/customers/cus_fo_debit/debits').set(asApp).send({ amount: 120, idempotencyKey: 'render-7' }), [200, 201]),
    sameBody: true,
  },
  {
    name: 'a webhook grant',
    customers: ['cus_fo_grant'],
    setup: async () => undefined,
    act: async (h) => httpAnswer(await deliver(h.app, paid('cus_fo_grant')), [200]),
    sameBody: false,
  },
  {
    name: 'a hold capture',
    customers: ['cus_fo_capture'],
    setup: async (h) => {
      await funded(h, 'cus_fo_capture');
      await request(h.app).post('/v1/customers/cus_fo_capture/holds').set(asApp).send({ amount: 50, idempotencyKey: 'job-1' }).expect(201);
    },
    act: async (h) => {
      const held = await request(h.app).post('/v1/customers/cus_fo_capture/holds').set(asApp).send({ amount: 50, idempotencyKey: 'job-1' });
      if (held.status !== 200) return httpAnswer(held, []);
      return httpAnswer(await request(h.app).post(`/v1/customers/cus_fo_capture/holds/${String(held.body.hold.id)}/capture`).set(asApp).send({ amount: 38 }), [200]);
    },
    sameBody: true,
  },
  {
    name: 'a sweep step',
    customers: ['cus_fo_sweep_a', 'cus_fo_sweep_b'],
    setup: async (h) => {
      for (const customer of ['cus_fo_sweep_a', 'cus_fo_sweep_b']) {
        h.clock.set(new Date('2026-03-10T12:00:00Z'));
        await funded(h, customer);
        h.clock.set(new Date('2026-04-01T00:00:05Z'));
        expect((await deliver(h.app, paid(customer, APRIL, 'subscription_cycle'))).status).toBe(200);
      }
      // May begins: April's credits expire, and March's term leaves for the archive.
      h.clock.set(new Date('2026-05-01T00:00:00Z'));
    },
    act: async (h) => {
      try {
        const result = await h.service.runDue(h.clock.now());
        return { ok: result.failed === 0, unavailable: result.failed > 0, status: 200, body: result };
      } catch (error) {
        const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : null;
        return { ok: false, unavailable: code === 'unavailable', status: 0, body: String(error) };
      }
    },
    sameBody: false,
  },
];

interface Run {
  /** The write commands the step sent (the driver's command monitoring), in order. */
  writes: string[];
  first: Answer;
  /** How long the first answer took. */
  firstMs: number;
  /** The ledgers right after the first answer, before any retry. */
  afterFirst: unknown[];
  /** The answer of the retry that succeeded (the first answer when it did). */
  last: Answer;
  ledgers: unknown[];
  breaches: unknown[];
}

async function ledgersOf(h: Harness, customers: string[]): Promise<unknown[]> {
  return Promise.all(
    customers.map(async (customer) => {
      const balance = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
      const ledger = await request(h.app).get(`/v1/customers/${customer}/ledger?limit=200`).set(asApp).expect(200);
      return { balance: balance.body.balance, entries: ledger.body.entries };
    }),
  );
}

/**
 * How long the retries go on: after a "node is shutting down" or step-down error the driver drops its pool and
 * marks the server unknown, and SecantusDB answers its next awaitable hello only after up to 10 s (mongod at once).
 */
const RETRY_FOR_MS = 15_000;

/**
 * One run of `operation` on a fresh database: set up, then `fault` (armed just before the step), the step,
 * and the retries a client, Stripe or the scheduler would make until it succeeds (at most `retryFor` ms).
 */
async function run(operation: Operation, fault: (() => Promise<void>) | null, retryFor = RETRY_FOR_MS): Promise<Run> {
  const watch = { on: false, writes: [] as string[] };
  const h = await startHarness({
    uri: server.uri(),
    watchCommands: (client) =>
      client.on('commandStarted', (event) => {
        if (watch.on && WRITE_COMMANDS.has(event.commandName)) watch.writes.push(`${event.commandName} ${String(event.command[event.commandName])}`);
      }),
  });
  try {
    h.clock.set(new Date('2026-03-10T12:00:00Z'));
    await operation.setup(h);
    await h.stores.idle();
    if (fault) await fault();
    watch.on = true;
    const started = performance.now();
    const first = await operation.act(h);
    const firstMs = performance.now() - started;
    watch.on = false;
    await server.clear().catch(() => undefined);
    const afterFirst = first.ok ? await ledgersOf(h, operation.customers) : [];
    let last = first;
    const deadline = performance.now() + retryFor;
    while (!last.ok && performance.now() < deadline) {
      await sleep(250);
      last = await operation.act(h);
    }
    await h.stores.idle();
    const breaches = [];
    for await (const check of checkLedger({ accounts: h.stores.accounts })) breaches.push(...check.breaches);
    return { writes: watch.writes, first, firstMs, afterFirst, last, ledgers: await ledgersOf(h, operation.customers), breaches };
  } finally {
    await h.close();
  }
}

interface Fault {
  name: string;
  /** How many times the failpoint fires: the driver's own retry of a retryable write is a second match. */
  times: number;
  data: Record<string, unknown>;
  /**
   * What shows that it fired (so the test cannot pass with a failpoint that never fires): the driver retried
   * the write once by itself and it worked; the step answered as not known to be done; or it answered late.
   */
  shows: 'driver retry' | 'unavailable' | 'late';
}

const FAULTS: Fault[] = [
  // The write is applied and its acknowledgement lost; the label makes the driver retry it, and the server
  // answers the retry from its record of the first (retryable writes): applied once.
  { name: 'writeConcernError with the RetryableWriteError label (applied, ack lost)', times: 1, data: { writeConcernError: { code: 91, errmsg: 'Replication is being shut down' }, errorLabels: ['RetryableWriteError'] }, shows: 'driver retry' },
  // wtimeoutMS ran out: applied here, not confirmed by a majority, not retried by the driver.
  { name: 'writeConcernError 64 without a label (wtimeout: applied, not confirmed)', times: 1, data: { writeConcernError: { code: 64, errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } } }, shows: 'unavailable' },
  { name: 'closeConnection once (the driver retries)', times: 1, data: { closeConnection: true }, shows: 'driver retry' },
  { name: 'closeConnection twice (the driver gives up)', times: 2, data: { closeConnection: true }, shows: 'unavailable' },
  { name: 'NotWritablePrimary 10107', times: 2, data: { errorCode: 10107 }, shows: 'unavailable' },
  { name: 'InterruptedDueToReplStateChange 11602', times: 2, data: { errorCode: 11602 }, shows: 'unavailable' },
  { name: 'ShutdownInProgress 91', times: 2, data: { errorCode: 91 }, shows: 'unavailable' },
  { name: 'PrimarySteppedDown 189', times: 2, data: { errorCode: 189 }, shows: 'unavailable' },
  // Past the request deadline: the API answers 503 and Stripe gets a 500 while the write still lands (the sweep has no deadline).
  { name: 'blockConnection past the 4.5 s deadline', times: 1, data: { blockConnection: true, blockTimeMS: 5500 }, shows: 'late' },
];

const cleanRuns = new Map<string, Run>();
async function clean(operation: Operation): Promise<Run> {
  const known = cleanRuns.get(operation.name);
  if (known) return known;
  const fresh = await run(operation, null);
  expect({ ok: fresh.first.ok, breaches: fresh.breaches }).toEqual({ ok: true, breaches: [] });
  cleanRuns.set(operation.name, fresh);
  return fresh;
}

describe.each(operations.map((o) => [o.name, o] as const))('%s on a replica set, a failover-shaped failure in each of its writes', (_name, operation) => {
  it.each(FAULTS.map((f) => [f.name, f] as const))('%s: no answer claims what is not stored, and the retry ends with the ledger of a run without it', async (_fault, fault) => {
    const baseline = await clean(operation);
    expect(baseline.writes.length).toBeGreaterThan(0);
    for (let at = 0; at < baseline.writes.length; at++) {
      const [command = ''] = (baseline.writes[at] ?? '').split(' ');
      const skip = baseline.writes.slice(0, at).filter((w) => w.startsWith(`${command} `)).length;
      const faulty = await run(operation, () => server.failCommand({ command, skip, times: fault.times, data: fault.data }));
      const where = { write: baseline.writes[at], fault: fault.name };
      const fired =
        fault.shows === 'driver retry'
          ? faulty.first.ok && faulty.writes.length === baseline.writes.length + 1
          : fault.shows === 'unavailable'
            ? faulty.first.unavailable
            : faulty.firstMs >= 4400;
      expect({ ...where, fired }).toEqual({ ...where, fired: true });
      // Answered either as done (and then it is stored) or as not known to be done, never anything else.
      expect({ ...where, answered: faulty.first.ok || faulty.first.unavailable }).toEqual({ ...where, answered: true });
      if (faulty.first.ok) expect({ ...where, stored: faulty.afterFirst }).toEqual({ ...where, stored: baseline.ledgers });
      expect({ ...where, retried: faulty.last.ok, ledgers: faulty.ledgers, breaches: faulty.breaches }).toEqual({ ...where, retried: true, ledgers: baseline.ledgers, breaches: [] });
      if (operation.sameBody) expect({ ...where, body: faulty.last.body }).toEqual({ ...where, body: baseline.first.body });
    }
  });
});

describe('a primary stepping down (replSetStepDown force) in the middle of the story', () => {
  it.each(operations.map((o) => [o.name, o] as const))('%s: answers as not known to be done while there is no primary, resumes by itself, and ends with the ledger of a run without it', async (_name, operation) => {
    const baseline = await clean(operation);
    // Two seconds as a secondary: every write is refused with NotWritablePrimary, then no primary is known
    // until the driver sees this node primary again (an election, as the application sees one).
    const stepped = await run(operation, () => server.stepDown(2), 30_000);

    expect({ unavailable: stepped.first.unavailable, retried: stepped.last.ok }).toEqual({ unavailable: true, retried: true });
    expect(stepped.ledgers).toEqual(baseline.ledgers);
    expect(stepped.breaches).toEqual([]);
    if (operation.sameBody) expect(stepped.last.body).toEqual(baseline.first.body);
  });
});
