/**
 * Counts what the fuzzer's answers got wrong: 5xx, no answer, error bodies that are not the JSON error
 * shape, and statuses the document does not list (for information). Failures are grouped by operation,
 * with the first example of each, so a report says where to look.
 */
import type { Answer } from './http';
import { isHtmlPage, isJsonError } from './http';

export interface JudgedAnswer {
  operation: string;
  /** The request in words, for the example. */
  what: string;
  answer: Answer;
  /** Statuses the document lists for the operation; null: not checked. */
  documented: Set<number> | null;
  /** How the document says its errors come (the browser's pages answer HTML); JSON when not said. */
  errorMedia?: 'json' | 'html';
  /** The caller words its own notes. */
  quiet?: boolean;
}

const MAX_NOTES = 60;

export class AnswerTally {
  requests = 0;
  serverErrors = 0;
  noAnswer = 0;
  nonJsonErrors = 0;
  undocumented = 0;
  rawUnexpected = 0;
  readonly notes: string[] = [];
  private readonly byOperation = new Map<string, { failures: number; example: string }>();

  note(text: string): void {
    if (this.notes.length < MAX_NOTES) this.notes.push(text);
  }

  judge(input: JudgedAnswer): void {
    const { answer } = input;
    this.requests += 1;
    const problems: string[] = [];
    if (answer.status === 0) {
      this.noAnswer += 1;
      problems.push(`no answer (${answer.failure ?? 'unknown'}) after ${Math.round(answer.ms)} ms`);
    } else if (answer.status >= 500) {
      this.serverErrors += 1;
      problems.push(`${answer.status} ${answer.text.slice(0, 100)}`);
    }
    const asDocumented = input.errorMedia === 'html' ? isHtmlPage(answer) : isJsonError(answer);
    if (answer.status >= 400 && !asDocumented) {
      this.nonJsonErrors += 1;
      const expected = input.errorMedia === 'html' ? 'an HTML page' : 'a JSON error';
      problems.push(`${answer.status} is not ${expected} (${answer.contentType || 'no content type'}): ${answer.text.slice(0, 80)}`);
    }
    if (input.documented && answer.status !== 0 && !input.documented.has(answer.status)) this.undocumented += 1;
    if (problems.length === 0 || input.quiet) return;
    const known = this.byOperation.get(input.operation);
    this.byOperation.set(input.operation, { failures: (known?.failures ?? 0) + 1, example: known?.example ?? `${input.what} → ${problems.join('; ')}` });
  }

  /** One line per operation that failed: how often, and its first failing request. */
  failuresByOperation(): string[] {
    return [...this.byOperation.entries()].map(([operation, { failures, example }]) => `${operation}: ${failures} failing answers, e.g. ${example}`);
  }
}
