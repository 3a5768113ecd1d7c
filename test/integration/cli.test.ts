import { resolve } from 'node:path';
import request from 'supertest';
import type { AdminContext } from '../../src/cli/command';
import { runAdmin } from '../../src/cli/runAdmin';
import { parseEnv } from '../../src/config';
import type { AccountDoc } from '../../src/store/models';
import { deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';
import { APP_KEY, asApp, balanceOf, startHarness, testCatalog, WEBHOOK_SECRET } from '../support/harness';
import type { Harness } from '../support/harness';
import { startIsolated } from '../support/isolatedProcess';

const root = resolve(__dirname, '..', '..');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

let h: Harness;

async function admin(...argv: string[]): Promise<Ran> {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (t: string) => ((out.stdout += t), true) },
    stderr: { write: (t: string) => ((out.stderr += t), true), isTTY: false },
  };
  const context: AdminContext = {
    config: parseEnv({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_KEY: 'sk_test_cli', MONGODB_URI: h.uri }),
    catalog: testCatalog,
    stores: h.stores,
    service: h.service,
    clock: h.clock,
  };
  const code = await runAdmin(argv, { io, clock: h.clock, open: async () => context });
  return { code, ...out };
}

/** A customer with a month of the monthly plan (seq 1, 5000) and one debit of 100 (seq 2): balance 4900. */
async function customerWithDebit(): Promise<string> {
  const customer = stripeId('cus');
  await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
  await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 100, idempotencyKey: stripeId('key') }).expect(201);
  return customer;
}

/** The breach is made where the truth lives: the account document, whose outbox holds the newest entries (src/store/README.md). */
async function editAccount(customer: string, update: (doc: AccountDoc) => void): Promise<void> {
  const accounts = h.stores.connection.collection<AccountDoc>('accounts');
  const doc = await accounts.findOne({ _id: customer });
  if (!doc) throw new Error(`no account ${customer}`);
  update(doc);
  await accounts.replaceOne({ _id: customer }, doc);
}

function outboxEntry(doc: AccountDoc, seq: number): AccountDoc['outbox'][number] {
  const entry = doc.outbox.find((e) => e.seq === seq);
  if (!entry) throw new Error(`seq ${seq} is not in the outbox`);
  return entry;
}

async function breachKinds(customer: string): Promise<{ code: number; kinds: string[] }> {
  const ran = await admin('check-ledger', '--customer', customer, '--json');
  const report: { breaches: { kind: string }[] } = JSON.parse(ran.stdout);
  return { code: ran.code, kinds: report.breaches.map((b) => b.kind) };
}

beforeEach(async () => {
  h = await startHarness();
  h.clock.set(new Date('2026-03-15T12:00:00Z'));
});

afterEach(async () => {
  await h.close();
});

describe('check-ledger', () => {
  test('when every account is consistent, then it says so and exits 0', async () => {
    await customerWithDebit();
    await customerWithDebit();

    const ran = await admin('check-ledger');

    expect(ran.stdout).toBe('Checked 2 account(s): every invariant holds.\n');
    expect(ran.code).toBe(0);
  });

  test.each([
    ['ledger_sum', (c: string) => editAccount(c, (doc) => void (outboxEntry(doc, 2).amount = -150))],
    ['running_sum', (c: string) => editAccount(c, (doc) => void (outboxEntry(doc, 2).balanceAfter = 1))],
    [
      'duplicate_op_key',
      (c: string) =>
        editAccount(c, (doc) => {
          doc.outbox.push({ ...outboxEntry(doc, 2), seq: 3, amount: 0, balanceAfter: 4900 });
          doc.seq = 3;
        }),
    ],
    ['sequence_gap', (c: string) => editAccount(c, (doc) => void (doc.seq += 1))],
    ['bucket_sum', (c: string) => editAccount(c, (doc) => void (doc.buckets[0]!.remaining -= 100))],
    ['bucket_out_of_range', (c: string) => editAccount(c, (doc) => void (doc.buckets[0]!.remaining = 6000))],
    ['expired_bucket_not_empty', (c: string) => editAccount(c, (doc) => void (doc.buckets[0]!.expired = true))],
  ])('when an account is edited by hand so that %s breaks, then check-ledger names it and exits 1', async (kind, breakIt) => {
    const healthy = await customerWithDebit();
    const broken = await customerWithDebit();
    await breakIt(broken);

    const found = await breachKinds(broken);
    const all = await admin('check-ledger');

    expect(found.code).toBe(1);
    expect(found.kinds).toContain(kind);
    expect(all.code).toBe(1);
    expect(all.stdout).toContain(`${broken}  ${kind}  `);
    expect(all.stdout).not.toContain(healthy);
  });
});

