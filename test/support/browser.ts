import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's Chromium: playwright-core drives it and never downloads a browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 15 * 60_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-4000) };
}

function onPath(command: string): boolean {
  return run('sh', ['-c', `command -v ${command}`]).ok;
}

/**
 * Makes sure Chromium (and openssl, for the Stripe stand-in's certificate) are installed, installing Debian's
 * packages when one is missing and this process may (root, or passwordless sudo). The browser tests never skip:
 * without a browser they fail, saying how to fix it.
 */
export function ensureChromium(): string {
  const missing = [existsSync(CHROMIUM) ? null : 'chromium', onPath('openssl') ? null : 'openssl'].filter((p): p is string => p !== null);
  if (missing.length === 0) return CHROMIUM;
  // Without recommends a bare image would have no font at all: pages would render as empty boxes.
  if (missing.includes('chromium')) missing.push('fonts-liberation');
  const asRoot = process.getuid?.() === 0;
  const apt = (args: string[]) => (asRoot ? run('apt-get', args) : run('sudo', ['-n', 'apt-get', ...args]));
  process.stderr.write(`\nbrowser tests: installing Debian's ${missing.join(' and ')} (apt-get install -y ${missing.join(' ')})\n`);
  let install = apt(['install', '-y', '--no-install-recommends', ...missing]);
  if (!install.ok) {
    // A fresh container has no package lists yet.
    apt(['update']);
    install = apt(['install', '-y', '--no-install-recommends', ...missing]);
  }
  if (!install.ok || !existsSync(CHROMIUM) || !onPath('openssl')) {
    throw new Error(`The browser tests need Chromium at ${CHROMIUM} and openssl, and could not install them (run as root, or: sudo apt-get install -y chromium fonts-liberation openssl):\n${install.output}`);
  }
  return CHROMIUM;
}

export interface StripeStandIn {
  port: number;
  /** Every URL the browser opened on Stripe's hosts. */
  visited: string[];
  close(): Promise<void>;
}

/**
 * Stripe's hosted pages, answered locally over HTTPS with a throwaway certificate. The browser resolves Stripe's
 * two hosts to it (see openBrowser), so it follows the page's real 303 to the real URL Stripe returned, under the
 * page's real CSP, and nothing leaves the machine.
 */
export async function startStripeStandIn(page: (url: string) => string): Promise<StripeStandIn> {
  const dir = mkdtempSync(join(tmpdir(), 'stripe-stand-in-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  const made = run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=stripe-stand-in', '-keyout', key, '-out', cert]);
  if (!made.ok) throw new Error(`openssl could not make the stand-in's certificate:\n${made.output}`);
  const visited: string[] = [];
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const url = `https://${req.headers.host ?? ''}${req.url ?? '/'}`;
    visited.push(url);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page(url));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the stand-in has no port');
  return {
    port: address.port,
    visited,
    close: () => {
      rmSync(dir, { recursive: true, force: true });
      server.closeAllConnections();
      return new Promise((closed) => server.close(() => closed()));
    },
  };
}

export interface BrowserSession {
  context: BrowserContext;
  /** Content-Security-Policy violations the browser reported, on any page. */
  cspViolations: string[];
  close(): Promise<void>;
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * A browser with a fresh profile whose only reachable hosts are loopback and Stripe's hosted pages, which resolve to
 * the stand-in; every other name fails to resolve, so nothing can reach the internet.
 */
export async function openBrowser(options: {
  executablePath: string;
  viewport: { width: number; height: number };
  isMobile?: boolean;
  stripeStandInPort: number;
}): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'billing-page-chromium-'));
  const standIn = `127.0.0.1:${options.stripeStandInPort}`;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: options.executablePath,
    headless: true,
    args: [
      ...FLAGS,
      `--host-resolver-rules=MAP checkout.stripe.com:443 ${standIn}, MAP billing.stripe.com:443 ${standIn}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`,
      // The stand-in's certificate is self-signed; only Stripe's two names lead to it.
      '--ignore-certificate-errors',
    ],
    ignoreHTTPSErrors: true,
    viewport: options.viewport,
    isMobile: options.isMobile ?? false,
    hasTouch: options.isMobile ?? false,
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const cspViolations: string[] = [];
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content[ -]Security[ -]Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return {
    context,
    cspViolations,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page. Evaluated through the DevTools protocol, which the page's CSP does not govern:
 * the page under test keeps its real policy, and no test-only script is allowed into it.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  // A string, because the test project has no DOM types: the page's own globals are axe and document.
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
