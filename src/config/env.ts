import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import { parseCssColour, toHex } from './cssColour';
import { ConfigError } from './errors';
import { describeIssues, type FieldProblem, rule } from './issues';
import { hostName, originList, trustProxy, type TrustProxy } from './network';
import { PRODUCTION_METRICS_PORT, productionProblems } from './production';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  port: number;
  nodeEnv: string;
  /** Unset outside production: the server then starts an embedded MongoDB-compatible server. */
  mongodbUri: string | undefined;
  stripeSecretKey: string | undefined;
  /** Several while a signing secret is being rotated; a signature matching any of them is accepted. */
  webhookSecrets: string[];
  /** Unset means Stripe's own API. */
  stripeApiUrl: string | undefined;
  creditsConfigPath: string;
  apiKeys: string[];
  adminApiKeys: string[];
  grantCron: string;
  webhookToleranceSeconds: number;
  testClock: boolean;
  logLevel: LogLevel;
  /** Signals to the app (SPEC §10): where they go, and the secrets they are signed with (several while rotating). */
  appWebhook: { url: string; secrets: string[] } | null;
  /** Base URL of minted billing-page links, without a trailing slash. */
  publicUrl: string;
  billingPage: BillingPageSettings;
  /** The interface to listen on; null: every interface (production's default; development binds 127.0.0.1). */
  host: string | null;
  /** A listener of its own for /metrics and /readyz; null: they are served on PORT (development's default). */
  metricsPort: number | null;
  /** Which Stripe events are acted on: live only (true), test only (false), or both (null: development without a key). */
  stripeLivemode: boolean | null;
  /** Where returnUrl, successUrl and cancelUrl may lead. */
  returnUrls: ReturnUrlPolicy;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client (the per-client limits count by it). */
  trustProxy: TrustProxy;
}

/** The origins a caller's return URLs may lead to (issue 22): the app's own, over https in production. */
export interface ReturnUrlPolicy {
  /** Exact origins (`https://app.example.com`); 'localhost': any origin on localhost, 127.0.0.1 or [::1]. */
  allowedOrigins: string[] | 'localhost';
  httpsOnly: boolean;
}

/** How the customer's billing page looks and who may frame it (SPEC §8). */
export interface BillingPageSettings {
  /** The product's name in the page's header; null: the page says only "Billing". */
  brandName: string | null;
  /** Normalised to #rrggbb; null: the page's own accent. */
  accent: string | null;
  /** Origins allowed to embed the page in a frame; empty: nobody. */
  frameAncestors: string[];
  /** Strict-Transport-Security on every answer of the page (production, whose PUBLIC_URL is https). */
  strictTransportSecurity: boolean;
}

/** `FOO=` in a .env file means "not set", so a copied .env.example falls back to the defaults. */
function variable<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }, schema);
}

function integerBetween(min: number, max: number) {
  const integer = rule(`an integer from ${min} to ${max}`);
  return z
    .string(integer)
    .regex(/^\d+$/, integer)
    .transform(Number)
    .pipe(z.int(integer).min(min, integer).max(max, integer));
}

function commaList(description: string) {
  const list = rule(`${description}, comma-separated, with no empty entries`);
  return z
    .string(list)
    .refine((text) => text.split(',').every((entry) => entry.trim() !== ''), list)
    .transform((text) => text.split(',').map((entry) => entry.trim()));
}

function flag() {
  return z
    .enum(['0', '1'], rule('1 (on) or 0 (off)'))
    .transform((value) => value === '1')
    .default(false);
}

function cronExpression() {
  const cron = rule('a cron expression of 5 or 6 fields (e.g. "*/5 * * * *")');
  return z
    .string(cron)
    .refine((text) => [5, 6].includes(text.split(/\s+/).length) && isValidCron(text), cron);
}

function publicBaseUrl() {
  const url = rule('an absolute http(s) URL without query or fragment (e.g. https://billing.example.com)');
  return z
    .url({ protocol: /^https?$/, ...url })
    .refine((text) => {
      if (!URL.canParse(text)) return false;
      const parsed = new URL(text);
      return parsed.search === '' && parsed.hash === '' && parsed.username === '' && parsed.password === '';
    }, url)
    .transform((text) => text.replace(/\/+$/, ''));
}

function cssColour() {
  const colour = rule('a CSS colour: #rgb, #rrggbb, rgb(…) or hsl(…)');
  return z
    .string(colour)
    .refine((text) => parseCssColour(text) !== null, colour)
    .transform((text) => {
      const rgb = parseCssColour(text);
      return rgb ? toHex(rgb) : text;
    });
}

