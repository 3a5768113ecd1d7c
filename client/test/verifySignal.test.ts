import { SignalVerificationError, verifySignal } from '../src';
import { signatureHeader } from '../../src/signals/sender';

const body = JSON.stringify({ id: 'cus_1:signal:1', type: 'credits.exhausted', createdAt: '2026-03-10T12:00:00.000Z', customer: 'cus_1', data: { balance: 0, available: 0, held: 0 } });
const at = new Date('2026-03-10T12:00:00Z');

describe('verifySignal', () => {
  it('when the body is signed by the service with the secret, then it answers the signal', () => {
    const header = signatureHeader(body, ['s_new'], at);
    expect(verifySignal(body, header, 's_new', { now: at })).toMatchObject({ id: 'cus_1:signal:1', type: 'credits.exhausted' });
    expect(verifySignal(Buffer.from(body), header, ['s_other', 's_new'], { now: at }).customer).toBe('cus_1');
  });

  it('when secrets are being rotated, then the app verifies with either the old or the new one', () => {
    const header = signatureHeader(body, ['s_new', 's_old'], at);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifySignal(body, header, 's_old', { now: at }).id).toBe('cus_1:signal:1');
    expect(verifySignal(body, header, 's_new', { now: at }).id).toBe('cus_1:signal:1');
  });

  it.each([
    ['the secret is wrong', () => verifySignal(body, signatureHeader(body, ['s_new'], at), 's_wrong', { now: at })],
    ['the body was changed', () => verifySignal(body.replace('"balance":0', '"balance":9'), signatureHeader(body, ['s_new'], at), 's_new', { now: at })],
    ['the signature is older than the tolerance', () => verifySignal(body, signatureHeader(body, ['s_new'], at), 's_new', { now: new Date(at.getTime() + 301_000) })],
    ['there is no header', () => verifySignal(body, undefined, 's_new', { now: at })],
    ['the header is not t=…,v1=…', () => verifySignal(body, 'sha256=abc', 's_new', { now: at })],
  ])('when %s, then it throws SignalVerificationError', (_case, verify) => {
    expect(verify).toThrow(SignalVerificationError);
  });
});
