import { FixedWindowLimiter, MAX_KEYS, clientKey } from '../../src/http/billingPage/rateLimit';

describe('requests per billing link', () => {
  let now = 0;
  const limiter = () => new FixedWindowLimiter({ requests: 3, windowMs: 60_000 }, () => now);
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

  it('when more distinct links than it remembers arrive within one window, then memory stays bounded and the newest are still counted', () => {
    const limit = new FixedWindowLimiter({ requests: 1, windowMs: 60_000 }, () => now, 100);
    for (let i = 0; i < 1000; i++) limit.take(`guess-${i}`);

    expect(limit.size).toBe(100);
    expect(limit.take('guess-999').allowed).toBe(false);
  });

  it('when the default limiter sees a flood of distinct keys, then it keeps at most MAX_KEYS of them', () => {
    const limit = new FixedWindowLimiter({ requests: 60, windowMs: 60_000 }, () => now);
    for (let i = 0; i < MAX_KEYS + 5000; i++) limit.take(`k${i}`);

    expect(limit.size).toBe(MAX_KEYS);
  });

  it('when a key is peeked at, then it says whether one more would pass and counts nothing', () => {
    const limit = limiter();
    for (let i = 0; i < 2; i++) limit.take('a');
    for (let i = 0; i < 10; i++) expect(limit.peek('a').allowed).toBe(true);

    expect(limit.take('a').allowed).toBe(true);
    expect(limit.peek('a')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(limit.peek('never-seen')).toEqual({ allowed: true });
  });
});

describe('who a client is, for counting', () => {
  it.each([
    ['an IPv4 address', '203.0.113.7', '203.0.113.7'],
    ['an IPv4 address mapped into IPv6', '::ffff:203.0.113.7', '203.0.113.7'],
    ['an IPv6 address', '2001:db8:0:1:aaaa:bbbb:cccc:dddd', '2001:db8:0:1::/64'],
    ['another IPv6 address of the same /64', '2001:0db8:0000:0001::1', '2001:db8:0:1::/64'],
    ['the IPv6 loopback', '::1', '0:0:0:0::/64'],
    ['no address (the socket is gone)', undefined, 'unknown'],
  ])('when the client is %s, then it counts as %s', (_case, address, key) => {
    expect(clientKey(address)).toBe(key);
  });
});

