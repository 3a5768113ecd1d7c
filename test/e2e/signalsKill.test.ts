import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createCreditsClient, verifySignal } from '../../client/src';
import { freePort } from '../../src/peers/freePort';
import { testMongoUri } from '../setup/peers';
import { ADMIN_KEY, APP_KEY, WEBHOOK_SECRET, testCatalog } from '../support/harness';
import { eventually, startSignalReceiver } from '../support/signalReceiver';
import { stripeId } from '../fixtures/stripe';

const root = resolve(__dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const SECRET = 'sig_secret_e2e';

interface RunningServer {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start`'s entry point, resolved once it logs that it listens. */
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
  await new Promise<void>((ready, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if ((JSON.parse(line) as { msg?: string }).msg === 'listening') ready();
    });
    void exited.then(({ code }) => fail(new Error(`server exited (${code}) before listening: ${stderr}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, exited };
}

describe('when the server is killed with SIGKILL between a change and the delivery of its signal', () => {
  it('then the next server delivers the signal, once, with the same id', async () => {
    const receiver = await startSignalReceiver();
    const dir = await mkdtemp(join(tmpdir(), 'credits-signals-'));
    const catalogPath = join(dir, 'credits.config.json');
    await writeFile(catalogPath, JSON.stringify(testCatalog));
    const env = {
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      MONGODB_URI: testMongoUri(),
      CREDITS_CONFIG: catalogPath,
      API_KEYS: APP_KEY,
      ADMIN_API_KEYS: ADMIN_KEY,
      APP_WEBHOOK_URL: receiver.url,
      APP_WEBHOOK_SECRET: SECRET,
    };
    try {
      // Nothing is acknowledged while the first server lives: whatever it managed to do, the signal is not delivered.
      receiver.behave(() => 'fail500');
      const first = await startServer(env);
      const customer = stripeId('cus');
      const admin = createCreditsClient({ baseUrl: first.url, apiKey: ADMIN_KEY });
      const granted = await admin.api.POST('/v1/admin/customers/{customer}/adjustments', {
        params: { path: { customer } },
        body: { amount: 100, reason: 'goodwill', idempotencyKey: 'kill-9' },
      });
      expect(granted.response.status).toBe(201);
      first.child.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(receiver.acknowledged()).toEqual([]);

      receiver.behave(() => 'ok');
      const second = await startServer(env);
      try {
        const id = `${customer}:signal:1`;
        // A failed attempt before the kill may have scheduled the next one up to ~12 s later, or a kill in the
        // middle of an attempt left the signal leased for up to 20 s.
        await eventually(() => receiver.acknowledged().length, 40_000, (n) => n >= 1);
        const [signal] = receiver.acknowledged();
        expect(signal?.id).toBe(id);
        expect(verifySignal(signal?.body ?? '', signal?.signature, SECRET)).toMatchObject({ id, type: 'credits.granted', customer, data: { amount: 100, balance: 100 } });
        // Nothing more arrives for it: acknowledged once.
        await new Promise((r) => setTimeout(r, 500));
        expect(receiver.acknowledged().map((s) => s.id)).toEqual([id]);
      } finally {
        second.child.kill('SIGTERM');
        expect(await second.exited).toEqual({ code: 0, signal: null });
      }
    } finally {
      await receiver.close();
    }
  }, 90_000);
});
