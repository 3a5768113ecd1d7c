import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadCatalog, parseCatalog } from '../../src/config';
import type { Catalog } from '../../src/domain/catalog';

const repoRoot = resolve(__dirname, '../..');

const pro = {
  id: 'pro',
  monthlyCredits: 5000,
  trialCredits: 100,
  prices: [
    { price: 'price_pro_m', months: 1 },
    { price: 'price_pro_q', months: 3 },
    { price: 'price_pro_y', months: 12 },
  ],
};

/** The catalog of SPEC §2; each test derives its own copy. */
function specCatalog(): Record<string, unknown> {
  return {
    plans: [structuredClone(pro)],
    topups: [{ price: 'price_topup_1k', credits: 1000 }],
    topupExpiry: 'never',
    upgradeCredits: 'on_payment',
  };
}

function withPlan(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...specCatalog(), plans: [{ ...structuredClone(pro), ...changes }] };
}

function catalogError(json: unknown): ConfigError {
  try {
    parseCatalog(json);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected the catalog to be refused');
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'credits-catalog-')), name);
  writeFileSync(path, text);
  return path;
}

describe('parseCatalog', () => {
  it('when given the catalog of the spec, then it is read as written', () => {
    expect(parseCatalog(specCatalog())).toEqual<Catalog>({
      plans: [pro],
      topups: [{ price: 'price_topup_1k', credits: 1000 }],
      topupExpiry: 'never',
      upgradeCredits: 'on_payment',
      lowBalance: { percent: 10 },
    });
  });

  it('when optional settings are left out, then trialCredits is 0, topups empty, topupExpiry never and upgradeCredits on_payment', () => {
    const catalog = parseCatalog({
      plans: [{ id: 'basic', monthlyCredits: 100, prices: [{ price: 'price_basic_m', months: 1 }] }],
    });
    expect(catalog).toEqual<Catalog>({
      plans: [{ id: 'basic', monthlyCredits: 100, trialCredits: 0, prices: [{ price: 'price_basic_m', months: 1 }] }],
      topups: [],
      topupExpiry: 'never',
      upgradeCredits: 'on_payment',
      lowBalance: { percent: 10 },
    });
  });

  it.each<[string, Record<string, unknown>, Partial<Catalog>]>([
    ['topupExpiry "cycle"', { topupExpiry: 'cycle' }, { topupExpiry: 'cycle' }],
    ['topupExpiry { days: 90 }', { topupExpiry: { days: 90 } }, { topupExpiry: { days: 90 } }],
    ['upgradeCredits "immediate"', { upgradeCredits: 'immediate' }, { upgradeCredits: 'immediate' }],
    ['lowBalance { credits: 250 }', { lowBalance: { credits: 250 } }, { lowBalance: { credits: 250 } }],
    ['lowBalance { percent: 20 }', { lowBalance: { percent: 20 } }, { lowBalance: { percent: 20 } }],
    ['no plans but a top-up', { plans: [] }, { plans: [] }],
    ['plans but no top-ups', { topups: [] }, { topups: [] }],
  ])('when the catalog has %s, then it is accepted', (_case, changes, expected) => {
    expect(parseCatalog({ ...specCatalog(), ...changes })).toMatchObject(expected);
  });

  it('when a plan is billed every 120 months, then it is accepted', () => {
    const catalog = parseCatalog(withPlan({ prices: [{ price: 'price_pro_10y', months: 120 }] }));
    expect(catalog.plans[0]?.prices).toEqual([{ price: 'price_pro_10y', months: 120 }]);
  });

  it.each<[string, unknown, string, string]>([
    ['is an array', [], 'CREDITS_CONFIG', 'the catalog must be'],
    ['is null', null, 'CREDITS_CONFIG', 'the catalog must be'],
    ['has no plans', { topups: [] }, 'plans', 'plans is required'],
    ['sells nothing', { plans: [], topups: [] }, 'plans', 'both empty'],
    ['has a plan without an id', withPlan({ id: undefined }), 'plans[0].id', 'plans[0].id is required'],
    ['has a plan with an empty id', withPlan({ id: '' }), 'plans[0].id', 'plans[0].id must be'],
    ['has a plan id with a trailing space', withPlan({ id: 'pro ' }), 'plans[0].id', 'plans[0].id must be'],
    ['has no monthlyCredits', withPlan({ monthlyCredits: undefined }), 'plans[0].monthlyCredits', 'plans[0].monthlyCredits is required'],
    ['has monthlyCredits 0', withPlan({ monthlyCredits: 0 }), 'plans[0].monthlyCredits', 'credits.config.json: plans[0].monthlyCredits must be a positive integer'],
    ['has negative monthlyCredits', withPlan({ monthlyCredits: -5 }), 'plans[0].monthlyCredits', 'must be a positive integer'],
    ['has fractional monthlyCredits', withPlan({ monthlyCredits: 2.5 }), 'plans[0].monthlyCredits', 'must be a positive integer'],
    ['has monthlyCredits beyond a safe integer', withPlan({ monthlyCredits: 2 ** 53 }), 'plans[0].monthlyCredits', 'must be a positive integer'],
    ['has monthlyCredits as a string', withPlan({ monthlyCredits: '5000' }), 'plans[0].monthlyCredits', 'must be a positive integer'],
    ['has negative trialCredits', withPlan({ trialCredits: -1 }), 'plans[0].trialCredits', 'must be a non-negative integer'],
    ['has fractional trialCredits', withPlan({ trialCredits: 0.5 }), 'plans[0].trialCredits', 'must be a non-negative integer'],
    ['has a plan without prices', withPlan({ prices: undefined }), 'plans[0].prices', 'plans[0].prices is required'],
    ['has a plan with an empty price list', withPlan({ prices: [] }), 'plans[0].prices', 'must be a non-empty list'],
    ['has an empty price id', withPlan({ prices: [{ price: '', months: 1 }] }), 'plans[0].prices[0].price', 'must be'],
    ['has a price without months', withPlan({ prices: [{ price: 'price_x' }] }), 'plans[0].prices[0].months', 'is required'],
    ['has a price of 0 months', withPlan({ prices: [{ price: 'p1', months: 1 }, { price: 'p2', months: 0 }] }), 'plans[0].prices[1].months', 'plans[0].prices[1].months must be an integer from 1 to 120'],
    ['has a price of 121 months', withPlan({ prices: [{ price: 'p1', months: 121 }] }), 'plans[0].prices[0].months', 'from 1 to 120'],
    ['has a price of 1.5 months', withPlan({ prices: [{ price: 'p1', months: 1.5 }] }), 'plans[0].prices[0].months', 'from 1 to 120'],
    ['has a top-up without a price', { ...specCatalog(), topups: [{ credits: 10 }] }, 'topups[0].price', 'topups[0].price is required'],
    ['has a top-up of 0 credits', { ...specCatalog(), topups: [{ price: 'price_t', credits: 0 }] }, 'topups[0].credits', 'must be a positive integer'],
    ['has an unknown topupExpiry', { ...specCatalog(), topupExpiry: 'monthly' }, 'topupExpiry', 'topupExpiry must be "never", "cycle" or { "days": N }'],
    ['has topupExpiry of 0 days', { ...specCatalog(), topupExpiry: { days: 0 } }, 'topupExpiry.days', 'must be a positive integer'],
    ['has topupExpiry of 1.5 days', { ...specCatalog(), topupExpiry: { days: 1.5 } }, 'topupExpiry.days', 'must be a positive integer'],
    ['has an unknown upgradeCredits', { ...specCatalog(), upgradeCredits: 'later' }, 'upgradeCredits', 'must be "on_payment" or "immediate"'],
    ['has a lowBalance above 100 percent', { ...specCatalog(), lowBalance: { percent: 101 } }, 'lowBalance.percent', 'lowBalance.percent must be an integer from 0 to 100'],
    ['has a lowBalance of both kinds', { ...specCatalog(), lowBalance: { percent: 10, credits: 5 } }, 'lowBalance', 'lowBalance'],
  ])('when the catalog %s, then it is refused naming the field', (_case, json, field, message) => {
    const error = catalogError(json);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['monthlyCredit on a plan', withPlan({ monthlyCredit: 5000 }), 'plans[0].monthlyCredit'],
    ['month on a price', withPlan({ prices: [{ price: 'p1', months: 1, month: 1 }] }), 'plans[0].prices[0].month'],
    ['credit on a top-up', { ...specCatalog(), topups: [{ price: 'p_t', credits: 1, credit: 1 }] }, 'topups[0].credit'],
    ['topup at the top level', { ...specCatalog(), topup: [] }, 'topup'],
    ['weeks in topupExpiry', { ...specCatalog(), topupExpiry: { days: 7, weeks: 1 } }, 'topupExpiry.weeks'],
  ])('when the catalog has the unknown key %s, then it is refused naming that key', (_case, json, field) => {
    const error = catalogError(json);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`${field} is not a known field`);
  });

  it('when two plans share an id, then the second is named', () => {
    const other = { id: 'pro', monthlyCredits: 1, prices: [{ price: 'price_other', months: 1 }] };
    const error = catalogError({ ...specCatalog(), plans: [pro, other] });
    expect(error.field).toBe('plans[1].id');
    expect(error.message).toContain('plans[1].id "pro" is already used by plans[0].id');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'twice in one plan',
      withPlan({ prices: [{ price: 'price_dup', months: 1 }, { price: 'price_dup', months: 3 }] }),
      'plans[0].prices[1].price',
      'plans[0].prices[0].price',
    ],
    [
      'in two plans',
      {
        ...specCatalog(),
        plans: [pro, { id: 'max', monthlyCredits: 20000, prices: [{ price: 'price_pro_q', months: 3 }] }],
      },
      'plans[1].prices[0].price',
      'plans[0].prices[1].price',
    ],
    [
      'in a plan and a top-up',
      { ...specCatalog(), topups: [{ price: 'price_pro_y', credits: 10 }] },
      'topups[0].price',
      'plans[0].prices[2].price',
    ],
    [
      'in two top-ups',
      { ...specCatalog(), topups: [{ price: 'price_t', credits: 10 }, { price: 'price_t', credits: 20 }] },
      'topups[1].price',
      'topups[0].price',
    ],
  ])('when a price id appears %s, then the duplicate and its first use are named', (_case, json, field, firstUse) => {
    const error = catalogError(json);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
    expect(error.message).toContain(`is already used at ${firstUse}`);
  });

  it('when several fields are wrong, then the first is the error field and the message names them all', () => {
    const error = catalogError(withPlan({ monthlyCredits: 0, trialCredits: -1 }));
    expect(error.field).toBe('plans[0].monthlyCredits');
    expect(error.message).toContain('plans[0].trialCredits');
  });
});

