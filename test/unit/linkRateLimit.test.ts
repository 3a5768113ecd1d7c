import { LinkRateLimiter } from '../../src/http/billingPage/rateLimit';

describe('requests per billing link', () => {
  let now = 0;
  const limiter = () => new LinkRateLimiter({ requests: 3, windowMs: 60_000 }, () => now);
  beforeEach(() => {
    now = 1_000;
  });

  it('when a link makes more requests than the window allows, then the next one waits for the window to end', () => {
    const limit = limiter();
    expect([limit.take('a'), limit.take('a'), limit.take('a')].every((r) => r.allowed)).toBe(true);

    now += 15_000;
    expect(limit.take('a')).toEqual({ allowed: false, retryAfterSeconds: 45 });

    now += 45_000;
    expect(limit.take('a')).toEqual({ allowed: true });
  });

  it('when one link is over its limit, then another link is not', () => {
    const limit = limiter();
    for (let i = 0; i < 4; i++) limit.take('a');

    expect(limit.take('a').allowed).toBe(false);
    expect(limit.take('b').allowed).toBe(true);
  });
});
