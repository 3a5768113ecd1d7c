import { ConfigError, parseEnv, type AppConfig } from '../../src/config';
import { PRODUCTION_ENV } from '../fixtures/productionEnv';

type Env = Record<string, string | undefined>;

const minimal: Env = { STRIPE_WEBHOOK_SECRET: 'whsec_test_secret' };

function startupError(env: Env): ConfigError {
  try {
    parseEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected start-up to fail');
}

describe('parseEnv', () => {
  it('when only STRIPE_WEBHOOK_SECRET is set, then every other setting takes its documented default', () => {
    expect(parseEnv(minimal)).toEqual<AppConfig>({
      port: 3000,
      nodeEnv: 'development',
      mongodbUri: undefined,
      stripeSecretKey: undefined,
      webhookSecrets: ['whsec_test_secret'],
      stripeApiUrl: undefined,
      creditsConfigPath: './credits.config.json',
      apiKeys: [],
      adminApiKeys: [],
      grantCron: '*/5 * * * *',
      webhookToleranceSeconds: 300,
      testClock: false,
      logLevel: 'info',
      publicUrl: 'http://localhost:3000',
      billingPage: { brandName: null, accent: null, frameAncestors: [], strictTransportSecurity: false },
      appWebhook: null,
      host: '127.0.0.1',
      metricsPort: null,
      stripeLivemode: null,
      returnUrls: { allowedOrigins: 'localhost', httpsOnly: false },
      trustProxy: false,
    });
  });

  it('when APP_WEBHOOK_URL and several APP_WEBHOOK_SECRET are set, then signals go there signed with each secret', () => {
    expect(parseEnv({ ...minimal, APP_WEBHOOK_URL: 'http://127.0.0.1:4000/signals', APP_WEBHOOK_SECRET: 'new_secret, old_secret' }).appWebhook).toEqual({
      url: 'http://127.0.0.1:4000/signals',
      secrets: ['new_secret', 'old_secret'],
    });
  });

  it('when only one of APP_WEBHOOK_URL and APP_WEBHOOK_SECRET is set, then start-up names the missing one', () => {
    expect(startupError({ ...minimal, APP_WEBHOOK_URL: 'https://app.example/signals' }).message).toMatch(/APP_WEBHOOK_SECRET is required/);
    expect(startupError({ ...minimal, APP_WEBHOOK_SECRET: 's' }).message).toMatch(/APP_WEBHOOK_URL is required/);
    expect(startupError({ ...minimal, APP_WEBHOOK_URL: 'ftp://app.example', APP_WEBHOOK_SECRET: 's' }).message).toMatch(/APP_WEBHOOK_URL/);
  });

  it('when variables are set to blank (FOO= in .env), then they take their defaults', () => {
    const blank: Env = {
      ...minimal,
      PORT: '',
      NODE_ENV: ' ',
      MONGODB_URI: '',
      STRIPE_SECRET_KEY: '',
      STRIPE_API_URL: '',
      CREDITS_CONFIG: '',
      API_KEYS: '',
      ADMIN_API_KEYS: '',
      GRANT_CRON: '',
      WEBHOOK_TOLERANCE_SECONDS: '',
      TEST_CLOCK: '',
      LOG_LEVEL: '',
      PUBLIC_URL: '',
      BILLING_BRAND_NAME: '',
      BILLING_ACCENT: '',
      BILLING_FRAME_ANCESTORS: '',
      HOST: '',
      METRICS_PORT: '',
      ALLOWED_RETURN_ORIGINS: '',
      STRIPE_TEST_MODE: '',
      TRUST_PROXY: '',
    };
    expect(parseEnv(blank)).toEqual(parseEnv(minimal));
  });

  it.each<[string, string, string[]]>([
    ['one secret', 'whsec_one', ['whsec_one']],
    ['old and new secrets while rotating', 'whsec_old,whsec_new', ['whsec_old', 'whsec_new']],
    ['secrets with spaces around the commas', ' whsec_old , whsec_new ', ['whsec_old', 'whsec_new']],
  ])('when STRIPE_WEBHOOK_SECRET holds %s, then each is a signing secret', (_case, value, secrets) => {
    expect(parseEnv({ STRIPE_WEBHOOK_SECRET: value }).webhookSecrets).toEqual(secrets);
  });

  it.each<[string, Env, Partial<AppConfig>]>([
    ['PORT=8080', { PORT: '8080' }, { port: 8080 }],
    ['PORT=1', { PORT: '1' }, { port: 1 }],
    ['PORT=65535', { PORT: '65535' }, { port: 65535 }],
    ['NODE_ENV=test', { NODE_ENV: 'test' }, { nodeEnv: 'test' }],
    ['a mongodb:// URI', { MONGODB_URI: 'mongodb://127.0.0.1:27017/credits' }, { mongodbUri: 'mongodb://127.0.0.1:27017/credits' }],
    ['a mongodb+srv:// URI', { MONGODB_URI: 'mongodb+srv://db.example.com/credits' }, { mongodbUri: 'mongodb+srv://db.example.com/credits' }],
    ['production with MONGODB_URI', { ...PRODUCTION_ENV, MONGODB_URI: 'mongodb://db/credits' }, { nodeEnv: 'production', mongodbUri: 'mongodb://db/credits' }],
    ['a secret key', { STRIPE_SECRET_KEY: 'sk_test_123' }, { stripeSecretKey: 'sk_test_123' }],
    ['a restricted key', { STRIPE_SECRET_KEY: 'rk_live_123' }, { stripeSecretKey: 'rk_live_123' }],
    ['stripe-mock as STRIPE_API_URL', { STRIPE_API_URL: 'http://127.0.0.1:12111' }, { stripeApiUrl: 'http://127.0.0.1:12111' }],
    ['an https STRIPE_API_URL', { STRIPE_API_URL: 'https://api.stripe.com' }, { stripeApiUrl: 'https://api.stripe.com' }],
    ['CREDITS_CONFIG', { CREDITS_CONFIG: '/etc/credits.json' }, { creditsConfigPath: '/etc/credits.json' }],
    ['two API_KEYS', { API_KEYS: 'key_a, key_b' }, { apiKeys: ['key_a', 'key_b'] }],
    ['one ADMIN_API_KEYS', { ADMIN_API_KEYS: 'admin_a' }, { adminApiKeys: ['admin_a'] }],
    ['the same key in API_KEYS and ADMIN_API_KEYS', { API_KEYS: 'k', ADMIN_API_KEYS: 'k' }, { apiKeys: ['k'], adminApiKeys: ['k'] }],
    ['a 5-field GRANT_CRON', { GRANT_CRON: '0 * * * *' }, { grantCron: '0 * * * *' }],
    ['a 6-field GRANT_CRON', { GRANT_CRON: '*/30 * * * * *' }, { grantCron: '*/30 * * * * *' }],
    ['WEBHOOK_TOLERANCE_SECONDS=1', { WEBHOOK_TOLERANCE_SECONDS: '1' }, { webhookToleranceSeconds: 1 }],
    ['WEBHOOK_TOLERANCE_SECONDS=3600', { WEBHOOK_TOLERANCE_SECONDS: '3600' }, { webhookToleranceSeconds: 3600 }],
    ['TEST_CLOCK=1', { TEST_CLOCK: '1' }, { testClock: true }],
    ['TEST_CLOCK=0', { TEST_CLOCK: '0' }, { testClock: false }],
    ['LOG_LEVEL=debug', { LOG_LEVEL: 'debug' }, { logLevel: 'debug' }],
    ['LOG_LEVEL=silent', { LOG_LEVEL: 'silent' }, { logLevel: 'silent' }],
    ['PORT=8080 and no PUBLIC_URL', { PORT: '8080' }, { publicUrl: 'http://localhost:8080' }],
    ['a PUBLIC_URL with a trailing slash', { PUBLIC_URL: 'https://billing.example.com/' }, { publicUrl: 'https://billing.example.com' }],
    ['a PUBLIC_URL under a path', { PUBLIC_URL: 'https://example.com/credits/' }, { publicUrl: 'https://example.com/credits' }],
    ['BILLING_BRAND_NAME', { BILLING_BRAND_NAME: 'Acme Studio' }, { billingPage: { brandName: 'Acme Studio', accent: null, frameAncestors: [], strictTransportSecurity: false } }],
    ['a #rgb BILLING_ACCENT', { BILLING_ACCENT: '#0AF' }, { billingPage: { brandName: null, accent: '#00aaff', frameAncestors: [], strictTransportSecurity: false } }],
    ['an rgb() BILLING_ACCENT', { BILLING_ACCENT: 'rgb(15, 118, 110)' }, { billingPage: { brandName: null, accent: '#0f766e', frameAncestors: [], strictTransportSecurity: false } }],
    ['an hsl() BILLING_ACCENT', { BILLING_ACCENT: 'hsl(210deg 50% 40%)' }, { billingPage: { brandName: null, accent: '#336699', frameAncestors: [], strictTransportSecurity: false } }],
    ['two BILLING_FRAME_ANCESTORS', { BILLING_FRAME_ANCESTORS: 'https://app.example.com, https://*.example.org:8443' }, { billingPage: { brandName: null, accent: null, frameAncestors: ['https://app.example.com', 'https://*.example.org:8443'], strictTransportSecurity: false } }],
    ['BILLING_FRAME_ANCESTORS=none', { BILLING_FRAME_ANCESTORS: 'none' }, { billingPage: { brandName: null, accent: null, frameAncestors: [], strictTransportSecurity: false } }],
  ])('when %s is given, then it is used', (_case, env, expected) => {
    expect(parseEnv({ ...minimal, ...env })).toMatchObject(expected);
  });

  it.each<[string, Env, string]>([
    ['STRIPE_WEBHOOK_SECRET is missing', { STRIPE_WEBHOOK_SECRET: undefined }, 'STRIPE_WEBHOOK_SECRET'],
    ['STRIPE_WEBHOOK_SECRET is blank', { STRIPE_WEBHOOK_SECRET: '  ' }, 'STRIPE_WEBHOOK_SECRET'],
    ['STRIPE_WEBHOOK_SECRET has an empty entry', { STRIPE_WEBHOOK_SECRET: 'whsec_a,,whsec_b' }, 'STRIPE_WEBHOOK_SECRET'],
    ['STRIPE_WEBHOOK_SECRET ends with a comma', { STRIPE_WEBHOOK_SECRET: 'whsec_a,' }, 'STRIPE_WEBHOOK_SECRET'],
    ['PORT is 0', { PORT: '0' }, 'PORT'],
    ['PORT is above 65535', { PORT: '65536' }, 'PORT'],
    ['PORT is not a number', { PORT: 'http' }, 'PORT'],
    ['PORT is a fraction', { PORT: '80.5' }, 'PORT'],
    ['PORT is negative', { PORT: '-1' }, 'PORT'],
    ['PORT is hexadecimal', { PORT: '0x50' }, 'PORT'],
    ['MONGODB_URI has another scheme', { MONGODB_URI: 'postgres://db/credits' }, 'MONGODB_URI'],
    ['MONGODB_URI has no scheme', { MONGODB_URI: 'localhost:27017' }, 'MONGODB_URI'],
    ['NODE_ENV=production and MONGODB_URI is missing', { ...PRODUCTION_ENV, MONGODB_URI: undefined }, 'MONGODB_URI'],
    ['STRIPE_SECRET_KEY is a publishable key', { STRIPE_SECRET_KEY: 'pk_test_123' }, 'STRIPE_SECRET_KEY'],
    ['STRIPE_API_URL is not a URL', { STRIPE_API_URL: 'stripe-mock:12111' }, 'STRIPE_API_URL'],
    ['STRIPE_API_URL is not http(s)', { STRIPE_API_URL: 'ftp://127.0.0.1' }, 'STRIPE_API_URL'],
    ['API_KEYS has an empty entry', { API_KEYS: 'key_a,,key_b' }, 'API_KEYS'],
    ['ADMIN_API_KEYS starts with a comma', { ADMIN_API_KEYS: ',admin_a' }, 'ADMIN_API_KEYS'],
    ['GRANT_CRON has 4 fields', { GRANT_CRON: '* * * *' }, 'GRANT_CRON'],
    ['GRANT_CRON has 7 fields', { GRANT_CRON: '* * * * * * *' }, 'GRANT_CRON'],
    ['GRANT_CRON has an out-of-range minute', { GRANT_CRON: '61 * * * *' }, 'GRANT_CRON'],
    ['GRANT_CRON is a nickname rather than fields', { GRANT_CRON: '@daily' }, 'GRANT_CRON'],
    ['WEBHOOK_TOLERANCE_SECONDS is 0', { WEBHOOK_TOLERANCE_SECONDS: '0' }, 'WEBHOOK_TOLERANCE_SECONDS'],
    ['WEBHOOK_TOLERANCE_SECONDS is above 3600', { WEBHOOK_TOLERANCE_SECONDS: '3601' }, 'WEBHOOK_TOLERANCE_SECONDS'],
    ['WEBHOOK_TOLERANCE_SECONDS is a fraction', { WEBHOOK_TOLERANCE_SECONDS: '1.5' }, 'WEBHOOK_TOLERANCE_SECONDS'],
    ['TEST_CLOCK=1 with NODE_ENV=production', { ...PRODUCTION_ENV, TEST_CLOCK: '1' }, 'TEST_CLOCK'],
    ['TEST_CLOCK is neither 1 nor 0', { TEST_CLOCK: 'true' }, 'TEST_CLOCK'],
    ['LOG_LEVEL is unknown', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    ['PUBLIC_URL is not http(s)', { PUBLIC_URL: 'ftp://billing.example.com' }, 'PUBLIC_URL'],
    ['PUBLIC_URL has a query', { PUBLIC_URL: 'https://billing.example.com/?x=1' }, 'PUBLIC_URL'],
    ['PUBLIC_URL is relative', { PUBLIC_URL: '/billing' }, 'PUBLIC_URL'],
    ['BILLING_BRAND_NAME is longer than 60 characters', { BILLING_BRAND_NAME: 'b'.repeat(61) }, 'BILLING_BRAND_NAME'],
    ['BILLING_ACCENT is a named colour', { BILLING_ACCENT: 'rebeccapurple' }, 'BILLING_ACCENT'],
    ['BILLING_ACCENT is translucent', { BILLING_ACCENT: 'rgba(0, 0, 0, 0.5)' }, 'BILLING_ACCENT'],
    ['BILLING_ACCENT is out of range', { BILLING_ACCENT: 'rgb(256, 0, 0)' }, 'BILLING_ACCENT'],
    ['BILLING_ACCENT tries to end the style rule', { BILLING_ACCENT: '#fff;}body{display:none' }, 'BILLING_ACCENT'],
    ['BILLING_FRAME_ANCESTORS has a path', { BILLING_FRAME_ANCESTORS: 'https://app.example.com/embed' }, 'BILLING_FRAME_ANCESTORS'],
    ['BILLING_FRAME_ANCESTORS tries to add a directive', { BILLING_FRAME_ANCESTORS: "https://app.example.com; script-src 'unsafe-inline'" }, 'BILLING_FRAME_ANCESTORS'],
    ['BILLING_FRAME_ANCESTORS mixes none with an origin', { BILLING_FRAME_ANCESTORS: 'none https://app.example.com' }, 'BILLING_FRAME_ANCESTORS'],
  ])('when %s, then start-up fails naming it', (_case, env, field) => {
    const error = startupError({ ...minimal, ...env });
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('when a secret is invalid, then the message does not repeat its value', () => {
    const error = startupError({ ...minimal, STRIPE_SECRET_KEY: 'pk_live_do_not_print' });
    expect(error.message).not.toContain('pk_live_do_not_print');
  });

  it('when a non-secret setting is invalid, then the message shows the value that was given', () => {
    expect(startupError({ ...minimal, GRANT_CRON: '61 * * * *' }).message).toContain('"61 * * * *"');
  });

  it('when several variables are invalid, then the error names the first and the message names them all', () => {
    const error = startupError({ PORT: 'x', LOG_LEVEL: 'loud' });
    expect(error.field).toBe('PORT');
    expect(error.message).toMatch(/PORT.*STRIPE_WEBHOOK_SECRET.*LOG_LEVEL/);
  });
});
