import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from '../../src/peers/freePort';
import { testMongoUri } from '../setup/peers';
import { twoPlanCatalog } from '../fixtures/catalog';
import { invoicePaid, signedDelivery, stripeId } from '../fixtures/stripe';
import { PROJECT_ROOT, startIsolated } from '../support/isolatedProcess';

/**
 * `npm run build` then `npm run start:prod` (`node dist/server.js`): the compiled server runs with no
 * TypeScript loader, serves, and with MONGODB_URI set never loads the development peers (src/peers: the
 * embedded SecantusDB and stripe-mock). Built into .artifacts/ (git-ignored, inside the project so that
 * node_modules resolves), without type-checking again: the suite's typecheck has done that.
 */
jest.setTimeout(120_000);

const OUT = join(PROJECT_ROOT, '.artifacts', `dist-test-${process.pid}`);
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

it('when the build runs, then node starts dist/server.js without tsx, it answers, and with MONGODB_URI no development peer is loaded', async () => {
  const built = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'build.ts'), OUT, '--no-check'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  expect({ status: built.status, stderr: built.stderr }).toEqual({ status: 0, stderr: '' });

  // Lists every module the process loaded, as it exits.
  const probe = join(OUT, 'loaded-modules.cjs');
  const catalog = join(OUT, 'credits.config.json');
  writeFileSync(catalog, JSON.stringify(twoPlanCatalog));
  writeFileSync(probe, "process.on('exit', () => process.stderr.write(`LOADED ${JSON.stringify(Object.keys(require.cache))}\\n`));\n");
  const uri = testMongoUri();
  /** Starts dist/server.js and resolves once it listens, or with null when another process took its port first. */
  const start = async (port: number) => {
    let listening: () => void = () => undefined;
    const listened = new Promise<void>((ready) => (listening = ready));
    const started = startIsolated({
      entry: join(OUT, 'server.js'),
      nodeArgs: ['--require', probe],
      env: {
        PORT: String(port),
        MONGODB_URI: uri,
        STRIPE_WEBHOOK_SECRET: 'whsec_test_primary_secret',
        API_KEYS: 'app_key_for_tests_0001',
        CREDITS_CONFIG: catalog,
        LOG_LEVEL: 'info',
      },
      onStdoutLine: (line) => {
        if (line.includes('"msg":"listening"')) listening();
      },
    });
    const exited = started.finished.then(({ stderr }) => {
      if (stderr.includes('EADDRINUSE')) return null;
      throw new Error(`dist/server.js exited before listening: ${stderr}`);
    });
    return Promise.race([listened.then(() => started), exited]);
  };
  let port = await freePort();
  let server = await start(port);
  for (let attempt = 2; server === null && attempt <= 3; attempt++) server = await start((port = await freePort()));
  if (!server) throw new Error('no free port held long enough for dist/server.js');

  const base = `http://127.0.0.1:${port}`;
  const customer = stripeId('cus');
  const paid = signedDelivery(invoicePaid({ customer, subscription: stripeId('sub'), periodStart: new Date(Date.now() - 86_400_000).toISOString(), periodEnd: new Date(Date.now() + 29 * 86_400_000).toISOString() }));
  const delivered = await request(base).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', paid.signature).send(paid.body);
  const balance = await request(base).get(`/v1/customers/${customer}/balance`).set({ Authorization: 'Bearer app_key_for_tests_0001' }).expect(200);
  server.child.kill('SIGTERM');
  const { code, stderr } = await server.finished;

  expect(delivered.body).toEqual({ received: true, status: 'processed' });
  expect(balance.body.balance).toBe(5000);
  expect(code).toBe(0);
  const loaded: string[] = JSON.parse(/LOADED (.*)/.exec(stderr)?.[1] ?? '[]');
  expect(loaded.length).toBeGreaterThan(100);
  expect(loaded.filter((path) => path.startsWith(join(OUT, 'peers')) || path.includes(`${join('node_modules', 'tsx')}`) || path.endsWith('.ts'))).toEqual([]);
});
