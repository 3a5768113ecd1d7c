import request from 'supertest';
import type { Catalog } from '../../src/domain/catalog';
import { pageStates, paidTopup } from '../fixtures/billingStates';
import type { PageStateName } from '../fixtures/billingStates';
import { deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';
import { mintLink, visibleText } from '../support/billingPage';
import { asApp, startHarness, testCatalog } from '../support/harness';
import type { Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { BILLING_BRAND_NAME: 'Acme Studio' } });
});
afterAll(() => h.close());

async function pageText(state: PageStateName, headers: Record<string, string> = {}): Promise<string> {
  const { customer } = await pageStates[state](h);
  const link = await mintLink(h.app, customer, { returnUrl: 'https://app.example/account' });
  const res = await request(h.app).get(link.path).set(headers).expect(200);
  return visibleText(res.text);
}

/** Each phrase appears, in this order. */
function expectInOrder(text: string, phrases: string[]): void {
  let from = 0;
  for (const phrase of phrases) {
    const at = text.indexOf(phrase, from);
    if (at < 0) throw new Error(`"${phrase}" not found after position ${from} in:\n${text}`);
    from = at + phrase.length;
  }
}

describe('each state of the page', () => {
  it('when a monthly plan is active, then the page shows the credits, this month’s reset, the plan and its renewal', async () => {
    const text = await pageText('activeMonthly');

    expectInOrder(text, [
      'Acme Studio',
      'Back to Acme Studio',
      'Billing and subscription',
      'Credits available 3,500 credits',
      'This month’s plan credits 3,500 of 5,000 Resets to 5,000 on Apr 10, 2026',
      'Your plan Pro Active Billing Monthly Renews Apr 10, 2026 Brings 5,000 credits a month',
      'Manage subscription or upgrade',
      'Buy credits Top-up credits never expire. 1,000 credits $20.00 Quantity Buy credits 5,000 credits $20.00',
      'Recent activity Used · Video render Mar 20, 2026 −1,500 credits Monthly credits for Mar 2026 Mar 10, 2026 +5,000 credits',
      'This secure link expires Mar 20, 2026, 1:00 PM UTC',
    ]);
    expect(text).not.toContain('Current term');
    expect(text).not.toContain('out of credits');
    expect(text).not.toContain('running low');
  });

  it('when a quarterly plan is in its second month, then the next monthly credits and the term’s renewal are both shown', async () => {
    expectInOrder(await pageText('quarterlyMidTerm'), [
      'Credits available 4,200 credits',
      'Resets to 5,000 on May 1, 2026',
      'Billing Quarterly',
      'Current term Mar 1, 2026 – Jun 1, 2026',
      'Next monthly credits May 1, 2026 +5,000 credits',
      'Term renews Jun 1, 2026 Brings 5,000 credits a month',
    ]);
  });

  it('when an annual plan runs, then its year and the next month’s credits are shown', async () => {
    expectInOrder(await pageText('annual'), [
      'Credits available 5,000 credits',
      'Billing Annual',
      'Current term Jan 31, 2026 – Jan 31, 2027',
      'Next monthly credits Feb 28, 2026 +5,000 credits',
      'Term renews Jan 31, 2027',
    ]);
  });

  it('when the subscription is trialing, then the trial’s credits and what the plan brings after it are shown', async () => {
    expectInOrder(await pageText('trialing'), [
      'Credits available 100 credits',
      'Trial credits 100 of 100 Resets to 5,000 on Mar 15, 2026',
      'Pro Trial',
      'Trial ends Mar 15, 2026 Then 5,000 credits a month',
      'Trial credits Mar 1, 2026 +100 credits',
    ]);
  });

  it('when the plan is canceled at period end, then it says when it ends and that it will not renew', async () => {
    const text = await pageText('canceledAtPeriodEnd');

    expectInOrder(text, ['Pro Active, ends Feb 28, 2027', 'Current term Nov 30, 2026 – Feb 28, 2027', 'Next monthly credits Jan 30, 2027 +5,000 credits', 'Ends Feb 28, 2027 It will not renew']);
    expect(text).not.toContain('Term renews');
  });

  it('when there is no subscription and only top-up credits, then those are shown apart and no plan is claimed', async () => {
    const text = await pageText('topupOnly');

    expectInOrder(text, ['Credits available 2,000 credits', 'Top-up credits 2,000 Never expire', 'Your plan No subscription. You are using top-up credits only.', 'Manage billing', 'Top-up Mar 10, 2026 +2,000 credits']);
    expect(text).not.toContain('plan credits');
  });

  it('when the customer is out of credits, then the three ways out come in order: when credits come back, top-ups, the upgrade', async () => {
    expectInOrder(await pageText('outOfCredits'), [
      'Credits available 0 credits',
      'You are out of credits',
      'Wait for your next credits 5,000 credits arrive on Apr 10, 2026',
      'Buy a top-up 1,000 credits for $20.00 or 5,000 credits for $20.00. Buy credits',
      'Upgrade your plan Max: 20,000 credits a month. Upgrade',
      'Your plan',
    ]);
  });

  it('when the customer is under 10 percent of the month, then the page says running low with the same ways out', async () => {
    expectInOrder(await pageText('runningLow'), ['Credits available 300 credits', 'You are running low on credits', 'Wait for your next credits', 'Buy a top-up', 'Upgrade your plan']);
  });

  it('when the browser prefers German, then numbers and dates are German', async () => {
    expectInOrder(await pageText('activeMonthly', { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' }), ['Credits available 3.500 credits', 'Resets to 5.000 on 10.04.2026']);
  });
});

describe('the ways out, for assistive technology', () => {
  it('when the ways out are shown, then they are an ordered list a screen reader announces as such', async () => {
    const { customer } = await pageStates.outOfCredits(h);
    const html = (await request(h.app).get((await mintLink(h.app, customer)).path)).text;
    expect(html).toMatch(/<ol class="ways">\s*<li><strong>Wait for your next credits/);
  });
});

describe('back from Checkout', () => {
  it('when the customer returns before the webhook, then the page says the credits arrive in a moment, and once it lands it shows them', async () => {
    const { customer, now } = await pageStates.outOfCredits(h);
    const link = await mintLink(h.app, customer);
    const session = stripeId('cs_test');

    const before = await request(h.app).get(`${link.path}?paid=${session}`).expect(200);
    expect(visibleText(before.text)).toContain('Payment received. Your credits arrive in a moment. Refresh');
    expect(before.text).toContain('data-awaiting-credits');

    await paidTopup(h.app, { customer, session, quantity: 2, at: now });
    const after = visibleText((await request(h.app).get(`${link.path}?paid=${session}`).expect(200)).text);
    expectInOrder(after, ['Payment received: 2,000 credits added.', 'Credits available 2,000 credits']);
  });

  it('when Checkout was canceled, then the page says nothing was charged', async () => {
    const { customer } = await pageStates.activeMonthly(h);
    const text = visibleText((await request(h.app).get(`${(await mintLink(h.app, customer)).path}?canceled=1`)).text);
    expect(text).toContain('Checkout was canceled. Nothing was charged.');
  });
});

describe('activity', () => {
  it('when there are more than 20 entries, then the page shows the last 20 and links to all of them, page by page', async () => {
    const { customer } = await pageStates.topupOnly(h);
    for (let i = 1; i <= 55; i++) {
      await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 1, idempotencyKey: `d${i}`, reason: `job ${i}` }).expect(201);
    }
    const link = await mintLink(h.app, customer);

    const page = (await request(h.app).get(link.path).expect(200)).text;
    expect(page.match(/<li>\s*<span class="what">/g)).toHaveLength(20);
    expect(visibleText(page)).toContain('Used · job 55');
    expect(visibleText(page)).not.toContain('job 35 ');
    expect(page).toContain(`href="${link.path}/activity"`);

    const first = (await request(h.app).get(`${link.path}/activity`).expect(200)).text;
    expect(first.match(/<li>\s*<span class="what">/g)).toHaveLength(50);
    const older = /href="([^"]+\/activity\?cursor=[^"]+)"/.exec(first)?.[1];
    expect(older).toBeDefined();
    const second = visibleText((await request(h.app).get(older ?? '').expect(200)).text);
    expectInOrder(second, ['Used · job 5 ', 'Used · job 1 ', 'Top-up']);
    expect(second).not.toContain('Older entries');

    await request(h.app).get(`${link.path}/activity?cursor=forged`).expect(400);
  });
});

describe('escaping', () => {
  const hostile = '<img src=x onerror=alert(1)>';
  const hostileCatalog: Catalog = {
    ...testCatalog,
    plans: [{ id: `pro${hostile}`, monthlyCredits: 5000, trialCredits: 0, prices: [{ price: 'price_evil_m', months: 1 }] }],
    topups: [{ price: `price_"><script>alert(2)</script>`, credits: 1000 }],
  };

  it('when the catalog, the brand, a debit’s reason and metadata and the return URL hold markup, then every one is printed as text', async () => {
    const evil = await startHarness({ catalog: hostileCatalog, env: { BILLING_BRAND_NAME: '<b onclick=alert(3)>Acme</b>' } });
    try {
      const customer = stripeId('cus');
      evil.clock.set(new Date('2026-03-10T00:00:00Z'));
      await deliverOk(evil.app, invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_evil_m', periodStart: '2026-03-10T00:00:00Z', periodEnd: '2026-04-10T00:00:00Z' }));
      await request(evil.app)
        .post(`/v1/customers/${customer}/debits`)
        .set(asApp)
        .send({ amount: 5000, idempotencyKey: 'evil', reason: '</span><script>alert(4)</script>', metadata: { note: '"><svg onload=alert(5)>' } })
        .expect(201);
      const link = await mintLink(evil.app, customer, { returnUrl: 'https://app.example/?next="><script>alert(6)</script>' });

      const html = (await request(evil.app).get(link.path).expect(200)).text;

      // The page's own script is its only script element, and no attribute handler was injected.
      expect(html.match(/<script/g)).toHaveLength(1);
      expect(html).not.toMatch(/<(img|svg|b)\b/);
      expect(html).toContain('Pro&lt;img src=x onerror=alert(1)&gt;');
      expect(html).toContain('&lt;b onclick=alert(3)&gt;Acme&lt;/b&gt;');
      expect(html).toContain('&lt;/span&gt;&lt;script&gt;alert(4)&lt;/script&gt;');
      expect(html).toContain('value="price_&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"');
      expect(html).toContain('href="https://app.example/?next=&quot;&gt;&lt;script&gt;alert(6)&lt;/script&gt;"');
    } finally {
      await evil.close();
    }
  });
});
