import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Catalog } from '../domain/catalog';
import { ConfigError } from './errors';
import { describeIssues, type FieldProblem, rule } from './issues';

const DEFAULT_SOURCE = 'credits.config.json';

/** A stray space would make the id silently never match what Stripe sends. */
const identifier = () => {
  const id = rule('a non-empty string without leading or trailing spaces');
  return z.string(id).regex(/^\S(?:.*\S)?$/, id);
};

// multipleOf(1) rather than int(): zod's int check aborts the parse, which makes the topupExpiry union report
// `topupExpiry` as a whole instead of `topupExpiry.days`.
const integer = (description: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const message = rule(description);
  return z.number(message).multipleOf(1, message).min(min, message).max(max, message);
};

const positiveInteger = () => integer('a positive integer', 1);

const nonNegativeInteger = () => integer('a non-negative integer', 0);

const planPriceSchema = z.strictObject(
  { price: identifier(), months: integer('an integer from 1 to 120', 1, 120) },
  rule('an object { "price", "months" }'),
);

const planSchema = z.strictObject(
  {
    id: identifier(),
    monthlyCredits: positiveInteger(),
    trialCredits: nonNegativeInteger().default(0),
    prices: z
      .array(planPriceSchema, rule('a non-empty list of prices'))
      .min(1, rule('a non-empty list of prices')),
  },
  rule('an object { "id", "monthlyCredits", "prices" }'),
);

const topupSchema = z.strictObject(
  { price: identifier(), credits: positiveInteger() },
  rule('an object { "price", "credits" }'),
);

// Strict everywhere: a typo such as `monthlyCredit` must fail, not silently fall back to a default.
const catalogSchema = z.strictObject(
  {
    plans: z.array(planSchema, rule('a list of plans')),
    topups: z.array(topupSchema, rule('a list of top-ups')).default([]),
    topupExpiry: z
      .union(
        [z.literal('never'), z.literal('cycle'), z.strictObject({ days: positiveInteger() })],
        rule('"never", "cycle" or { "days": N }'),
      )
      .default('never'),
    upgradeCredits: z.enum(['on_payment', 'immediate'], rule('"on_payment" or "immediate"')).default('on_payment'),
    lowBalance: z
      .union(
        [z.strictObject({ percent: integer('an integer from 0 to 100', 0, 100) }), z.strictObject({ credits: nonNegativeInteger() })],
        rule('{ "percent": N } or { "credits": N }'),
      )
      .default({ percent: 10 }),
  },
  rule('a JSON object with "plans" and "topups"'),
);

/** Rules across entries, checked once every entry is well-formed. */
function findConflicts(catalog: Catalog): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (catalog.plans.length === 0 && catalog.topups.length === 0) {
    problems.push({ field: 'plans', sentence: 'plans and topups are both empty: the catalog must sell something' });
  }

  const planIds = new Map<string, string>();
  catalog.plans.forEach((plan, i) => {
    const field = `plans[${i}].id`;
    const earlier = planIds.get(plan.id);
    if (earlier === undefined) planIds.set(plan.id, field);
    else problems.push({ field, sentence: `${field} "${plan.id}" is already used by ${earlier}` });
  });

  const priceIds = new Map<string, string>();
  const claimPrice = (price: string, field: string) => {
    const earlier = priceIds.get(price);
    if (earlier === undefined) priceIds.set(price, field);
    else problems.push({ field, sentence: `${field} "${price}" is already used at ${earlier}` });
  };
  catalog.plans.forEach((plan, i) =>
    plan.prices.forEach((p, j) => claimPrice(p.price, `plans[${i}].prices[${j}].price`)),
  );
  catalog.topups.forEach((t, k) => claimPrice(t.price, `topups[${k}].price`));
  return problems;
}

function catalogError(source: string, problems: FieldProblem[]): ConfigError {
  const field = problems[0]?.field || 'CREDITS_CONFIG';
  return new ConfigError(field, `${source}: ${problems.map((p) => p.sentence).join('; ')}`);
}

/** `source` names the file in messages, e.g. `credits.config.json: plans[0].monthlyCredits must be …`. */
export function parseCatalog(json: unknown, source: string = DEFAULT_SOURCE): Catalog {
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) throw catalogError(source, describeIssues(parsed.error.issues, 'the catalog'));
  const catalog: Catalog = parsed.data;
  const conflicts = findConflicts(catalog);
  if (conflicts.length > 0) throw catalogError(source, conflicts);
  return catalog;
}

export function loadCatalog(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError('CREDITS_CONFIG', `CREDITS_CONFIG: cannot read the catalog file ${path} (${reason})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError('CREDITS_CONFIG', `CREDITS_CONFIG: ${path} is not valid JSON (${reason})`);
  }
  return parseCatalog(json, path);
}
