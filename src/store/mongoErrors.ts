import { DomainError } from '../domain/errors';

const DUPLICATE_KEY = 11000;

/** MongoDB's duplicate-key error of a single write. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === DUPLICATE_KEY;
}

/**
 * The indexes of the documents an unordered bulk write refused for a duplicate key, or null when it
 * failed for anything else (then nothing can be concluded and the error must propagate).
 */
export function duplicateKeyIndexes(error: unknown, size: number): number[] | null {
  if (typeof error !== 'object' || error === null) return null;
  if (!('writeErrors' in error)) return isDuplicateKeyError(error) && size === 1 ? [0] : null;
  const list: unknown[] = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  const indexes: number[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null || !('code' in item) || item.code !== DUPLICATE_KEY) return null;
    if (!('index' in item) || typeof item.index !== 'number') return null;
    indexes.push(item.index);
  }
  // A write concern error or anything else besides the duplicates: not only duplicates.
  if ('writeConcernErrors' in error && Array.isArray(error.writeConcernErrors) && error.writeConcernErrors.length > 0) return null;
  return indexes;
}

/** A ledger write met a different entry under the same id or effect key: never answered as success. */
export class LedgerConflictError extends DomainError {
  constructor(message: string) {
    super('ledger_conflict', `The ledger refused a write: ${message}. Nothing was answered as done; check-ledger shows the account.`);
  }
}