/** CSP host-sources: scheme and host (a leading `*.` allowed), optional port, nothing that could end the directive. */
const FRAME_ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i;

function frameAncestors() {
  const origins = rule('"none" or origins such as https://app.example.com, separated by spaces or commas');
  return z
    .string(origins)
    .transform((text) => text.split(/[\s,]+/).filter((entry) => entry !== ''))
    .refine((list) => (list.length === 1 && list[0] === 'none') || list.every((entry) => FRAME_ORIGIN.test(entry)), origins)
    .transform((list) => (list[0] === 'none' ? [] : list));
}

const envSchema = z.object({
  PORT: variable(integerBetween(1, 65535).default(3000)),
  NODE_ENV: variable(z.string().default('development')),
  MONGODB_URI: variable(
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/\S/, rule('a connection string starting with mongodb:// or mongodb+srv://'))
      .optional(),
  ),
  STRIPE_SECRET_KEY: variable(
    z.string().regex(/^(sk|rk)_\S+$/, rule('a Stripe secret (sk_…) or restricted (rk_…) key')).optional(),
  ),
  STRIPE_WEBHOOK_SECRET: variable(commaList('one or more webhook signing secrets (whsec_…)')),
  STRIPE_API_URL: variable(z.url({ protocol: /^https?$/, ...rule('an http(s) URL') }).optional()),
  CREDITS_CONFIG: variable(z.string().default('./credits.config.json')),
  API_KEYS: variable(commaList('API keys').default([])),
  ADMIN_API_KEYS: variable(commaList('admin API keys').default([])),
  GRANT_CRON: variable(cronExpression().default('*/5 * * * *')),
  WEBHOOK_TOLERANCE_SECONDS: variable(integerBetween(1, 3600).default(300)),
  TEST_CLOCK: variable(flag()),
  LOG_LEVEL: variable(z.enum(LOG_LEVELS, rule(`one of ${LOG_LEVELS.join(', ')}`)).default('info')),
  PUBLIC_URL: variable(publicBaseUrl().optional()),
  BILLING_BRAND_NAME: variable(z.string().max(60, rule('at most 60 characters')).optional()),
  BILLING_ACCENT: variable(cssColour().optional()),
  BILLING_FRAME_ANCESTORS: variable(frameAncestors().default([])),
  APP_WEBHOOK_URL: variable(z.url({ protocol: /^https?$/, ...rule('an http(s) URL') }).optional()),
  APP_WEBHOOK_SECRET: variable(commaList('one or more signing secrets').optional()),
  HOST: variable(hostName().optional()),
  METRICS_PORT: variable(integerBetween(1, 65535).optional()),
  ALLOWED_RETURN_ORIGINS: variable(originList().optional()),
  STRIPE_TEST_MODE: variable(flag()),
  TRUST_PROXY: variable(trustProxy().default(false)),
});

/** Every variable the service reads (and `.env.example` lists). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** Values of these may be repeated in an error message; the others can hold secrets. */
const ECHOABLE = new Set([
  'PORT',
  'NODE_ENV',
  'STRIPE_API_URL',
  'CREDITS_CONFIG',
  'GRANT_CRON',
  'WEBHOOK_TOLERANCE_SECONDS',
  'TEST_CLOCK',
  'LOG_LEVEL',
  'PUBLIC_URL',
  'BILLING_BRAND_NAME',
  'BILLING_ACCENT',
  'BILLING_FRAME_ANCESTORS',
  'APP_WEBHOOK_URL',
  'HOST',
  'METRICS_PORT',
  'ALLOWED_RETURN_ORIGINS',
  'STRIPE_TEST_MODE',
  'TRUST_PROXY',
]);

function schemaProblems(env: Record<string, string | undefined>, error: z.ZodError): FieldProblem[] {
  return describeIssues(error.issues).map(({ field, sentence }) => {
    const value = env[field];
    return { field, sentence: ECHOABLE.has(field) && value !== undefined ? `${sentence} (got "${value}")` : sentence };
  });
}

