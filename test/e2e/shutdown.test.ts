import type { ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from '../../src/peers/freePort';
import { testMongoUri } from '../setup/peers';
import { WEBHOOK_SECRET, asApp, startHarness, testCatalog } from '../support/harness';
import { deliverOk, invoicePaid, signedDelivery, stripeId } from '../fixtures/stripe';
import { startIsolated } from '../support/isolatedProcess';
import type { Finished } from '../support/isolatedProcess';

const FIRST_WAVE = 25;
const SECOND_WAVE = 15;

interface RunningServer {
  child: ChildProcess;
  port: number;
  logs: Array<Record<string, unknown>>;
  /** Once the process has exited and its output has ended, so `logs` holds its last line. */
  finished: Promise<Finished>;
}

/** Starts `npm start`'s entry point and resolves once it logs that it listens. */
async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const logs: Array<Record<string, unknown>> = [];
  let listening: () => void = () => undefined;
  const listened = new Promise<void>((ready) => (listening = ready));
  const { child, finished } = startIsolated({
    entry: 'src/server.ts',
    env: { PORT: String(port), LOG_LEVEL: 'info', ...env },
    // Every stdout line is a JSON log line; anything else would fail the parse and the test with it.
    onStdoutLine: (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry['msg'] === 'listening') listening();
    },
  });
  let up = false;
  const exitedFirst = finished.then(({ code, stderr }) => {
    if (!up) throw new Error(`server exited (${code}) before listening: ${stderr}`);
  });
  await Promise.race([listened, exitedFirst]);
  up = true;
  return { child, port, logs, finished };
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
    const { code, signal } = await server.finished;

    expect({ code, signal }).toEqual({ code: 0, signal: null });
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