describe('adjust and balance', () => {
  test('when an admin grants by hand twice with one key, then it applies once and balance shows it', async () => {
    const customer = await customerWithDebit();

    const first = await admin('adjust', '--customer', customer, '--amount', '500', '--reason', 'support goodwill', '--idempotency-key', 'ticket-42');
    const again = await admin('adjust', '--customer', customer, '--amount', '500', '--reason', 'support goodwill', '--idempotency-key', 'ticket-42');
    const shown = await admin('balance', '--customer', customer, '--json');

    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Granted 500 credits');
    expect(again.stdout).toContain('Already applied with this key');
    expect(JSON.parse(shown.stdout).balance).toBe(5400);
    expect(await balanceOf(h.app, customer)).toBe(5400);
    expect(JSON.parse(shown.stdout)).toEqual(JSON.parse(JSON.stringify((await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp)).body)));
  });

  test('when a deduction would go below zero, then it is refused with exit 2 and nothing changes', async () => {
    const customer = await customerWithDebit();

    const ran = await admin('adjust', '--customer', customer, '--amount', '-5000', '--reason', 'chargeback', '--idempotency-key', 'k1');

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('insufficient_credits');
    expect(await balanceOf(h.app, customer)).toBe(4900);
  });

  test('when the flags are wrong, then the command names the flag, exits 2 and never opens the database', async () => {
    // The first line is the message; the usage printed after it names every flag, so it proves nothing.
    const cases: Array<[string[], string]> = [
      [['adjust', '--customer', 'cus_x', '--amount', '1.5', '--reason', 'r'], 'adjust: --amount must be a non-zero whole number'],
      [['adjust', '--customer', 'cus_x', '--reason', 'r'], 'adjust: --amount N is required'],
      [['balance', '--customer', 'user_1'], 'balance: --customer must be a Stripe customer id'],
      [['run-due', '--as-of', '2999-01-01T00:00:00Z'], 'run-due: --as-of must not be in the future'],
      [['check-ledger', '--bogus'], "check-ledger: Unknown option '--bogus'"],
      [['no-such-command'], 'Unknown command "no-such-command".'],
    ];
    const open = jest.fn();
    for (const [argv, message] of cases) {
      const io = { stdout: { write: () => true }, stderr: { text: '', write(t: string) { this.text += t; return true; } } };
      const code = await runAdmin(argv, { io, clock: h.clock, open });
      expect({ argv, code, firstLine: io.stderr.text.split('\n')[0] }).toEqual({ argv, code: 2, firstLine: expect.stringContaining(message) });
    }
    expect(open).not.toHaveBeenCalled();
  });

  test('when reconcile or replay get a flag wrong, then they word it as every other command does, exit 2 and never open the database', async () => {
    // Exact first lines: a node error from another realm (jest's vm) once came out as "TypeError [ERR_PARSE_ARGS_…]: …".
    const cases: Array<[string[], string]> = [
      [['check-ledger', '--bogus'], "check-ledger: Unknown option '--bogus'"],
      [['reconcile', '--bogus'], "reconcile: Unknown option '--bogus'"],
      [['replay', '--bogus'], "replay: Unknown option '--bogus'"],
      [['reconcile', '--customer'], "reconcile: Option '--customer <value>' argument missing"],
      [['replay', '--since'], "replay: Option '--since <value>' argument missing"],
      [['reconcile', 'cus_x'], "reconcile: Unexpected argument 'cus_x'. This command does not take positional arguments"],
      [['reconcile', '--customer', 'user_1'], 'reconcile: --customer must be a Stripe customer id (cus_…), got "user_1"'],
      [['replay', '--parked', '--event', 'evt_1'], 'replay: give exactly one of --since, --event or --parked'],
    ];
    const open = jest.fn();
    for (const [argv, message] of cases) {
      const io = { stdout: { write: () => true }, stderr: { text: '', write(t: string) { this.text += t; return true; } } };
      const code = await runAdmin(argv, { io, clock: h.clock, open });
      expect({ argv, code, firstLine: io.stderr.text.split('\n')[0] }).toEqual({ argv, code: 2, firstLine: message });
    }
    expect(open).not.toHaveBeenCalled();
  });
});

