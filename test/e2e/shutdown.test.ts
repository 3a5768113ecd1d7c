import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import { freePort } from '../../src/peers/freePort';
import { testMongoUri } from '../setup/peers';
import { WEBHOOK_SECRET, asApp, startHarness, testCatalog } from '../support/harness';
import { deliverOk, invoicePaid, signedDelivery, stripeId } from '../fixtures/stripe';

const root = resolve(__dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

const FIRST_WAVE = 25;
const SECOND_WAVE = 15;

interface RunningServer {
  child: ChildProcess;
  port: number;
  logs: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `npm start`'s entry point and resolves once it logs that it listens. */
async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'src', 'server.ts')], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  const logs: Array<Record<string, unknown>> = [];
  const listening = new Promise<void>((ready, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      logs.push(parsed);
      if (parsed['msg'] === 'listening') ready();
    });
    void exited.then(({ code }) => fail(new Error(`server exited (${code}) before listening: ${stderr}`)));
  });
  await listening;
  return { child, port, logs, exited };
}

type Delivery = { status: number } | { refused: string };

/** One delivery on a connection of its own, as Stripe makes them; a connection the server refuses or drops is `refused`. */
function deliverOverHttp(port: number, evt: object): Promise<Delivery> {
  const { body, signature } = signedDelivery(evt);
  return new Promise((done) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/webhooks/stripe',
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Stripe-Signature': signature },
      },
      (res) => {
        res.resume();
        res.on('end', () => done({ status: res.statusCode ?? 0 }));
      },
    );
    // Not a timing goal: a request still unanswered this long after shutdown began has hung.
    req.setTimeout(15_000, () => req.destroy(new Error('hang')));
    req.on('error', (error: NodeJS.ErrnoException) => done({ refused: error.code ?? error.message }));
    req.end(body);
  });
}

function monthFrom(start: Date): { periodStart: Date; periodEnd: Date } {
  const periodEnd = new Date(start);
  periodEnd.setUTCMonth(periodEnd.getUTCMonth() + 1);
  return { periodStart: start, periodEnd };
}

describe('when the server gets SIGTERM in the middle of a burst of webhooks', () => {
  it('then it exits 0, every delivery is answered 200 or refused at the connection, and nothing is half-applied', async () => {
    const uri = testMongoUri();
    const dir = await mkdtemp(join(tmpdir(), 'credits-shutdown-'));
    const catalogPath = join(dir, 'credits.config.json');
    await writeFile(catalogPath, JSON.stringify(testCatalog));
    const server = await startServer({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, MONGODB_URI: uri, CREDITS_CONFIG: catalogPath });

    const period = monthFrom(new Date(Date.now() - 86_400_000));
    const events = Array.from({ length: FIRST_WAVE + SECOND_WAVE }, () =>
      invoicePaid({ customer: stripeId('cus'), subscription: stripeId('sub'), ...period }),
    );
    const first = events.slice(0, FIRST_WAVE).map((evt) => deliverOverHttp(server.port, evt));
    // The signal goes out as soon as one delivery is answered, so the rest of the first wave is in flight;
    // the second wave races the closing listener.
    await Promise.race(first);
    server.child.kill('SIGTERM');
    const second = events.slice(FIRST_WAVE).map((evt) => deliverOverHttp(server.port, evt));
    const results = await Promise.all([...first, ...second]);
    const exit = await server.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    for (const result of results) {
      if ('status' in result) expect(result.status).toBe(200);
      else expect(['ECONNREFUSED', 'ECONNRESET']).toContain(result.refused);
    }
    const answered = results.filter((r) => 'status' in r).length;
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(server.logs.at(-1)).toMatchObject({ msg: 'stopped' });

    // Stripe redelivers everything to a new instance: a 200 must have meant fully applied (duplicate now),
    // and whatever was cut off applies now, exactly once.
    const after = await startHarness({ uri });
    try {
      // A delivery cut off mid-way would have left its event `received`: begun, effects perhaps half done.
      const stored = await Promise.all(events.map((evt) => after.stores.events.get(evt.id)));
      results.forEach((result, i) => {
        if ('status' in result) expect(stored[i]?.status).toBe('processed');
        else expect(stored[i]?.status ?? 'never received').toMatch(/^(processed|never received)$/);
      });

      const redelivered = await Promise.all(events.map((evt) => deliverOk(after.app, evt)));
      results.forEach((result, i) => {
        if ('status' in result) expect(redelivered[i]).toBe('duplicate');
        else expect(['processed', 'duplicate']).toContain(redelivered[i]);
      });
      await Promise.all(
        events.map(async (evt) => {
          const customer = String(evt.data.object.customer);
          const ledger = await request(after.app).get(`/v1/customers/${customer}/ledger`).set(asApp).expect(200);
          const entries: Array<{ type: string; amount: number }> = ledger.body.entries;
          expect(entries.filter((e) => e.type === 'grant')).toEqual([expect.objectContaining({ amount: 5000 })]);
          const account = await after.stores.accounts.read(customer);
          expect(entries.reduce((sum, e) => sum + e.amount, 0)).toBe(account?.state.balance);
        }),
      );
    } finally {
      await after.close();
    }
  });
});
