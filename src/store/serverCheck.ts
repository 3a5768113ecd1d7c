/**
 * Which MongoDB-compatible servers the store may run on. Correctness rests on atomic conditional
 * single-document updates and unique indexes (src/store/README.md); a server that accepts the commands
 * but does not honour that would lose or double credits quietly, so it is refused at start-up instead.
 */

export class UnsupportedServerError extends Error {
  override name = 'UnsupportedServerError';
}

const MIN_MONGODB_MAJOR = 6;

/** Reads `buildInfo`'s answer; null when the server is supported, else the reason to refuse it. */
export function unsupportedServerReason(buildInfo: Record<string, unknown>): string | null {
  const ferret = buildInfo.ferretdbVersion;
  if (ferret !== undefined) {
    const major = majorOf(String(ferret));
    if (major === null || major < 2) {
      return (
        `FerretDB ${String(ferret)} is not supported: its conditional updates are not atomic (two writers can both ` +
        'match the same account state and both apply), which would lose or double credits. Use MongoDB 6+ or the embedded SecantusDB.'
      );
    }
  }
  const version = typeof buildInfo.version === 'string' ? buildInfo.version : '';
  const major = majorOf(version);
  if (major === null) return `the server did not report a MongoDB version in buildInfo (got ${JSON.stringify(buildInfo.version ?? null)})`;
  if (ferret === undefined && major < MIN_MONGODB_MAJOR) {
    return `MongoDB ${version} is not supported: MongoDB ${MIN_MONGODB_MAJOR} or newer is required`;
  }
  return null;
}

function majorOf(version: string): number | null {
  const match = /^v?(\d+)\./.exec(version);
  return match?.[1] ? Number(match[1]) : null;
}

/**
 * Reads and writes go to the primary (SPEC §7): a decision made on a secondary's state, which may be behind,
 * fails its conditional update and is made again and again, and an answer read there can be one a failover
 * rolls back. A connection string that asks for another read preference is refused rather than silently
 * overridden, so whoever wrote it learns why. Null when the string is acceptable.
 */
export function unsupportedConnectionReason(uri: string): string | null {
  const query = new URLSearchParams(uri.split('?')[1] ?? '');
  for (const [name, value] of query) {
    if (name.toLowerCase() === 'readpreference' && value.toLowerCase() !== 'primary') {
      return (
        `MONGODB_URI asks for readPreference=${value}: this service reads and writes on the primary only (a secondary may be ` +
        'behind, and an answer read there may be rolled back by a failover). Remove readPreference from MONGODB_URI.'
      );
    }
  }
  return null;
}
