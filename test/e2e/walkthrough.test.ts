/**
 * Runs `npm run walkthrough` as a user would and checks its table against what the credit policy says
 * the story (scripts/walkthrough/story.ts) must do with the shipped catalog. The expected numbers are
 * worked out here, rule by rule, from the catalog and the story's inputs, never copied from a run.
 */
import { join } from 'node:path';
import { loadCatalog } from '../../src/config';
import type { Plan } from '../../src/domain/catalog';
import { FIRST_PLAN, MONTH_STARTS, actionsOfMonth } from '../../scripts/walkthrough/story';
import { PROJECT_ROOT as root, startIsolated } from '../support/isolatedProcess';

const catalog = loadCatalog(join(root, 'credits.config.json'));

type Happening = ['refused' | 'top-up' | 'refund' | 'upgrade', number];

interface Month {
  month: number;
  start: string;
  grant: number;
  atStart: number;
  spent: number;
  leftAtEnd: number | null;
  expired: number | null;
  nextGrantCredits: number | null;
  happenings: Happening[];
}

function planOf(id: string): Plan {
  const plan = catalog.plans.find((p) => p.id === id);
  if (!plan) throw new Error(`no plan ${id} in credits.config.json`);
  return plan;
}

/** The policy applied by hand: slot credits spent first (they expire soonest), top-ups after and never expiring. */
function expectedYear(): { months: Month[]; renewalGrant: number; finalBalance: number } {
  let plan = planOf(FIRST_PLAN);
  let topupLeft = 0;
  let topup = { credits: 0, paid: 0, claimed: 0 };
  const months: Month[] = [];
  for (let index = 0; index < 12; index++) {
    const grant = plan.monthlyCredits;
    let slot = grant;
    const month: Month = { month: index + 1, start: MONTH_STARTS[index] ?? '', grant, atStart: grant + topupLeft, spent: 0, leftAtEnd: null, expired: null, nextGrantCredits: null, happenings: [] };
    for (const action of actionsOfMonth(index)) {
      if (action.kind === 'spend') {
        if (action.amount > slot + topupLeft) {
          month.happenings.push(['refused', action.amount]);
          continue;
        }
        const fromSlot = Math.min(slot, action.amount);
        slot -= fromSlot;
        topupLeft -= action.amount - fromSlot;
        month.spent += action.amount;
      } else if (action.kind === 'topup') {
        const pack = catalog.topups.find((t) => t.price === action.price);
        if (!pack) throw new Error(`no top-up ${action.price} in credits.config.json`);
        topup = { credits: pack.credits * action.quantity, paid: action.amountPaid, claimed: 0 };
        topupLeft += topup.credits;
        month.happenings.push(['top-up', topup.credits]);
      } else if (action.kind === 'refund') {
        // Cumulative: floor(credits × refunded / paid) minus what earlier refunds claimed; never below zero.
        const claim = Math.floor((topup.credits * action.amountRefunded) / topup.paid) - topup.claimed;
        topup.claimed += claim;
        const taken = Math.min(claim, topupLeft);
        topupLeft -= taken;
        month.happenings.push(['refund', taken]);
      } else {
        // The slot rises to the bigger plan: the difference, once.
        const bigger = planOf(action.plan);
        const raise = Math.max(0, bigger.monthlyCredits - grant);
        slot += raise;
        plan = bigger;
        month.happenings.push(['upgrade', raise]);
      }
    }
    months.push({ ...month, leftAtEnd: slot + topupLeft, expired: slot, nextGrantCredits: plan.monthlyCredits });
  }
  // The 13th month: the term has ended; only the renewal invoice grants it.
  months.push({ month: 13, start: MONTH_STARTS[12] ?? '', grant: 0, atStart: topupLeft, spent: 0, leftAtEnd: null, expired: null, nextGrantCredits: null, happenings: [] });
  return { months, renewalGrant: plan.monthlyCredits, finalBalance: plan.monthlyCredits + topupLeft };
}

const ROW = /^\s*(\d+)\s+(\d{4}-\d\d-\d\d)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+|-)\s+(\d+|-)\s+(-|\d{4}-\d\d-\d\d (\d+))(?:\s+(.*))?$/;
const HAPPENINGS: [Happening[0], RegExp][] = [
  ['refused', /^debit (\d+) refused \(402\)$/],
  ['top-up', /^top-up \+(\d+) \(\d+ × price_\w+\)$/],
  ['refund', /^refund −(\d+) \(\$[\d.]+ of \$[\d.]+\)$/],
  ['upgrade', /^upgrade to max \+(\d+) this month$/],
];

