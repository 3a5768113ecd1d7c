/** MongoDB's duplicate-key error, alone or as every failure of an unordered bulk insert. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ('code' in error && error.code === 11000) return true;
  if ('writeErrors' in error && Array.isArray(error.writeErrors) && error.writeErrors.length > 0) {
    return error.writeErrors.every((w: unknown) => isDuplicateKeyError(w) || hasErrCode(w));
  }
  return false;
}

function hasErrCode(w: unknown): boolean {
  return typeof w === 'object' && w !== null && 'err' in w && isDuplicateKeyError(w.err);
}