describe('loadCatalog', () => {
  it('when the file is valid, then its catalog is returned', () => {
    const path = tempFile('credits.json', JSON.stringify(specCatalog()));
    expect(loadCatalog(path).plans[0]?.id).toBe('pro');
  });

  it('when the file is missing, then start-up fails naming CREDITS_CONFIG and the path', () => {
    const path = join(tmpdir(), 'no-such-dir-credits', 'credits.config.json');
    expect(() => loadCatalog(path)).toThrow(ConfigError);
    expect(() => loadCatalog(path)).toThrow(expect.objectContaining({ field: 'CREDITS_CONFIG' }));
    expect(() => loadCatalog(path)).toThrow(path);
  });

  it('when the file is not JSON, then start-up fails naming CREDITS_CONFIG and the path', () => {
    const path = tempFile('credits.json', '{ "plans": [ ');
    expect(() => loadCatalog(path)).toThrow(expect.objectContaining({ field: 'CREDITS_CONFIG' }));
    expect(() => loadCatalog(path)).toThrow(`${path} is not valid JSON`);
  });

  it('when a field in the file is wrong, then the message starts with the file path', () => {
    const path = tempFile('credits.json', JSON.stringify(withPlan({ monthlyCredits: 0 })));
    expect(() => loadCatalog(path)).toThrow(`${path}: plans[0].monthlyCredits must be a positive integer`);
  });

  it('when npm start reads credits.config.json, then it sells pro and max monthly, quarterly and annually, and two top-ups', () => {
    const shipped = loadCatalog(join(repoRoot, 'credits.config.json'));
    expect(shipped.plans.map((p) => [p.id, p.monthlyCredits, p.prices.map((x) => [x.price, x.months])])).toEqual([
      ['pro', 5000, [['price_pro_m', 1], ['price_pro_q', 3], ['price_pro_y', 12]]],
      ['max', 20000, [['price_max_m', 1], ['price_max_q', 3], ['price_max_y', 12]]],
    ]);
    expect(shipped.topups).toEqual([
      { price: 'price_topup_1k', credits: 1000 },
      { price: 'price_topup_5k', credits: 5000 },
    ]);
  });

  it('when credits.config.example.json is compared with credits.config.json, then they are identical', () => {
    const read = (name: string) => readFileSync(join(repoRoot, name), 'utf8');
    expect(read('credits.config.example.json')).toBe(read('credits.config.json'));
  });
});
