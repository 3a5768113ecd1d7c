/**
 * The chaos suite's other pure parts: the judge of racing debits, answers during an outage, percentiles,
 * the Stripe signature it computes for raw bodies, and the raw cases' JSON surgery.
 */
import Stripe from 'stripe';
import type { AccountView } from '../../chaos/api';
import type { DebitAnswer } from '../../chaos/debitJudge';
import { judgeDebits } from '../../chaos/debitJudge';
import { answersDuring, readinessWhileDown } from '../../chaos/outage';
import { replaced } from '../../chaos/rawCases';
import { stripeSignature } from '../../chaos/signing';
import { percentile, statusTally } from '../../chaos/stats';

const customer = 'cus_unit';
const receipt = (amount: number, balance: number) => ({ debit: { id: `d${amount}`, amount, createdAt: '2026-01-01T00:00:00.000Z', allocations: [{ bucket: 'b', amount }] }, balance });
const answer = (key: string, amount: number, status: number, json: unknown, retried = false): DebitAnswer => ({ customer, key, amount, status, json, retried });
const final = (balance: number, debits: number[]): AccountView => ({
  customer,
  balance,
  cancelAtPeriodEnd: null,
  entries: debits.map((amount, i) => ({ type: 'debit', amount: -amount, ref: `k${i}`, balanceAfter: balance })),
});

describe('judging racing debits', () => {
  it('when one 201 and its replays answer the same body, and the ledger took exactly that, then all is well', () => {
    const answers = [answer('k0', 30, 201, receipt(30, 70)), answer('k0', 30, 200, receipt(30, 70)), answer('b', 80, 402, { error: { type: 'insufficient_credits', balance: 70 } })];
    const verdict = judgeDebits({ initial: new Map([[customer, 100]]), answers, finals: [final(70, [30])] });
    expect(verdict).toMatchObject({ created: 1, replayed: 1, refused: 1, badReplays: 0, negatives: 0, consumptionMismatches: 0, lostDebits: 0, unacknowledgedDebits: 0, consumed: 30, acknowledged: 30 });
  });

  it('when a replay answers another body than the first, then it is a bad replay', () => {
    const answers = [answer('a', 30, 201, receipt(30, 70)), answer('a', 30, 200, receipt(30, 40))];
    expect(judgeDebits({ initial: new Map([[customer, 100]]), answers, finals: [final(70, [30])] }).badReplays).toBe(1);
  });

  it('when a key reused for another amount is answered 200, then it is a bad replay', () => {
    const answers = [answer('a', 30, 201, receipt(30, 70)), answer('a', 31, 200, receipt(30, 70))];
    expect(judgeDebits({ initial: new Map([[customer, 100]]), answers, finals: [final(70, [30])] }).badReplays).toBe(1);
  });

  it('when the ledger took a debit that no answer acknowledged, then consumption does not match', () => {
    const verdict = judgeDebits({ initial: new Map([[customer, 100]]), answers: [answer('k0', 30, 201, receipt(30, 70))], finals: [final(40, [30, 30])] });
    expect(verdict).toMatchObject({ consumptionMismatches: 1, lostDebits: 0, unacknowledgedDebits: 1 });
  });

  it('when an acknowledged debit is not in the ledger, then it is lost', () => {
    const verdict = judgeDebits({ initial: new Map([[customer, 100]]), answers: [answer('k0', 30, 201, receipt(30, 70)), answer('k1', 5, 201, receipt(5, 65))], finals: [final(70, [30])] });
    expect(verdict).toMatchObject({ consumptionMismatches: 1, lostDebits: 1 });
  });

  it('when a retried request answers 200, then it stands for the 201 whose answer was lost', () => {
    const verdict = judgeDebits({ initial: new Map([[customer, 100]]), answers: [answer('k0', 30, 200, receipt(30, 70), true)], finals: [final(70, [30])] });
    expect(verdict).toMatchObject({ badReplays: 0, consumptionMismatches: 0, acknowledged: 30 });
  });

  it('when an answer shows a negative balance, then it is counted', () => {
    expect(judgeDebits({ initial: new Map([[customer, 10]]), answers: [answer('a', 30, 201, receipt(30, -20))], finals: [final(-20, [30])] }).negatives).toBeGreaterThan(0);
  });
});

describe('answers while the database is down', () => {
  const windows = [{ name: 'frozen', from: 1000, to: 11_000 }];

  it('counts the requests that were waiting during the window, and those over the limit', () => {
    const requests = [
      { kind: 'debit', startedAt: 500, ms: 200, status: 201 }, // done before
      { kind: 'debit', startedAt: 900, ms: 6000, status: 503 }, // waiting across the start
      { kind: 'balance', startedAt: 5000, ms: 1000, status: 503 },
      { kind: 'webhook', startedAt: 10_000, ms: 15_000, status: 0 }, // never answered
    ];
    expect(answersDuring(requests, windows, 5000)).toMatchObject({ requests: 3, maxMs: 15_000, overLimit: 2 });
  });

  it('judges readiness probes sent early enough in the outage, and a probe that hangs is wrong', () => {
    const probes = [
      { kind: 'readyz', startedAt: 1050, ms: 5, status: 200 }, // within the grace period
      { kind: 'readyz', startedAt: 2000, ms: 1500, status: 503 },
      { kind: 'readyz', startedAt: 4000, ms: 9000, status: 200 }, // hung until the database came back
      { kind: 'readyz', startedAt: 10_500, ms: 100, status: 200 }, // too late to judge
    ];
    expect(readinessWhileDown(probes, windows, { limitMs: 2000, graceMs: 100 })).toEqual({ probes: 2, wrong: 1, maxMs: 9000 });
  });
});

describe('figures', () => {
  it('percentiles are nearest-rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 99), percentile(values, 100), percentile([], 99)]).toEqual([50, 99, 100, 0]);
  });

  it('status tallies read in ascending order, no answer as none', () => {
    expect(statusTally([503, 200, 0, 503])).toBe('none×1 200×1 503×2');
  });
});

describe('raw bodies', () => {
  it('are signed exactly as the stripe package signs them', () => {
    const stripe = new Stripe('sk_test_unit');
    const payload = '[[[]]]';
    expect(stripeSignature(payload, { secret: 'whsec_unit', timestamp: 1_800_000_000 })).toBe(
      stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_unit', timestamp: 1_800_000_000 }),
    );
  });

  it('replaced() changes or removes one path of a copy, leaving the original alone', () => {
    const original = { id: 'evt', data: { object: { lines: { data: [{ period: { start: 1 } }] } } } };
    expect(replaced(original, ['data', 'object', 'lines', 'data', '0', 'period', 'start'], 'yesterday')).toEqual({ id: 'evt', data: { object: { lines: { data: [{ period: { start: 'yesterday' } }] } } } });
    expect(replaced(original, ['id'], undefined)).toEqual({ data: original.data });
    expect(original.data.object.lines.data[0]?.period.start).toBe(1);
  });
});
