import request from 'supertest';
import type { Express } from 'express';
import { asApp } from './harness';

export interface MintedLink {
  url: string;
  /** The URL's path, to drive the in-process app with supertest. */
  path: string;
  token: string;
  expiresAt: string;
}

/** The app's backend minting a link, as an app would: POST /v1/customers/:customer/billing-sessions. */
export async function mintLink(app: Express, customer: string, body: object = {}): Promise<MintedLink> {
  const res = await request(app).post(`/v1/customers/${customer}/billing-sessions`).set(asApp).send(body);
  if (res.status !== 201) throw new Error(`minting a link answered ${res.status}: ${res.text}`);
  const url = new URL(res.body.url);
  return { url: res.body.url, path: url.pathname, token: url.pathname.split('/').pop() ?? '', expiresAt: res.body.expiresAt };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", rarr: '→', larr: '←', ndash: '–', rsquo: '’', middot: '·' };

/** The page's text as a reader sees it: no markup, no style or script, entities decoded, whitespace collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#?\w+);/g, (whole, name: string) => ENTITIES[name] ?? whole)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The form token the page's forms carry (only the rendered page holds it). */
export function formTokenIn(html: string): string {
  const match = /name="formToken" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('the page has no form token');
  return match[1];
}

/** A browser submitting one of the page's forms from the page itself. */
export function submitForm(app: Express, path: string, fields: Record<string, string>, headers: Record<string, string> = { 'Sec-Fetch-Site': 'same-origin' }): request.Test {
  let req = request(app).post(path).type('form');
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req.send(fields);
}