function happening(text: string): Happening {
  for (const [kind, pattern] of HAPPENINGS) {
    const match = pattern.exec(text);
    if (match) return [kind, Number(match[1])];
  }
  throw new Error(`unexpected happening in the walkthrough table: ${text}`);
}

function parseRows(stdout: string): Month[] {
  return stdout.split('\n').flatMap((line) => {
    const m = ROW.exec(line);
    if (!m) return [];
    const numberOrNull = (text: string | undefined): number | null => (text === undefined || text === '-' ? null : Number(text));
    return [
      {
        month: Number(m[1]),
        start: `${m[2]}T00:00:00.000Z`,
        grant: Number(m[3]),
        atStart: Number(m[4]),
        spent: Number(m[5]),
        leftAtEnd: numberOrNull(m[6]),
        expired: numberOrNull(m[7]),
        nextGrantCredits: numberOrNull(m[9]),
        happenings: m[10] ? m[10].split(' · ').map(happening) : [],
      },
    ];
  });
}

async function runWalkthrough(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, finished } = startIsolated({ entry: 'scripts/walkthrough.ts', env: { HOME: process.env.HOME ?? '' } });
  const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const { code, stdout, stderr } = await finished;
  clearTimeout(timer);
  return { code, stdout, stderr };
}

const expected = expectedYear();
let run: { code: number | null; stdout: string; stderr: string };
let rows: Month[];

beforeAll(async () => {
  run = await runWalkthrough();
  rows = parseRows(run.stdout);
}, 110_000);

describe('npm run walkthrough: an annual pro plan with a top-up, a refund and an upgrade, month by month', () => {
  it('when it runs, then it exits 0 and prints 13 months', () => {
    // stderr is in the object so a failure shows why the walk stopped.
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(rows.map((r) => r.start)).toEqual(MONTH_STARTS);
  });

  it('then each month grants the monthlyCredits of the plan in force at its start, and the 13th grants nothing until the renewal invoice', () => {
    expect(rows.map((r) => r.grant)).toEqual(expected.months.map((m) => m.grant));
    expect(rows.map((r) => r.nextGrantCredits)).toEqual(expected.months.map((m) => m.nextGrantCredits));
    const renewal = /invoice\.paid \(subscription_cycle\) for price_max_y, .*: processed, grant \+(\d+), balance (\d+)/.exec(run.stdout);
    expect(renewal?.slice(1).map(Number)).toEqual([expected.renewalGrant, expected.finalBalance]);
  });

  it('then unused subscription credits expire at every boundary and nothing rolls over', () => {
    expect(rows.map((r) => [r.month, r.atStart, r.spent, r.leftAtEnd, r.expired])).toEqual(
      expected.months.map((m) => [m.month, m.atStart, m.spent, m.leftAtEnd, m.expired]),
    );
  });

  it('then the top-up adds catalog credits × quantity and outlives every boundary (topupExpiry never)', () => {
    expect(catalog.topupExpiry).toBe('never');
    const month = rows.findIndex((r) => r.happenings.some(([kind]) => kind === 'top-up'));
    expect(rows[month]?.happenings).toEqual(expected.months[month]?.happenings);
    // What the month-13 customer holds without any grant is what is left of the top-up.
    expect(rows[12]?.atStart).toBe(expected.months[12]?.atStart);
    expect(rows[12]?.atStart).toBeGreaterThan(0);
  });

  it('then the refund revokes the refunded share of the top-up, once', () => {
    const refunds = rows.flatMap((r) => r.happenings.filter(([kind]) => kind === 'refund'));
    expect(refunds).toEqual(expected.months.flatMap((m) => m.happenings.filter(([kind]) => kind === 'refund')));
    expect(refunds).toHaveLength(1);
  });

  it('then the upgrade raises the current month by the difference once, and later months grant the bigger plan', () => {
    const upgrades = rows.flatMap((r) => r.happenings.filter(([kind]) => kind === 'upgrade'));
    expect(upgrades).toEqual([['upgrade', planOf('max').monthlyCredits - planOf('pro').monthlyCredits]]);
    expect(rows.map((r) => r.happenings)).toEqual(expected.months.map((m) => m.happenings));
  });

  it('then the ledger sums to the balance', () => {
    const ledger = /ledger: \d+ entries summing to (\d+), balance (\d+)/.exec(run.stdout);
    expect(ledger?.slice(1).map(Number)).toEqual([expected.finalBalance, expected.finalBalance]);
  });
});
