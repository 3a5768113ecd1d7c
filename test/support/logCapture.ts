import { createLogger } from '../../src/logger';
import type { Logger } from '../../src/logger';

export interface CapturedLogs {
  logger: Logger;
  /** Every line exactly as it would have reached stdout. */
  text(): string;
  /** Every line, parsed. */
  lines(): Array<Record<string, unknown>>;
}

/** A real service logger (same redaction and serializers) at level trace, writing into memory. */
export function captureLogs(): CapturedLogs {
  const raw: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void raw.push(line) });
  return {
    logger,
    text: () => raw.join(''),
    lines: () => raw.join('').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
