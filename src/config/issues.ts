import { z } from 'zod';

/**
 * A zod error option whose message reads as the rule, so every problem is reported as
 * "<field> is required" or "<field> must be <rule>".
 */
export function rule(description: string): { error: (issue: { input?: unknown }) => string } {
  return {
    error: (issue) => (issue.input === undefined ? 'is required' : `must be ${description}`),
  };
}

/** `['plans', 0, 'prices', 1, 'months']` → `plans[0].prices[1].months`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

export interface FieldProblem {
  /** Path of the offending field, `''` for the document itself. */
  field: string;
  /** Sentence naming the field, e.g. `plans[0].monthlyCredits must be a positive integer`. */
  sentence: string;
}

/** One problem per offending field; unknown keys are listed one by one so each typo is named. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], rootName = 'the value'): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const field = formatPath([...issue.path, key]);
        return { field, sentence: `${field} is not a known field` };
      });
    }
    const field = formatPath(issue.path);
    return [{ field, sentence: `${field === '' ? rootName : field} ${issue.message}` }];
  });
}