describe('help', () => {
  test('when --help is on any command line, then that command prints its usage, exits 0 and never opens the database', async () => {
    const open = jest.fn();
    for (const name of ['run-due', 'balance', 'adjust', 'check-ledger', 'reconcile', 'replay']) {
      const io = { stdout: { text: '', write(t: string) { this.text += t; return true; } }, stderr: { write: () => true } };
      const code = await runAdmin([name, '--customer', 'cus_x', '--help'], { io, clock: h.clock, open });
      expect({ name, code, usage: io.stdout.text.startsWith(`Usage: npm run admin -- ${name}`) }).toEqual({ name, code: 0, usage: true });
    }
    expect(open).not.toHaveBeenCalled();
  });
});

describe('run-due', () => {
  test('when a past instant is given, then it settles up to it and reports what it did', async () => {
    const customer = stripeId('cus');
    h.clock.set(new Date('2026-01-10T00:00:05Z'));
    await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_pro_y', periodStart: '2026-01-10T00:00:00Z', periodEnd: '2027-01-10T00:00:00Z' }));
    h.clock.set(new Date('2026-03-20T00:00:00Z'));

    const ran = await admin('run-due', '--as-of', '2026-03-11T00:00:00Z', '--json');

    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ asOf: '2026-03-11T00:00:00.000Z', granted: 2, expired: 2 });
  });
});

describe('shard-plan', () => {
  test("when no database is named, then the plan is for the one the connection string names", async () => {
    const ran = await admin('shard-plan');
    const database = h.stores.connection.db?.databaseName ?? '';

    expect(ran.code).toBe(0);
    expect(database).toMatch(/^t_/);
    expect(ran.stdout).toContain(`sh.shardCollection("${database}.ledger", {"customer":1});`);
  });
});

describe('npm run admin, spawned as an operator runs it', () => {
  /** From a scratch directory holding a hostile .env, with exactly this environment (test/support/isolatedProcess.ts). */
  async function spawnAdmin(argv: string[], env: Record<string, string>): Promise<Ran> {
    const { code, stdout, stderr } = await startIsolated({ entry: 'src/cli/admin.ts', args: argv, env }).finished;
    return { code: code ?? -1, stdout, stderr };
  }

  test('when it runs against the database, then help, usage errors, missing configuration and a check give their exit codes', async () => {
    const customer = await customerWithDebit();
    const env = { MONGODB_URI: h.uri, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, API_KEYS: APP_KEY, CREDITS_CONFIG: resolve(root, 'credits.config.json'), LOG_LEVEL: 'warn' };

    const [help, usage, unconfigured, checked, noKey] = await Promise.all([
      spawnAdmin(['reconcile', '--help'], env),
      spawnAdmin(['reconcile', '--bogus'], env),
      spawnAdmin(['check-ledger'], { ...env, STRIPE_WEBHOOK_SECRET: '' }),
      spawnAdmin(['check-ledger', '--customer', customer], env),
      spawnAdmin(['reconcile', '--customer', customer], env),
    ]);

    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: npm run admin -- reconcile') });
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
    expect(unconfigured).toMatchObject({ code: 2, stderr: expect.stringContaining('STRIPE_WEBHOOK_SECRET') });
    expect(checked).toMatchObject({ code: 0, stdout: 'Checked 1 account(s): every invariant holds.\n' });
    expect(noKey).toMatchObject({ code: 2, stderr: expect.stringContaining('STRIPE_SECRET_KEY') });
  });
});
