import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendError } from './errors';

export interface AuthKeys {
  apiKeys: string[];
  adminApiKeys: string[];
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** Compares digests in constant time so a key cannot be guessed byte by byte. */
function contains(keys: Buffer[], candidate: string): boolean {
  const d = digest(candidate);
  let found = false;
  for (const key of keys) found = timingSafeEqual(key, d) || found;
  return found;
}

function bearer(header: string | undefined): string | null {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

/** `/v1` accepts app and admin keys; `/v1/admin` only admin keys (403 for an app key). */
export function requireKey(keys: AuthKeys, level: 'app' | 'admin'): RequestHandler {
  const app = keys.apiKeys.map(digest);
  const admin = keys.adminApiKeys.map(digest);
  return (req, res, next) => {
    const key = bearer(req.header('authorization'));
    if (!key) return sendError(res, 401, 'unauthorized', 'Missing Authorization: Bearer <key>.');
    if (contains(admin, key)) return next();
    if (contains(app, key)) {
      if (level === 'admin') return sendError(res, 403, 'forbidden', 'This key cannot use admin routes.');
      return next();
    }
    return sendError(res, 401, 'unauthorized', 'Unknown API key.');
  };
}
