import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { PROJECT_ROOT, startIsolated } from '../support/isolatedProcess';

/** Runs `npm start`'s entry point with exactly this environment, from a directory whose .env it must not read. */
async function startServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const { child, finished } = startIsolated({ entry: 'src/server.ts', env });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const { code, stderr } = await finished;
  clearTimeout(timer);
  return { code, stderr };
}

async function catalogFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'credits-catalog-'));
  const path = join(dir, 'credits.config.json');
  await writeFile(path, JSON.stringify(content));
  return path;
}

const validCatalog = { plans: [{ id: 'pro', monthlyCredits: 5000, prices: [{ price: 'price_pro_m', months: 1 }] }], topups: [] };

describe('when the configuration is invalid, then start-up fails naming what is wrong', () => {
  it.each([
    ['the webhook secret is missing', {}, 'STRIPE_WEBHOOK_SECRET'],
    ['the port is not a number', { STRIPE_WEBHOOK_SECRET: 'whsec_x', PORT: 'eighty' }, 'PORT'],
    ['the cron expression is broken', { STRIPE_WEBHOOK_SECRET: 'whsec_x', GRANT_CRON: 'every minute' }, 'GRANT_CRON'],
    ['production has no MONGODB_URI', { STRIPE_WEBHOOK_SECRET: 'whsec_x', NODE_ENV: 'production' }, 'MONGODB_URI'],
    ['production asks for the test clock', { STRIPE_WEBHOOK_SECRET: 'whsec_x', NODE_ENV: 'production', MONGODB_URI: 'mongodb://127.0.0.1:1/x', TEST_CLOCK: '1' }, 'TEST_CLOCK'],
  ])('%s', async (_case, env, named) => {
    const { code, stderr } = await startServer({ CREDITS_CONFIG: await catalogFile(validCatalog), ...env });
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toContain(named);
  });

  it('the connection string asks to read from secondaries', async () => {
    const { code, stderr } = await startServer({
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      CREDITS_CONFIG: await catalogFile(validCatalog),
      MONGODB_URI: 'mongodb://127.0.0.1:1/credits?replicaSet=rs0&readPreference=secondaryPreferred',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('MONGODB_URI asks for readPreference=secondaryPreferred: this service reads and writes on the primary only');
  });

  it('a catalog field is wrong', async () => {
    const broken = { ...validCatalog, plans: [{ id: 'pro', monthlyCredits: 2.5, prices: [{ price: 'price_pro_m', months: 1 }] }] };
    const { code, stderr } = await startServer({ STRIPE_WEBHOOK_SECRET: 'whsec_x', CREDITS_CONFIG: await catalogFile(broken) });
    expect(code).toBe(1);
    expect(stderr).toContain('plans[0].monthlyCredits');
  });

  it('a secret that fails validation is never echoed', async () => {
    const { code, stderr } = await startServer({
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      STRIPE_SECRET_KEY: 'pk_live_this_is_not_a_secret_key_12345',
      CREDITS_CONFIG: await catalogFile(validCatalog),
    });
    expect(code).toBe(1);
    expect(stderr).toContain('STRIPE_SECRET_KEY');
    expect(stderr).not.toContain('pk_live_this_is_not_a_secret_key_12345');
  });
});

describe('when NODE_ENV=production is started with the values of .env.example', () => {
  it('then it refuses to start and lists every problem, one a line, each naming its variable and why, and no secret', async () => {
    const example = parseEnv(readFileSync(join(PROJECT_ROOT, '.env.example'), 'utf8'));
    const values = Object.fromEntries(Object.entries(example).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])));

    const { code, stderr } = await startServer({ ...values, NODE_ENV: 'production', CREDITS_CONFIG: await catalogFile(validCatalog) });

    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^Invalid configuration \(\d+ problems\):$/);
    const problems = lines.slice(1).map((line) => line.replace(/^ {2}- /, ''));
    for (const [variable, why] of [
      ['MONGODB_URI', /required/],
      ['STRIPE_SECRET_KEY', /placeholder/],
      ['STRIPE_SECRET_KEY', /live key/],
      ['STRIPE_WEBHOOK_SECRET', /placeholder/],
      ['API_KEYS', /placeholder/],
      ['API_KEYS', /shorter than 32 characters/],
      ['ADMIN_API_KEYS', /placeholder/],
      ['ADMIN_API_KEYS', /shorter than 32 characters/],
      ['PUBLIC_URL', /https/],
      ['ALLOWED_RETURN_ORIGINS', /required/],
    ] as const) {
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${variable} .*${why.source}`)));
    }
    for (const secret of ['sk_test_replace_me', 'whsec_replace_me', 'app_key_replace_me', 'admin_key_replace_me']) expect(stderr).not.toContain(secret);
  });
});

