/**
 * The billing page in a real browser (Debian's Chromium driven by playwright-core): what a customer sees and
 * does, at desktop width and on a 360 px phone, with the page's real CSP in force, and axe-core on each state.
 * Screenshots of every state land in .artifacts/screenshots (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { freePort } from '../../src/peers/freePort';
import { createStripeClient } from '../../src/stripe/client';
import { pageStates, paidTopup } from '../fixtures/billingStates';
import type { PageStateName } from '../fixtures/billingStates';
import { stripeId } from '../fixtures/stripe';
import { ensureChromium, openBrowser, seriousAccessibilityViolations, startStripeStandIn } from '../support/browser';
import type { BrowserSession, StripeStandIn } from '../support/browser';
import { mintLink } from '../support/billingPage';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { stripeMockUrl } from '../setup/peers';

const SCREENSHOTS = resolve(__dirname, '..', '..', '.artifacts', 'screenshots');
const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 }, isMobile: false },
  phone: { viewport: { width: 360, height: 740 }, isMobile: true },
} as const;
type ViewportName = keyof typeof VIEWPORTS;

let h: Harness;
let server: Server;
let origin: string;
let chromiumPath: string;
let stripe: StripeStandIn;
const browsers = {} as Record<ViewportName, BrowserSession>;

/** What stripe-mock hands back as a Checkout URL: the page must send the customer exactly there. */
let stripeMockCheckoutUrl: string;

beforeAll(async () => {
  chromiumPath = ensureChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  h = await startHarness({ env: { PUBLIC_URL: origin, BILLING_BRAND_NAME: 'Acme Studio' } });
  server = await new Promise<Server>((listening) => {
    const s = h.app.listen(port, '127.0.0.1', () => listening(s));
  });
  const probe = await createStripeClient({ secretKey: 'sk_test_probe', apiUrl: stripeMockUrl() }).checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: 'price_topup_1k', quantity: 1 }],
    success_url: `${origin}/done`,
  });
  stripeMockCheckoutUrl = probe.url ?? '';
  stripe = await startStripeStandIn(() => '<!doctype html><html lang="en"><title>Stripe Checkout</title><h1>Stripe Checkout (test stand-in)</h1></html>');
  for (const name of ['desktop', 'phone'] as const) {
    browsers[name] = await openBrowser({ executablePath: chromiumPath, ...VIEWPORTS[name], stripeStandInPort: stripe.port });
  }
}, 15 * 60_000);

afterAll(async () => {
  await Promise.all(Object.values(browsers).map((b) => b.close()));
  await stripe?.close();
  await new Promise<void>((closed) => (server ? server.close(() => closed()) : closed()));
  await h?.close();
});

afterEach(() => {
  for (const browser of Object.values(browsers)) {
    expect(browser.cspViolations).toEqual([]);
    browser.cspViolations.length = 0;
  }
});