/** Rules across variables, in every environment. */
function crossProblems(vars: z.output<typeof envSchema>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if ((vars.APP_WEBHOOK_URL === undefined) !== (vars.APP_WEBHOOK_SECRET === undefined)) {
    const [missing, other] = vars.APP_WEBHOOK_URL === undefined ? ['APP_WEBHOOK_URL', 'APP_WEBHOOK_SECRET'] : ['APP_WEBHOOK_SECRET', 'APP_WEBHOOK_URL'];
    problems.push({ field: missing, sentence: `${missing} is required when ${other} is set: signals are sent signed, or not at all` });
  }
  if (vars.STRIPE_TEST_MODE && vars.STRIPE_SECRET_KEY !== undefined && /^(sk|rk)_live_/.test(vars.STRIPE_SECRET_KEY)) {
    problems.push({ field: 'STRIPE_SECRET_KEY', sentence: 'STRIPE_SECRET_KEY is a live key but STRIPE_TEST_MODE=1 says this deployment runs on Stripe test mode' });
  }
  return problems;
}

/** Which events a deployment acts on: production live ones only (unless STRIPE_TEST_MODE=1); elsewhere it follows the key. */
function livemodeOf(vars: { STRIPE_SECRET_KEY?: string | undefined; STRIPE_TEST_MODE: boolean }, production: boolean): boolean | null {
  if (vars.STRIPE_TEST_MODE) return false;
  if (production) return true;
  if (vars.STRIPE_SECRET_KEY === undefined) return null;
  if (/^(sk|rk)_live_/.test(vars.STRIPE_SECRET_KEY)) return true;
  if (/^(sk|rk)_test_/.test(vars.STRIPE_SECRET_KEY)) return false;
  return null;
}

/** Every problem at once, in the order of the variables, so one start-up attempt shows all there is to fix. */
function configError(problems: FieldProblem[]): ConfigError {
  const order = (field: string) => {
    const index = CONFIG_VARIABLES.indexOf(field);
    return index < 0 ? CONFIG_VARIABLES.length : index;
  };
  const sorted = [...problems].sort((a, b) => order(a.field) - order(b.field));
  return new ConfigError(sorted[0]?.field ?? '', sorted.map((p) => p.sentence).join('; '), sorted);
}

/** The one reader of environment values; `env` is passed in so nothing else touches `process.env`. */
export function parseEnv(env: Record<string, string | undefined>): AppConfig {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? crossProblems(parsed.data) : schemaProblems(env, parsed.error);
  const production = env['NODE_ENV']?.trim() === 'production';
  if (production) {
    problems.push(...productionProblems(env, { variables: CONFIG_VARIABLES, refused: new Set(problems.map((p) => p.field)) }));
  }
  if (!parsed.success || problems.length > 0) throw configError(problems);
  const vars = parsed.data;

  return {
    port: vars.PORT,
    nodeEnv: vars.NODE_ENV,
    mongodbUri: vars.MONGODB_URI,
    stripeSecretKey: vars.STRIPE_SECRET_KEY,
    webhookSecrets: vars.STRIPE_WEBHOOK_SECRET,
    stripeApiUrl: vars.STRIPE_API_URL,
    creditsConfigPath: vars.CREDITS_CONFIG,
    apiKeys: vars.API_KEYS,
    adminApiKeys: vars.ADMIN_API_KEYS,
    grantCron: vars.GRANT_CRON,
    webhookToleranceSeconds: vars.WEBHOOK_TOLERANCE_SECONDS,
    testClock: vars.TEST_CLOCK,
    logLevel: vars.LOG_LEVEL,
    publicUrl: vars.PUBLIC_URL ?? `http://localhost:${vars.PORT}`,
    billingPage: {
      brandName: vars.BILLING_BRAND_NAME ?? null,
      accent: vars.BILLING_ACCENT ?? null,
      frameAncestors: vars.BILLING_FRAME_ANCESTORS,
      strictTransportSecurity: production,
    },
    appWebhook: vars.APP_WEBHOOK_URL && vars.APP_WEBHOOK_SECRET ? { url: vars.APP_WEBHOOK_URL, secrets: vars.APP_WEBHOOK_SECRET } : null,
    host: vars.HOST ?? (production ? null : '127.0.0.1'),
    metricsPort: metricsPortOf(vars.METRICS_PORT, vars.PORT, production),
    stripeLivemode: livemodeOf(vars, production),
    returnUrls: { allowedOrigins: vars.ALLOWED_RETURN_ORIGINS ?? 'localhost', httpsOnly: production },
    trustProxy: vars.TRUST_PROXY,
  };
}

/** Production keeps /metrics and /readyz off the public port; development serves them on PORT unless told otherwise. */
function metricsPortOf(metricsPort: number | undefined, port: number, production: boolean): number | null {
  const chosen = metricsPort ?? (production ? PRODUCTION_METRICS_PORT : port);
  return chosen === port ? null : chosen;
}
