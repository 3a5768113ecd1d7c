import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SignalSender } from '../app/ports';
import type { AttemptResult } from '../domain/signalDelivery';

/**
 * The one place signals leave the service: a POST of the recorded body to APP_WEBHOOK_URL, signed as
 * Stripe signs its webhooks, so an app verifies it with code it already knows (client/src/verifySignal.ts).
 */

export const SIGNATURE_HEADER = 'X-Credits-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, one v1 per secret while secrets are rotated. */
export function signatureHeader(body: string, secrets: readonly string[], at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const signatures = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
  return [`t=${t}`, ...signatures].join(',');
}

/**
 * Any 2xx is delivered; anything else (another status, a refused connection, no answer within
 * `timeoutMs`) is a failed attempt, retried later. Redirects are not followed: a signed body goes where configured only.
 */
export function httpSignalSender(input: { url: string; secrets: readonly string[]; timeoutMs: number }): SignalSender {
  const url = new URL(input.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return {
    send: (signal, at) =>
      new Promise<AttemptResult>((resolve) => {
        // A whole attempt, answer included, gets timeoutMs: a receiver that trickles bytes cannot hold a signal's queue.
        const timer = setTimeout(() => req.destroy(new Error(`no answer within ${input.timeoutMs} ms`)), input.timeoutMs);
        const done = (result: AttemptResult): void => {
          clearTimeout(timer);
          resolve(result);
        };
        const req = request(
          url,
          {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(signal.body),
              'User-Agent': 'credits-adapter-signals/1',
              [SIGNATURE_HEADER]: signatureHeader(signal.body, input.secrets, at),
            },
          },
          (res) => {
            res.resume();
            const status = res.statusCode ?? 0;
            res.on('end', () => done(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, error: `answered ${status}` }));
            res.on('error', (error) => done({ ok: false, error: error.message }));
          },
        );
        req.on('error', (error) => done({ ok: false, error: error.message }));
        req.end(signal.body);
      }),
  };
}