async function open(viewport: ViewportName, url: string): Promise<Page> {
  const page = await browsers[viewport].context.newPage();
  await page.goto(url);
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** What a user reads in a region of the page, whitespace collapsed. */
async function readRegion(page: Page, name: string): Promise<string> {
  return (await page.getByRole('region', { name }).innerText()).replace(/\s+/g, ' ').trim();
}

/** The page's own width: at 360 px nothing may stick out sideways. */
async function expectFitsWidth(page: Page, width: number): Promise<void> {
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(width);
}

async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** What the focused element says: its text, or for a field its name. */
async function focused(page: Page): Promise<string> {
  return String(await page.evaluate("(document.activeElement?.textContent ?? '').trim() || (document.activeElement?.getAttribute('name') ?? '')"));
}

describe.each(['desktop', 'phone'] as const)('on a %s', (viewport) => {
  it('when a customer out of credits buys a top-up, then Checkout opens, and back on the page the new balance shows once Stripe’s event lands', async () => {
    const { customer, now } = await pageStates.outOfCredits(h);
    const link = await mintLink(h.app, customer, { returnUrl: 'https://app.example/account' });
    const page = await open(viewport, link.url);

    expect(await readRegion(page, 'Credits available')).toContain('0 credits');
    expect(await readRegion(page, 'Your plan')).toContain('Renews Apr 10, 2026');
    const ways = page.getByRole('region', { name: 'You are out of credits' });
    expect((await ways.getByRole('listitem').allInnerTexts()).map((t) => t.split('\n')[0])).toEqual(['Wait for your next credits', 'Buy a top-up', 'Upgrade your plan']);
    if (viewport === 'phone') await expectFitsWidth(page, 360);

    const offer = page.getByRole('listitem').filter({ hasText: '1,000 credits' }).filter({ has: page.getByRole('spinbutton') });
    await offer.getByLabel('Quantity').fill('2');
    await offer.locator('output', { hasText: 'Total $40.00' }).waitFor();
    await Promise.all([page.waitForURL(/checkout\.stripe\.com/), offer.getByRole('button', { name: 'Buy credits' }).click()]);
    expect(page.url()).toBe(stripeMockCheckoutUrl);
    expect(stripe.visited).toContain(stripeMockCheckoutUrl);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Stripe Checkout (test stand-in)');

    // Stripe sends the customer back to the success URL with the session id, maybe before its webhook.
    const session = stripeId('cs_test');
    await page.goto(`${link.url}?paid=${session}`);
    const notice = page.getByRole('status').filter({ hasText: 'Payment received' });
    expect(await textOf(notice)).toBe('Payment received. Your credits arrive in a moment. Refresh');
    await screenshot(page, `paid-pending-${viewport}`);

    await paidTopup(h.app, { customer, session, quantity: 2, at: now });
    // The page looks again by itself every two seconds until the credits are there.
    await notice.filter({ hasText: 'Payment received: 2,000 credits added.' }).waitFor({ timeout: 15_000 });
    await page.reload();
    expect(await readRegion(page, 'Credits available')).toContain('2,000 credits');
    expect(await readRegion(page, 'Recent activity')).toMatch(/^Recent activity Top-up .* \+2,000 credits/);
    await screenshot(page, `paid-credited-${viewport}`);
    await page.close();
  }, 60_000);

  it.each(Object.keys(pageStates) as PageStateName[])('when the account is %s, then the page reads right, fits, and has no serious accessibility violation', async (state) => {
    const { customer } = await pageStates[state](h);
    const link = await mintLink(h.app, customer, { returnUrl: 'https://app.example/account' });
    const page = await open(viewport, link.url);

    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Billing and subscription');
    expect(await page.getByRole('link', { name: 'Back to Acme Studio' }).getAttribute('href')).toBe('https://app.example/account');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    if (viewport === 'phone') await expectFitsWidth(page, 360);
    await screenshot(page, `${state}-${viewport}`);
    await page.close();
  }, 60_000);

  it('when the link has expired, then the browser shows a plain page saying so, itself accessible', async () => {
    const { customer } = await pageStates.activeMonthly(h);
    const link = await mintLink(h.app, customer, { ttlSeconds: 60 });
    h.clock.set(new Date(new Date(link.expiresAt).getTime() + 1));
    const page = await open(viewport, link.url);

    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('This billing link has expired');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, `expired-${viewport}`);
    await page.close();
  }, 60_000);
});

describe('with a keyboard', () => {
  it('when a keyboard user tabs in, then the first stop skips to the content and every action is reachable', async () => {
    const { customer } = await pageStates.runningLow(h);
    const page = await open('desktop', (await mintLink(h.app, customer, { returnUrl: 'https://app.example/account' })).url);

    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Skip to content');
    const stops: string[] = [];
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      stops.push(await focused(page));
    }
    expect(stops).toEqual(expect.arrayContaining(['Buy credits', 'Upgrade', 'Manage subscription or upgrade', 'quantity']));
    await page.close();
  }, 60_000);
});
