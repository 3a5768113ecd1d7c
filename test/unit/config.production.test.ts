import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv as readDotenv } from 'node:util';
import { ConfigError, describeConfigError, parseEnv } from '../../src/config';
import { PRODUCTION_ENV } from '../fixtures/productionEnv';

type Env = Record<string, string | undefined>;

function refusal(env: Env): ConfigError {
  try {
    parseEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected start-up to fail');
}

/** The fields named, each once, in the order reported. */
function fieldsOf(error: ConfigError): string[] {
  return [...new Set(error.problems.map((p) => p.field))];
}

function sentencesAbout(error: ConfigError, field: string): string[] {
  return error.problems.filter((p) => p.field === field).map((p) => p.sentence);
}

const EXAMPLE: Env = readDotenv(readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8'));

describe('a production configuration', () => {
  it('when every value is real, then it starts: live events only, every interface, metrics on 9464, https return URLs and HSTS', () => {
    expect(parseEnv(PRODUCTION_ENV)).toMatchObject({
      nodeEnv: 'production',
      stripeLivemode: true,
      host: null,
      metricsPort: 9464,
      returnUrls: { allowedOrigins: ['https://app.example.com'], httpsOnly: true },
      billingPage: { strictTransportSecurity: true },
    });
  });

  it('when it is .env.example with NODE_ENV=production, then start-up names every problem at once', () => {
    const error = refusal({ ...EXAMPLE, NODE_ENV: 'production' });

    expect(fieldsOf(error)).toEqual(['MONGODB_URI', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'API_KEYS', 'ADMIN_API_KEYS', 'PUBLIC_URL', 'ALLOWED_RETURN_ORIGINS']);
    expect(sentencesAbout(error, 'STRIPE_SECRET_KEY')).toEqual([expect.stringContaining('placeholder'), expect.stringContaining('live key')]);
    expect(sentencesAbout(error, 'STRIPE_WEBHOOK_SECRET')).toEqual([expect.stringContaining('placeholder')]);
    expect(sentencesAbout(error, 'API_KEYS')).toEqual([expect.stringContaining('placeholder'), expect.stringContaining('shorter than 32 characters')]);
    expect(sentencesAbout(error, 'ADMIN_API_KEYS')).toEqual([expect.stringContaining('placeholder'), expect.stringContaining('shorter than 32 characters')]);
    expect(describeConfigError(error).split('\n')).toHaveLength(1 + error.problems.length);
  });

  it('when .env.example runs in development, then its placeholders are accepted (it listens on 127.0.0.1 only)', () => {
    expect(parseEnv(EXAMPLE)).toMatchObject({ host: '127.0.0.1', apiKeys: ['app_key_replace_me'] });
  });

  it.each<[string, Env, string, RegExp]>([
    ['an API key holds the placeholder', { API_KEYS: 'app_key_replace_me_0123456789abcdef' }, 'API_KEYS', /API_KEYS still holds the placeholder/],
    ['the signing secret holds the placeholder', { STRIPE_WEBHOOK_SECRET: 'whsec_replace_me' }, 'STRIPE_WEBHOOK_SECRET', /placeholder/],
    ['the signal secret holds the placeholder, in capitals', { APP_WEBHOOK_URL: 'https://app.example.com/signals', APP_WEBHOOK_SECRET: 'APP_SIGNAL_SECRET_REPLACE_ME' }, 'APP_WEBHOOK_SECRET', /placeholder/],
    ['an app key is one character', { API_KEYS: `${PRODUCTION_ENV.API_KEYS},k` }, 'API_KEYS', /API_KEYS entry 2 is shorter than 32 characters/],
    ['two admin keys are short', { ADMIN_API_KEYS: `short_one,${PRODUCTION_ENV.ADMIN_API_KEYS},short_two` }, 'ADMIN_API_KEYS', /ADMIN_API_KEYS entries 1 and 3 are shorter than 32/],
    ['a key is both an app key and an admin key', { API_KEYS: PRODUCTION_ENV.ADMIN_API_KEYS }, 'API_KEYS', /also in ADMIN_API_KEYS: the app's key would open the admin routes/],
    ['a signing secret is not Stripe’s', { STRIPE_WEBHOOK_SECRET: `${PRODUCTION_ENV.STRIPE_WEBHOOK_SECRET},my_own_secret_0123456789` }, 'STRIPE_WEBHOOK_SECRET', /entry 2 does not start with whsec_/],
    ['there is no Stripe key', { STRIPE_SECRET_KEY: undefined }, 'STRIPE_SECRET_KEY', /is required: a live key/],
    ['the Stripe key is a test key', { STRIPE_SECRET_KEY: 'sk_test_51QfixtureTestKey' }, 'STRIPE_SECRET_KEY', /must be a live key/],
    ['the Stripe key has another prefix', { STRIPE_SECRET_KEY: 'sk_51QfixtureOddKey' }, 'STRIPE_SECRET_KEY', /must be a live key/],
    ['STRIPE_TEST_MODE=1 with a live key', { STRIPE_TEST_MODE: '1' }, 'STRIPE_SECRET_KEY', /test/],
    ['PUBLIC_URL is missing', { PUBLIC_URL: undefined }, 'PUBLIC_URL', /required when NODE_ENV=production/],
    ['PUBLIC_URL is plain http', { PUBLIC_URL: 'http://billing.example.com' }, 'PUBLIC_URL', /must be https/],
    ['ALLOWED_RETURN_ORIGINS is missing', { ALLOWED_RETURN_ORIGINS: '' }, 'ALLOWED_RETURN_ORIGINS', /required when NODE_ENV=production/],
    ['an allowed return origin is plain http', { ALLOWED_RETURN_ORIGINS: 'https://app.example.com http://app.example.com' }, 'ALLOWED_RETURN_ORIGINS', /only https origins.*http:\/\/app\.example\.com/],
    ['METRICS_PORT is the public port', { PORT: '8080', METRICS_PORT: '8080' }, 'METRICS_PORT', /must differ from PORT/],
    ['PORT is the default metrics port', { PORT: '9464' }, 'METRICS_PORT', /must differ from PORT/],
    ['the test clock is on', { TEST_CLOCK: '1' }, 'TEST_CLOCK', /refused/],
    ['MONGODB_URI is missing', { MONGODB_URI: undefined }, 'MONGODB_URI', /required/],
  ])('when %s, then start-up is refused naming the variable and why', (_case, change, field, why) => {
    const error = refusal({ ...PRODUCTION_ENV, ...change });
    expect(fieldsOf(error)).toEqual([field]);
    expect(error.message).toMatch(why);
  });

  it('when keys are refused, then the message never repeats them', () => {
    const error = refusal({ ...PRODUCTION_ENV, API_KEYS: 'tiny_app_key', ADMIN_API_KEYS: `tiny_admin_key,${PRODUCTION_ENV.ADMIN_API_KEYS}`, STRIPE_WEBHOOK_SECRET: 'not_a_whsec_value' });
    expect(fieldsOf(error)).toEqual(['STRIPE_WEBHOOK_SECRET', 'API_KEYS', 'ADMIN_API_KEYS']);
    for (const secret of ['tiny_app_key', 'tiny_admin_key', 'not_a_whsec_value', PRODUCTION_ENV.ADMIN_API_KEYS]) expect(error.message).not.toContain(secret);
  });

  it('when a variable is malformed as well, then both kinds of problem are named in one pass', () => {
    const error = refusal({ ...PRODUCTION_ENV, PORT: 'eighty', API_KEYS: 'short' });
    expect(fieldsOf(error)).toEqual(['PORT', 'API_KEYS']);
  });

  it('when STRIPE_TEST_MODE=1 with a test key (staging), then only test events are acted on', () => {
    expect(parseEnv({ ...PRODUCTION_ENV, STRIPE_TEST_MODE: '1', STRIPE_SECRET_KEY: 'rk_test_51QfixtureRestricted' }).stripeLivemode).toBe(false);
  });

  it('when HOST and METRICS_PORT are given, then they are used', () => {
    expect(parseEnv({ ...PRODUCTION_ENV, HOST: '10.0.0.5', METRICS_PORT: '9100' })).toMatchObject({ host: '10.0.0.5', metricsPort: 9100 });
  });
});

describe('the same settings in development', () => {
  const minimal: Env = { STRIPE_WEBHOOK_SECRET: 'whsec_test_secret' };

  it.each<[string, Env, boolean | null]>([
    ['no key', {}, null],
    ['a live key', { STRIPE_SECRET_KEY: 'rk_live_123' }, true],
    ['a test key', { STRIPE_SECRET_KEY: 'sk_test_123' }, false],
    ['an unexpected prefix', { STRIPE_SECRET_KEY: 'sk_123' }, null],
    ['STRIPE_TEST_MODE=1 and no key', { STRIPE_TEST_MODE: '1' }, false],
  ])('when the deployment has %s, then the events acted on follow it', (_case, env, livemode) => {
    expect(parseEnv({ ...minimal, ...env }).stripeLivemode).toBe(livemode);
  });

  it('when STRIPE_TEST_MODE=1 comes with a live key, then start-up is refused', () => {
    expect(fieldsOf(refusal({ ...minimal, STRIPE_TEST_MODE: '1', STRIPE_SECRET_KEY: 'sk_live_123' }))).toEqual(['STRIPE_SECRET_KEY']);
  });

  it.each<[string, Env, number | null]>([
    ['not set', {}, null],
    ['the public port', { PORT: '4000', METRICS_PORT: '4000' }, null],
    ['another port', { METRICS_PORT: '9100' }, 9100],
  ])('when METRICS_PORT is %s, then /metrics has its own listener only on another port', (_case, env, metricsPort) => {
    expect(parseEnv({ ...minimal, ...env }).metricsPort).toBe(metricsPort);
  });

  it.each<[string, string, string[]]>([
    ['one origin', 'https://app.example.com', ['https://app.example.com']],
    ['origins written loosely', ' https://App.Example.com:443/ ,http://localhost:5173  http://127.0.0.1:8080', ['https://app.example.com', 'http://localhost:5173', 'http://127.0.0.1:8080']],
  ])('when ALLOWED_RETURN_ORIGINS holds %s, then they are read as browsers write origins', (_case, value, origins) => {
    expect(parseEnv({ ...minimal, ALLOWED_RETURN_ORIGINS: value }).returnUrls).toEqual({ allowedOrigins: origins, httpsOnly: false });
  });

  it.each<[string, Env, string]>([
    ['ALLOWED_RETURN_ORIGINS has a path', { ALLOWED_RETURN_ORIGINS: 'https://app.example.com/account' }, 'ALLOWED_RETURN_ORIGINS'],
    ['ALLOWED_RETURN_ORIGINS has a wildcard', { ALLOWED_RETURN_ORIGINS: 'https://*.example.com' }, 'ALLOWED_RETURN_ORIGINS'],
    ['ALLOWED_RETURN_ORIGINS has a user-info part', { ALLOWED_RETURN_ORIGINS: 'https://app.example.com@evil.example' }, 'ALLOWED_RETURN_ORIGINS'],
    ['ALLOWED_RETURN_ORIGINS is not http(s)', { ALLOWED_RETURN_ORIGINS: 'javascript:alert(1)' }, 'ALLOWED_RETURN_ORIGINS'],
    ['HOST is not an address or a name', { HOST: 'every interface' }, 'HOST'],
    ['METRICS_PORT is 0', { METRICS_PORT: '0' }, 'METRICS_PORT'],
    ['STRIPE_TEST_MODE is neither 1 nor 0', { STRIPE_TEST_MODE: 'yes' }, 'STRIPE_TEST_MODE'],
    ['TRUST_PROXY is a word', { TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    ['TRUST_PROXY has a prefix too long', { TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    ['TRUST_PROXY counts more than 10 proxies', { TRUST_PROXY: '11' }, 'TRUST_PROXY'],
  ])('when %s, then start-up fails naming it', (_case, env, field) => {
    expect(fieldsOf(refusal({ ...minimal, ...env }))).toEqual([field]);
  });

  it.each<[string, string, false | number | string[]]>([
    ['0', '0', false],
    ['a hop count', '2', 2],
    ['addresses and ranges', 'loopback, 10.0.0.0/8, fd00::/8, 192.0.2.7', ['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']],
  ])('when TRUST_PROXY is %s, then it is what Express trusts', (_case, value, trustProxy) => {
    expect(parseEnv({ ...minimal, TRUST_PROXY: value }).trustProxy).toEqual(trustProxy);
  });

  it('when HOST is given, then development listens there instead of 127.0.0.1', () => {
    expect(parseEnv({ ...minimal, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });
});
