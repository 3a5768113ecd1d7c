import request from 'supertest';
import { pageStates } from '../fixtures/billingStates';
import { startFakeStripeServer } from '../support/fakeStripeServer';
import type { FakeStripeServer } from '../support/fakeStripeServer';
import { asApp, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/** Issue 22 item 3: where the billing page's "Back" link and Stripe's redirects may send a customer. */

let app: Harness;
let local: Harness;
let fake: FakeStripeServer;
beforeAll(async () => {
  fake = await startFakeStripeServer();
  [app, local] = await Promise.all([
    startHarness({ env: { STRIPE_API_URL: fake.url, ALLOWED_RETURN_ORIGINS: 'https://app.example, https://admin.app.example:8443' } }),
    // No ALLOWED_RETURN_ORIGINS: development's default, any localhost origin.
    startHarness({ env: { STRIPE_API_URL: fake.url, ALLOWED_RETURN_ORIGINS: '' } }),
  ]);
  fake.answer((req) =>
    req.path === '/v1/billing_portal/sessions'
      ? { status: 200, body: { id: 'bps_fake', object: 'billing_portal.session', url: 'https://billing.stripe.com/p/session/fake' } }
      : { status: 200, body: { id: 'cs_test_fake', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_test_fake' } },
  );
});
afterAll(async () => {
  await Promise.all([app.close(), local.close(), fake.close()]);
});
beforeEach(() => {
  fake.requests.length = 0;
});

interface Field {
  name: string;
  field: 'returnUrl' | 'successUrl' | 'cancelUrl';
  send(h: Harness, url: string): Promise<request.Response>;
}

/** A URL each deployment accepts, for the field not under test. */
const fine = (h: Harness) => (h === local ? 'http://localhost:5173/fine' : 'https://app.example/fine');

/** Every field of the API that names a URL the customer is sent to. */
const FIELDS: Field[] = [
  {
    name: 'a billing link’s returnUrl',
    field: 'returnUrl',
    send: async (h, url) => request(h.app).post(`/v1/customers/${(await pageStates.topupOnly(h)).customer}/billing-sessions`).set(asApp).send({ returnUrl: url }),
  },
  { name: 'a subscription checkout’s successUrl', field: 'successUrl', send: (h, url) => request(h.app).post('/v1/checkout/subscription').set(asApp).send({ price: 'price_pro_m', successUrl: url, cancelUrl: fine(h) }) },
  { name: 'a subscription checkout’s cancelUrl', field: 'cancelUrl', send: (h, url) => request(h.app).post('/v1/checkout/subscription').set(asApp).send({ price: 'price_pro_m', successUrl: fine(h), cancelUrl: url }) },
  { name: 'a top-up checkout’s successUrl', field: 'successUrl', send: (h, url) => request(h.app).post('/v1/customers/cus_back1/checkout/topup').set(asApp).send({ price: 'price_topup_1k', successUrl: url, cancelUrl: fine(h) }) },
  { name: 'a top-up checkout’s cancelUrl', field: 'cancelUrl', send: (h, url) => request(h.app).post('/v1/customers/cus_back1/checkout/topup').set(asApp).send({ price: 'price_topup_1k', successUrl: fine(h), cancelUrl: url }) },
  { name: 'the portal’s returnUrl', field: 'returnUrl', send: (h, url) => request(h.app).post('/v1/customers/cus_back1/portal').set(asApp).send({ returnUrl: url }) },
];

const REFUSED: Array<[string, string, RegExp]> = [
  ['the allowed host as a user-info part before another host', 'https://app.example@evil.example/account', /user-info/],
  ['a user and password on the allowed host', 'https://user:secret@app.example/account', /user-info/],
  ['another origin', 'https://evil.example/account', /ALLOWED_RETURN_ORIGINS, not https:\/\/evil\.example/],
  ['a look-alike subdomain of the attacker', 'https://app.example.evil.example/', /not https:\/\/app\.example\.evil\.example/],
  ['the allowed host over plain http', 'http://app.example/account', /not http:\/\/app\.example/],
  ['the allowed host on another port', 'https://admin.app.example/', /not https:\/\/admin\.app\.example/],
  ['javascript:', 'javascript:alert(document.cookie)', /absolute http\(s\) URL/],
  ['a relative URL', '/account', /absolute http\(s\) URL/],
];

describe.each(FIELDS)('$name', ({ field, send }) => {
  it.each(REFUSED)('when it is %s, then 400 names the field and nothing reaches Stripe', async (_case, url, why) => {
    const res = await send(app, url);

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request', field });
    expect(res.body.error.message).toMatch(new RegExp(`^${field}: `));
    expect(res.body.error.message).toMatch(why);
    expect(fake.requests.filter((r) => !r.path.startsWith('/v1/prices/'))).toEqual([]);
  });

  it('when it leads to an allowed origin (the port included), then it is accepted', async () => {
    expect((await send(app, 'https://app.example/account?tab=billing')).status).toBeLessThan(300);
    expect((await send(app, 'https://ADMIN.app.example:8443/billing')).status).toBeLessThan(300);
  });

  it('when no origins are configured (development), then any localhost origin is accepted and nothing else', async () => {
    const localUrls = ['http://localhost:5173/account', 'http://127.0.0.1:8080/', 'http://[::1]:3001/x', 'https://localhost/'];
    const answers = [];
    for (const url of localUrls) answers.push({ url, accepted: (await send(local, url)).status < 300 });
    expect(answers).toEqual(localUrls.map((url) => ({ url, accepted: true })));
    const elsewhere = await send(local, 'https://app.example/account');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.message).toBe(`${field}: must lead to a localhost origin (set ALLOWED_RETURN_ORIGINS to allow others), not https://app.example`);
    expect((await send(local, 'http://localhost.evil.example/')).status).toBe(400);
  });
});
