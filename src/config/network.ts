import { isIP } from 'node:net';
import { z } from 'zod';
import { rule } from './issues';

const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/** HOST: an IP address (`0.0.0.0`, `::`, `127.0.0.1`) or a host name the machine resolves to one of its own. */
export function hostName() {
  const host = rule('an IP address (e.g. 0.0.0.0 or 127.0.0.1) or a host name');
  return z.string(host).refine((text) => isIP(text) !== 0 || HOST_NAME.test(text), host);
}

/** An origin exactly as a browser sends it: scheme, host and port only. */
function asOrigin(text: string): string | null {
  if (!/^https?:\/\//i.test(text) || !URL.canParse(text)) return null;
  const url = new URL(text);
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  return bare && !text.includes('*') ? url.origin : null;
}

/** ALLOWED_RETURN_ORIGINS: exact origins, separated by spaces or commas, normalised as browsers write them. */
export function originList() {
  const origins = rule('origins such as https://app.example.com (scheme, host and optional port; no path or wildcard), separated by spaces or commas');
  return z
    .string(origins)
    .transform((text) => text.split(/[\s,]+/).filter((entry) => entry !== ''))
    .refine((list) => list.length > 0 && list.every((entry) => asOrigin(entry) !== null), origins)
    .transform((list) => [...new Set(list.map((entry) => asOrigin(entry) ?? entry))]);
}

/** Express's `trust proxy`: false (the socket's address is the client), a number of proxy hops, or the proxies' addresses. */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function proxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** TRUST_PROXY: `0`, a hop count 1–10, or addresses/CIDRs and `loopback`, `linklocal`, `uniquelocal`, comma-separated. */
export function trustProxy() {
  const proxies = rule('0, a number of proxies from 1 to 10, or proxy addresses (10.0.0.0/8, loopback…), comma-separated');
  return z.string(proxies).transform((text, ctx): TrustProxy => {
    if (/^\d+$/.test(text) && Number(text) <= 10) return Number(text) === 0 ? false : Number(text);
    const list = text.split(',').map((entry) => entry.trim());
    if (list.every(proxyAddress)) return list;
    ctx.addIssue({ code: 'custom', input: text, message: proxies.error({ input: text }) });
    return z.NEVER;
  });
}
