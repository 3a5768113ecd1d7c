import request from 'supertest';
import { hashToken } from '../../src/app/billingSessions';
import { pageStates } from '../fixtures/billingStates';
import { stripeId } from '../fixtures/stripe';
import { formTokenIn, mintLink, submitForm, visibleText } from '../support/billingPage';
import { startFakeStripeServer, stripeErrorBody } from '../support/fakeStripeServer';
import type { FakeStripeServer } from '../support/fakeStripeServer';
import { captureLogs } from '../support/logCapture';
import type { CapturedLogs } from '../support/logCapture';
import { asAdmin, asApp, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

const PUBLIC_URL = 'https://billing.example.test';

let h: Harness;
let recorded: Harness;
let fake: FakeStripeServer;
let logs: CapturedLogs;
beforeAll(async () => {
  fake = await startFakeStripeServer();
  logs = captureLogs();
  [h, recorded] = await Promise.all([
    startHarness({ env: { PUBLIC_URL, LOG_LEVEL: 'trace' }, logger: logs.logger }),
    startHarness({ env: { PUBLIC_URL, STRIPE_API_URL: fake.url } }),
  ]);
});
afterAll(async () => {
  await Promise.all([h.close(), recorded.close(), fake.close()]);
});
beforeEach(() => {
  fake.requests.length = 0;
});

/** What the page asked Stripe to do: its top-up prices are read too, and are not actions. */
function stripeActions() {
  return fake.requests.filter((r) => !r.path.startsWith('/v1/prices/'));
}

function mint(customer: string, body: object, auth = asApp) {
  return request(h.app).post(`/v1/customers/${customer}/billing-sessions`).set(auth).send(body);
}

describe('minting a link', () => {
  it('when the app mints a link, then 201 gives an unguessable URL under PUBLIC_URL that expires in one hour', async () => {
    const { customer, now } = await pageStates.activeMonthly(h);

    const res = await mint(customer, { returnUrl: 'https://app.example/account' }).expect(201);

    expect(res.body).toEqual({ url: expect.stringMatching(/^https:\/\/billing\.example\.test\/billing\/[A-Za-z0-9_-]{43}$/), expiresAt: new Date(now.getTime() + 3600_000).toISOString() });
    const again = await mint(customer, {}).expect(201);
    expect(again.body.url).not.toBe(res.body.url);
  });

  it.each([
    [60, 60_000],
    [86_400, 86_400_000],
  ])('when ttlSeconds is %p, then the link expires that long after minting', async (ttlSeconds, ms) => {
    const { customer, now } = await pageStates.activeMonthly(h);
    const res = await mint(customer, { ttlSeconds }).expect(201);
    expect(res.body.expiresAt).toBe(new Date(now.getTime() + ms).toISOString());
  });

  it.each([
    ['ttlSeconds above 24 hours', { ttlSeconds: 86_401 }, 'ttlSeconds'],
    ['ttlSeconds under a minute', { ttlSeconds: 59 }, 'ttlSeconds'],
    ['a fractional ttlSeconds', { ttlSeconds: 90.5 }, 'ttlSeconds'],
    ['ttlSeconds as a string', { ttlSeconds: '3600' }, 'ttlSeconds'],
    ['a javascript: returnUrl', { returnUrl: 'javascript:alert(1)' }, 'returnUrl'],
    ['a relative returnUrl', { returnUrl: '/account' }, 'returnUrl'],
    ['a returnUrl of 2049 characters', { returnUrl: `https://app.example/${'a'.repeat(2029)}` }, 'returnUrl'],
  ])('when the body has %s, then 400 names the field', async (_case, body, field) => {
    const res = await mint('cus_any', body).expect(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request', field });
    expect(res.body.error.message).toContain(field);
  });

  it('when the body has a field the API does not know, then 400 names it', async () => {
    const res = await mint('cus_any', { retunUrl: 'https://app.example' }).expect(400);
    expect(res.body.error.message).toContain('retunUrl');
  });

  it('when there is no key or an unknown one, then 401; an admin key may mint too', async () => {
    const { customer } = await pageStates.activeMonthly(h);
    await request(h.app).post(`/v1/customers/${customer}/billing-sessions`).send({}).expect(401);
    await mint(customer, {}, { Authorization: 'Bearer nope' }).expect(401);
    await mint(customer, {}, asAdmin).expect(201);
  });

  it('when the customer has no credits account, then 404 customer_not_found and no link', async () => {
    const res = await mint(stripeId('cus'), {}).expect(404);
    expect(res.body.error.type).toBe('customer_not_found');
  });

  it('when a link is minted, then the database holds its hash and never the token', async () => {
    const { customer } = await pageStates.activeMonthly(h);
    const link = await mintLink(h.app, customer);

    const docs = await h.stores.connection.db?.collection('billing_sessions').find({ customer }).toArray();

    expect(docs?.map((d) => d._id)).toEqual([hashToken(link.token)]);
    expect(JSON.stringify(docs)).not.toContain(link.token);
  });
});

describe('opening a link', () => {
  it('when the link is opened before it expires, then the page answers with a strict CSP, no referrer and no framing', async () => {
    const { customer } = await pageStates.activeMonthly(h);
    const link = await mintLink(h.app, customer);

    const res = await request(h.app).get(link.path).expect(200).expect('Content-Type', /text\/html/);

    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' https://checkout.stripe.com https://billing.stripe.com");
    expect(csp).not.toContain('unsafe');
    expect(res.headers).toMatchObject({ 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });

  it('when operators allow origins to frame the page, then frame-ancestors lists exactly them', async () => {
    const framed = await startHarness({ env: { BILLING_FRAME_ANCESTORS: 'https://app.example.com https://*.example.org' } });
    try {
      const { customer } = await pageStates.activeMonthly(framed);
      const res = await request(framed.app).get((await mintLink(framed.app, customer)).path).expect(200);
      expect(res.headers['content-security-policy']).toContain('frame-ancestors https://app.example.com https://*.example.org;');
      expect(res.headers['x-frame-options']).toBeUndefined();
    } finally {
      await framed.close();
    }
  });

  it('when the link has expired, then a plain 401 page says so and shows nothing of the account', async () => {
    const { customer } = await pageStates.activeMonthly(h);
    const link = await mintLink(h.app, customer, { ttlSeconds: 600 });

    h.clock.set(new Date(new Date(link.expiresAt).getTime() - 1));
    await request(h.app).get(link.path).expect(200);
    h.clock.set(new Date(link.expiresAt));
    const res = await request(h.app).get(link.path).expect(401).expect('Content-Type', /text\/html/);

    expect(visibleText(res.text)).toContain('This billing link has expired');
    expect(res.text).not.toContain(customer);
    expect(res.text).not.toContain('3,500');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it.each([
    ['an unknown token', () => `/billing/${'A'.repeat(43)}`],
    ['a malformed token', () => '/billing/not-a-token'],
    ['a token with its last character changed', () => 'changed'],
  ])('when the link has %s, then 401', async (_case, pathOf) => {
    const { customer } = await pageStates.activeMonthly(h);
    const link = await mintLink(h.app, customer);
    const path = pathOf() === 'changed' ? `${link.path.slice(0, -1)}${link.path.endsWith('A') ? 'B' : 'A'}` : pathOf();

    const res = await request(h.app).get(path).expect(401);
    expect(visibleText(res.text)).toContain('This billing link has expired');
  });

  it('when a link is opened, then the access log names the page and the customer, never the token', async () => {
    const { customer } = await pageStates.activeMonthly(h);
    const link = await mintLink(h.app, customer);
    await request(h.app).get(link.path).set('X-Request-Id', 'billing-page-log-check').expect(200);

    const line = logs.lines().find((l) => l['msg'] === 'request' && l['requestId'] === 'billing-page-log-check');
    expect(line).toMatchObject({ path: '/billing/:token', customer, status: 200 });
    expect(logs.text()).not.toContain(link.token);
  });
});

describe('the link’s token and the logs', () => {
  it.each([
    ['in capitals', (token: string) => `/Billing/${token}`],
    ['all in capitals, on its activity page', (token: string) => `/BILLING/${token}/activity`],
    ['after a double slash', (token: string) => `//billing/${token}`],
    ['with a path after it', (token: string) => `/billing/${token}/x`],
    ['with an escaped letter in billing', (token: string) => `/%62illing/${token}`],
    ['under another prefix', (token: string) => `/api/billing/${token}`],
    ['on its own', (token: string) => `/${token}`],
    ['as a customer id', (token: string) => `/v1/customers/${token}/nothing-here`],
  ])('when a link is requested %s, then no log line holds the token and the page is not served', async (_case, pathOf) => {
    const { customer } = await pageStates.activeMonthly(h);
    const link = await mintLink(h.app, customer);
    const requestId = `token-shape-${stripeId('req')}`;

    const res = await request(h.app).get(pathOf(link.token)).set(asApp).set('X-Request-Id', requestId);

    expect(res.status).toBe(404);
    const line = logs.lines().find((l) => l['msg'] === 'request' && l['requestId'] === requestId);
    expect(line).toMatchObject({ status: 404, path: expect.stringContaining(':token') });
    expect(logs.text()).not.toContain(link.token);
  });

  it('when the page is opened at its own path, then it is still served (the routes are case-sensitive, not gone)', async () => {
    const { customer } = await pageStates.activeMonthly(h);
    const link = await mintLink(h.app, customer);
    await request(h.app).get(link.path).expect(200);
    await request(h.app).get(`${link.path}/activity`).expect(200);
    expect(logs.text()).not.toContain(link.token);
  });
});

describe('one link, one customer', () => {
  it('when customers A and B each have a link, then A’s link shows A’s credits and nothing of B', async () => {
    const a = await pageStates.activeMonthly(h);
    const b = await pageStates.topupOnly(h);
    const [linkA, linkB] = [await mintLink(h.app, a.customer), await mintLink(h.app, b.customer)];

    const pageA = visibleText((await request(h.app).get(`${linkA.path}?customer=${b.customer}`).expect(200)).text);
    const pageB = visibleText((await request(h.app).get(linkB.path).expect(200)).text);

    expect(pageA).toContain('Credits available 3,500 credits');
    expect(pageA).not.toContain('2,000');
    expect(pageB).toContain('Credits available 2,000 credits');
  });

  it('when A’s page posts a checkout naming B, then Stripe is asked for A’s checkout only', async () => {
    const a = await pageStates.activeMonthly(recorded);
    const b = await pageStates.topupOnly(recorded);
    const link = await mintLink(recorded.app, a.customer);
    const page = await request(recorded.app).get(link.path).expect(200);
    fake.answer(() => ({ status: 200, body: { id: 'cs_test_fake', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_test_fake' } }));

    await submitForm(recorded.app, `${link.path}/checkout`, { formToken: formTokenIn(page.text), price: 'price_topup_1k', quantity: '1', customer: b.customer }).expect(303);

    const checkouts = stripeActions();
    expect(checkouts.map((r) => r.params.get('customer'))).toEqual([a.customer]);
  });

  it('when B’s form token is posted on A’s link, then it is refused and Stripe is not asked', async () => {
    const a = await pageStates.activeMonthly(recorded);
    const b = await pageStates.topupOnly(recorded);
    const [linkA, linkB] = [await mintLink(recorded.app, a.customer), await mintLink(recorded.app, b.customer)];
    const tokenB = formTokenIn((await request(recorded.app).get(linkB.path)).text);

    await submitForm(recorded.app, `${linkA.path}/portal`, { formToken: tokenB }).expect(403);
    expect(stripeActions()).toHaveLength(0);
  });
});

describe('the page’s buttons', () => {
  it('when Buy credits is posted, then Stripe Checkout is opened for the customer and the page answers 303 to it, coming back to the page', async () => {
    const { customer } = await pageStates.activeMonthly(recorded);
    const link = await mintLink(recorded.app, customer);
    const page = await request(recorded.app).get(link.path).expect(200);
    fake.answer(() => ({ status: 200, body: { id: 'cs_test_fake', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_test_fake' } }));

    const res = await submitForm(recorded.app, `${link.path}/checkout`, { formToken: formTokenIn(page.text), price: 'price_topup_5k', quantity: '3' }).expect(303);

    expect(res.headers['location']).toBe('https://checkout.stripe.com/c/pay/cs_test_fake');
    const [checkout] = stripeActions();
    expect(Object.fromEntries(checkout?.params ?? [])).toMatchObject({
      mode: 'payment',
      customer,
      'line_items[0][price]': 'price_topup_5k',
      'line_items[0][quantity]': '3',
      success_url: `${link.url}?paid={CHECKOUT_SESSION_ID}`,
      cancel_url: `${link.url}?canceled=1`,
      'metadata[credits_kind]': 'topup',
    });
  });

  it('when Manage subscription is posted, then the customer portal opens and returns to the page', async () => {
    const { customer } = await pageStates.activeMonthly(recorded);
    const link = await mintLink(recorded.app, customer);
    const page = await request(recorded.app).get(link.path).expect(200);
    fake.answer(() => ({ status: 200, body: { id: 'bps_fake', object: 'billing_portal.session', url: 'https://billing.stripe.com/p/session/fake' } }));

    const res = await submitForm(recorded.app, `${link.path}/portal`, { formToken: formTokenIn(page.text) }).expect(303);

    expect(res.headers['location']).toBe('https://billing.stripe.com/p/session/fake');
    expect(stripeActions().map((r) => [r.path, Object.fromEntries(r.params)])).toEqual([['/v1/billing_portal/sessions', { customer, return_url: link.url }]]);
  });

  it('when the buttons are used against stripe-mock, then they redirect to the URLs Stripe returned', async () => {
    const { customer } = await pageStates.activeMonthly(h);
    const link = await mintLink(h.app, customer);
    const formToken = formTokenIn((await request(h.app).get(link.path)).text);

    const checkout = await submitForm(h.app, `${link.path}/checkout`, { formToken, price: 'price_topup_1k', quantity: '2' }).expect(303);
    const portal = await submitForm(h.app, `${link.path}/portal`, { formToken }).expect(303);

    expect(checkout.headers['location']).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    expect(portal.headers['location']).toMatch(/^https:\/\//);
  });

  it.each([
    ['no form token', {}, { 'Sec-Fetch-Site': 'same-origin' }],
    ['a wrong form token', { formToken: 'x'.repeat(43) }, { 'Sec-Fetch-Site': 'same-origin' }],
    ['the right token from another site', 'valid', { 'Sec-Fetch-Site': 'cross-site' }],
    ['the right token from a sibling subdomain', 'valid', { 'Sec-Fetch-Site': 'same-site' }],
  ])('when a form arrives with %s, then 403 and Stripe is not asked', async (_case, fields, headers) => {
    const { customer } = await pageStates.activeMonthly(recorded);
    const link = await mintLink(recorded.app, customer);
    const formToken = formTokenIn((await request(recorded.app).get(link.path)).text);
    const body = fields === 'valid' ? { formToken } : fields;

    for (const action of ['checkout', 'portal']) {
      const res = await submitForm(recorded.app, `${link.path}/${action}`, { ...body, price: 'price_topup_1k', quantity: '1' }, headers).expect(403);
      expect(visibleText(res.text)).toContain('This form has expired');
    }
    expect(stripeActions()).toHaveLength(0);
  });

  it.each([
    ['quantity 0', { price: 'price_topup_1k', quantity: '0' }],
    ['quantity 1001', { price: 'price_topup_1k', quantity: '1001' }],
    ['a quantity that is not a number', { price: 'price_topup_1k', quantity: 'lots' }],
    ['a price the catalog does not sell', { price: 'price_pro_m', quantity: '1' }],
  ])('when Buy credits is posted with %s, then a 400 page and Stripe is not asked', async (_case, fields) => {
    const { customer } = await pageStates.activeMonthly(recorded);
    const link = await mintLink(recorded.app, customer);
    const formToken = formTokenIn((await request(recorded.app).get(link.path)).text);

    const res = await submitForm(recorded.app, `${link.path}/checkout`, { formToken, ...fields }).expect(400);

    expect(visibleText(res.text)).toContain('Nothing was charged');
    expect(stripeActions()).toHaveLength(0);
  });

  it('when Stripe fails, then a 502 page says nothing was charged and never repeats Stripe’s message', async () => {
    const { customer } = await pageStates.activeMonthly(recorded);
    const link = await mintLink(recorded.app, customer);
    const formToken = formTokenIn((await request(recorded.app).get(link.path)).text);
    fake.answer(() => ({ status: 500, body: stripeErrorBody('api_error', 'internal detail sk_test_secret') }));

    const res = await submitForm(recorded.app, `${link.path}/checkout`, { formToken, price: 'price_topup_1k', quantity: '1' }).expect(502);

    expect(visibleText(res.text)).toContain('Payments are unavailable right now Nothing was charged');
    expect(res.text).not.toContain('sk_test_secret');
  });

  it('when the deployment has no Stripe key, then the page offers no button and a post answers 503', async () => {
    const keyless = await startHarness({ env: { STRIPE_SECRET_KEY: '' } });
    try {
      const { customer } = await pageStates.activeMonthly(keyless);
      const link = await mintLink(keyless.app, customer);
      const page = await request(keyless.app).get(link.path).expect(200);
      expect(page.text).not.toContain('>Buy credits</button>');
      expect(visibleText(page.text)).toContain('Buying credits is not available for this account right now');

      await submitForm(keyless.app, `${link.path}/checkout`, { formToken: formTokenIn(page.text), price: 'price_topup_1k', quantity: '1' }).expect(503);
    } finally {
      await keyless.close();
    }
  });
});

describe('requests per link', () => {
  it('when a link makes more than 60 requests in a minute, then it gets 429 with Retry-After while another link is served', async () => {
    const { customer } = await pageStates.topupOnly(h);
    const [busy, calm] = [await mintLink(h.app, customer), await mintLink(h.app, customer)];

    for (let i = 0; i < 60; i++) await request(h.app).get(`${busy.path}/activity`).expect(200);
    const limited = await request(h.app).get(busy.path).expect(429);

    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(visibleText(limited.text)).toContain('Too many requests');
    await request(h.app).get(calm.path).expect(200);
  });
});

describe('guessing links', () => {
  it('when one client opens 30 links that do not exist, then its next lookups answer 429 with Retry-After and read nothing, while other clients are served', async () => {
    let reads = 0;
    const guarded = await startHarness({
      env: { TRUST_PROXY: 'loopback' },
      wrapStores: (stores) => ({
        ...stores,
        billingSessions: {
          create: (session) => stores.billingSessions.create(session),
          findByTokenHash: (hash) => {
            reads += 1;
            return stores.billingSessions.findByTokenHash(hash);
          },
        },
      }),
    });
    try {
      const { customer } = await pageStates.activeMonthly(guarded);
      const link = await mintLink(guarded.app, customer);
      const guesser = { 'X-Forwarded-For': '203.0.113.9' };
      for (let i = 0; i < 30; i++) await request(guarded.app).get(`/billing/${String(i).padStart(43, 'G')}`).set(guesser).expect(401);
      expect(reads).toBe(30);

      const refused = await request(guarded.app).get(`/billing/${'H'.repeat(43)}`).set(guesser).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(visibleText(refused.text)).toContain('Too many requests');
      // Even a real link: telling it apart would take the read the limit saves.
      await request(guarded.app).get(link.path).set(guesser).expect(429);
      expect(reads).toBe(30);

      await request(guarded.app).get(link.path).set('X-Forwarded-For', '198.51.100.4').expect(200);
    } finally {
      await guarded.close();
    }
  });

  it('when a client opens real links, then they never count against it', async () => {
    const { customer } = await pageStates.topupOnly(h);
    const links = [];
    for (let i = 0; i < 35; i++) links.push(await mintLink(h.app, customer));
    for (const link of links) await request(h.app).get(link.path).set('X-Forwarded-For', '192.0.2.200').expect(200);
  });
});

