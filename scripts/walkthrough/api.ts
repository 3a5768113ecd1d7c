/**
 * The walkthrough's view of the service: only its public HTTP API (balance, ledger, debits, the admin
 * clock and sweep) and the webhook route, with events signed by the real secret as Stripe signs them.
 */
import { signedDelivery } from '../../test/fixtures/stripe';
import { CUSTOMER } from './story';

export interface LedgerLine {
  id: string;
  type: string;
  amount: number;
  bucket: string | null;
}

export interface BalanceLine {
  balance: number;
  nextGrant: { at: string; credits: number } | null;
}

export interface WalkApi {
  setClock(iso: string): Promise<void>;
  runDue(): Promise<void>;
  /** Signs and posts a Stripe event; returns the webhook's status (processed, duplicate, ignored, parked). */
  deliver(event: object): Promise<string>;
  balance(): Promise<BalanceLine>;
  /** true when spent, false when refused with 402 insufficient_credits. */
  spend(amount: number, idempotencyKey: string): Promise<boolean>;
  /** Ledger entries written since the last call, oldest first. */
  freshEntries(): Promise<LedgerLine[]>;
  /** The whole ledger, newest first. */
  ledger(): Promise<LedgerLine[]>;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value)) : {};
}

function ledgerLine(value: unknown): LedgerLine {
  const entry = asRecord(value);
  return { id: String(entry.id), type: String(entry.type), amount: Number(entry.amount), bucket: typeof entry.bucket === 'string' ? entry.bucket : null };
}

export function walkApi(input: { base: string; appKey: string; adminKey: string; webhookSecret: string }): WalkApi {
  const request = async (method: string, path: string, options: { body?: unknown; admin?: boolean; allow?: number[] } = {}) => {
    const res = await fetch(`${input.base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${options.admin ? input.adminKey : input.appKey}`, 'Content-Type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const json = asRecord(await res.json());
    if (!res.ok && !(options.allow ?? []).includes(res.status)) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return { status: res.status, json };
  };
  const ledger = async (): Promise<LedgerLine[]> => {
    const { json } = await request('GET', `/v1/customers/${CUSTOMER}/ledger?limit=200`);
    if (json.nextCursor) throw new Error('the walkthrough reads one ledger page: more than 200 entries');
    return (Array.isArray(json.entries) ? json.entries : []).map(ledgerLine);
  };
  const seen = new Set<string>();
  return {
    setClock: async (iso) => {
      await request('PUT', '/v1/admin/clock', { body: { now: iso }, admin: true });
    },
    runDue: async () => {
      await request('POST', '/v1/admin/run-due', { body: {}, admin: true });
    },
    deliver: async (event) => {
      const { body, signature } = signedDelivery(event, { secret: input.webhookSecret });
      const res = await fetch(`${input.base}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
        body,
      });
      const json = asRecord(await res.json());
      if (!res.ok) throw new Error(`webhook → ${res.status} ${JSON.stringify(json)}`);
      return String(json.status);
    },
    balance: async () => {
      const { json } = await request('GET', `/v1/customers/${CUSTOMER}/balance`);
      const next = asRecord(json.nextGrant);
      return {
        balance: Number(json.balance),
        nextGrant: typeof next.at === 'string' ? { at: next.at, credits: Number(next.credits) } : null,
      };
    },
    spend: async (amount, idempotencyKey) => {
      const { status } = await request('POST', `/v1/customers/${CUSTOMER}/debits`, { body: { amount, idempotencyKey }, allow: [402] });
      return status !== 402;
    },
    freshEntries: async () => {
      const fresh = (await ledger()).filter((e) => !seen.has(e.id)).reverse();
      for (const entry of fresh) seen.add(entry.id);
      return fresh;
    },
    ledger,
  };
}
