import type { ReconcileReport } from '../../app/reconcile/run';
import type { Difference, DifferenceKind } from '../../domain/reconcile';

export interface ReportContext {
  at: Date;
  since: Date | null;
  fix: boolean;
  customer: string | null;
}

const KIND_LABEL: Record<DifferenceKind, string> = {
  missing_grant: 'missing grant',
  missing_raise: 'missing raise',
  refund_not_applied: 'refund not applied',
  dispute_not_applied: 'dispute not applied',
  parked_event: 'parked event',
  extra_grant: 'extra grant',
  doubled_grant: 'doubled grant',
  mismatched_amount: 'mismatched amount',
  cannot_apply: 'cannot apply',
  ledger_invariant: 'ledger invariant',
};

function remedyLabel(d: Difference): string {
  return d.remedy === 'fix' ? 'repair with --fix' : 'needs a person';
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  // The last column (the detail) is not padded, so long sentences do not widen every line.
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

function amount(value: number | null): string {
  return value === null ? '' : String(value);
}

function rowsOf(differences: Difference[], withRemedy: boolean): string[][] {
  const header = ['CUSTOMER', 'DIFFERENCE', 'OBJECT', 'EXPECTED', 'ACTUAL', ...(withRemedy ? ['REMEDY'] : []), 'DETAIL'];
  return [
    header,
    ...differences.map((d) => [
      d.customer ?? '-',
      KIND_LABEL[d.kind],
      d.object,
      amount(d.expected),
      amount(d.actual),
      ...(withRemedy ? [remedyLabel(d)] : []),
      d.detail,
    ]),
  ];
}

function scope(context: ReportContext): string {
  const who = context.customer ?? 'every customer';
  return context.since ? `${who}, Stripe objects since ${context.since.toISOString()}` : who;
}

/** For people: what was checked, what --fix repaired, what remains and who has to act. */
export function formatReconcileTable(report: ReconcileReport, context: ReportContext): string {
  const lines = [`Reconcile at ${context.at.toISOString()} (${scope(context)}): ${report.customers} customer(s) checked.`];
  if (report.fixed.length > 0) lines.push('', `Repaired by --fix (${report.fixed.length}):`, table(rowsOf(report.fixed, false)));
  if (report.differences.length === 0) {
    lines.push('', 'Clean: Stripe and the ledger agree.');
    return `${lines.join('\n')}\n`;
  }
  const { fixable, person } = counts(report.differences);
  lines.push('', `Differences (${report.differences.length}):`, table(rowsOf(report.differences, true)), '');
  const advice = fixable > 0 && !context.fix ? ' Run again with --fix to repair the repairable ones.' : '';
  lines.push(`${report.differences.length} difference(s): ${fixable} repairable with --fix, ${person} need a person.${advice}`);
  return `${lines.join('\n')}\n`;
}

function counts(differences: Difference[]): { fixable: number; person: number } {
  const fixable = differences.filter((d) => d.remedy === 'fix').length;
  return { fixable, person: differences.length - fixable };
}

/** For machines: the same report, with `clean` mirroring the exit status. */
export function formatReconcileJson(report: ReconcileReport, context: ReportContext): string {
  const { fixable, person } = counts(report.differences);
  const byKind: Partial<Record<DifferenceKind, number>> = {};
  for (const d of report.differences) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
  const body = {
    clean: report.differences.length === 0,
    at: context.at.toISOString(),
    customer: context.customer,
    since: context.since?.toISOString() ?? null,
    fix: context.fix,
    customers: report.customers,
    summary: { differences: report.differences.length, fixable, needsPerson: person, fixed: report.fixed.length, byKind },
    differences: report.differences,
    fixed: report.fixed,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
