import type { FieldProblem } from './issues';

/** What `.env.example` ships in place of a secret; a value holding it was never filled in. */
const PLACEHOLDER = /replace_me/i;
/** 32 characters of `openssl rand -hex 16` and up: a key nobody guesses, whatever alphabet it uses. */
export const MIN_API_KEY_LENGTH = 32;
/** Where /metrics and /readyz listen in production when METRICS_PORT is not set (the OpenTelemetry exporter's port). */
export const PRODUCTION_METRICS_PORT = 9464;

type RawEnv = Record<string, string | undefined>;

/** A variable as the schema reads it: trimmed, and blank means unset. */
function raw(env: RawEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function entries(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** "entry 2" or "entries 1 and 3": which items of a list, never their (secret) values. */
function which(positions: number[]): string {
  const numbers = positions.map((index) => String(index + 1));
  if (numbers.length === 1) return `entry ${numbers[0]}`;
  return `entries ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
}

function positionsWhere<T>(list: T[], test: (item: T) => boolean): number[] {
  return list.flatMap((item, index) => (test(item) ? [index] : []));
}

function placeholders(env: RawEnv, variables: readonly string[]): FieldProblem[] {
  return variables.flatMap((field) => {
    const value = raw(env, field);
    if (value === undefined || !PLACEHOLDER.test(value)) return [];
    return [{ field, sentence: `${field} still holds the placeholder of .env.example ("replace_me"): set the real value` }];
  });
}

function apiKeys(env: RawEnv): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const lists = { API_KEYS: entries(raw(env, 'API_KEYS')), ADMIN_API_KEYS: entries(raw(env, 'ADMIN_API_KEYS')) };
  for (const [field, keys] of Object.entries(lists)) {
    const short = positionsWhere(keys, (key) => key.length < MIN_API_KEY_LENGTH);
    if (short.length > 0) {
      problems.push({ field, sentence: `${field} ${which(short)} ${short.length === 1 ? 'is' : 'are'} shorter than ${MIN_API_KEY_LENGTH} characters: a short key can be guessed (make one with: openssl rand -hex 32)` });
    }
  }
  const admin = new Set(lists.ADMIN_API_KEYS);
  const shared = positionsWhere(lists.API_KEYS, (key) => admin.has(key));
  if (shared.length > 0) {
    problems.push({ field: 'API_KEYS', sentence: `API_KEYS ${which(shared)} ${shared.length === 1 ? 'is' : 'are'} also in ADMIN_API_KEYS: the app's key would open the admin routes (give each its own key)` });
  }
  return problems;
}

function webhookSecrets(env: RawEnv): FieldProblem[] {
  const wrong = positionsWhere(entries(raw(env, 'STRIPE_WEBHOOK_SECRET')), (secret) => !secret.startsWith('whsec_'));
  if (wrong.length === 0) return [];
  return [{ field: 'STRIPE_WEBHOOK_SECRET', sentence: `STRIPE_WEBHOOK_SECRET ${which(wrong)} ${wrong.length === 1 ? 'does' : 'do'} not start with whsec_: use the signing secret Stripe shows for the endpoint` }];
}

function stripeKey(env: RawEnv): FieldProblem[] {
  const key = raw(env, 'STRIPE_SECRET_KEY');
  const testMode = raw(env, 'STRIPE_TEST_MODE') === '1';
  const rule = testMode
    ? 'a test key (sk_test_… or rk_test_…), since STRIPE_TEST_MODE=1'
    : 'a live key (sk_live_… or rk_live_…) when NODE_ENV=production: only live events are credited (for staging on Stripe test mode, set STRIPE_TEST_MODE=1 and a test key)';
  if (key === undefined) return [{ field: 'STRIPE_SECRET_KEY', sentence: `STRIPE_SECRET_KEY is required: ${rule}` }];
  if (new RegExp(`^(sk|rk)_${testMode ? 'test' : 'live'}_`).test(key)) return [];
  return [{ field: 'STRIPE_SECRET_KEY', sentence: `STRIPE_SECRET_KEY must be ${rule}` }];
}

function publicUrl(env: RawEnv): FieldProblem[] {
  const url = raw(env, 'PUBLIC_URL');
  if (url === undefined) return [{ field: 'PUBLIC_URL', sentence: 'PUBLIC_URL is required when NODE_ENV=production: the https address browsers reach the billing page at' }];
  if (url.toLowerCase().startsWith('https://')) return [];
  return [{ field: 'PUBLIC_URL', sentence: `PUBLIC_URL must be https when NODE_ENV=production: a billing link is a credential (got "${url}")` }];
}

function returnOrigins(env: RawEnv): FieldProblem[] {
  const value = raw(env, 'ALLOWED_RETURN_ORIGINS');
  if (value === undefined) {
    return [{ field: 'ALLOWED_RETURN_ORIGINS', sentence: 'ALLOWED_RETURN_ORIGINS is required when NODE_ENV=production: the https origins of your app that returnUrl, successUrl and cancelUrl may lead to' }];
  }
  const plain = value.split(/[\s,]+/).filter((origin) => origin !== '' && !origin.toLowerCase().startsWith('https://'));
  if (plain.length === 0) return [];
  return [{ field: 'ALLOWED_RETURN_ORIGINS', sentence: `ALLOWED_RETURN_ORIGINS must list only https origins when NODE_ENV=production (got "${plain.join(' ')}")` }];
}

function metricsPort(env: RawEnv): FieldProblem[] {
  const port = raw(env, 'PORT') ?? '3000';
  const metrics = raw(env, 'METRICS_PORT') ?? String(PRODUCTION_METRICS_PORT);
  if (Number(port) !== Number(metrics)) return [];
  return [{ field: 'METRICS_PORT', sentence: `METRICS_PORT must differ from PORT when NODE_ENV=production: /metrics and /readyz stay off the public port (both are ${port})` }];
}

/**
 * What production refuses to start with (issue 22): the values a hurried deployment ships and an attacker tries
 * first. Each problem names its variable and why; values are repeated only where they are not secrets. Fields the
 * schema already refused are left to its message.
 */
export function productionProblems(env: RawEnv, input: { variables: readonly string[]; refused: ReadonlySet<string> }): FieldProblem[] {
  const problems = [
    ...placeholders(env, input.variables),
    ...(raw(env, 'MONGODB_URI') === undefined ? [{ field: 'MONGODB_URI', sentence: 'MONGODB_URI is required when NODE_ENV=production (the embedded server is for local use only)' }] : []),
    ...(raw(env, 'TEST_CLOCK') === '1' ? [{ field: 'TEST_CLOCK', sentence: 'TEST_CLOCK=1 is refused when NODE_ENV=production' }] : []),
    ...apiKeys(env),
    ...webhookSecrets(env),
    ...stripeKey(env),
    ...publicUrl(env),
    ...returnOrigins(env),
    ...metricsPort(env),
  ];
  return problems.filter((problem) => !input.refused.has(problem.field));
}
