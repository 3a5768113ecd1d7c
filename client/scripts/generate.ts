import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

/**
 * Generates client/src/schema.ts from openapi.yaml with openapi-typescript. `--check` writes nothing and
 * exits 1 when the committed file differs from what openapi.yaml gives now (test/…/clientSchema.test.ts runs it).
 */
const root = join(__dirname, '..', '..');
const target = join(root, 'client', 'src', 'schema.ts');
const HEADER = '// Generated from openapi.yaml by `npm run client:generate` (openapi-typescript). Do not edit by hand.\n\n';

/** `--openapi PATH` reads another document (the drift test uses it to show that a change is caught). */
function documentPath(): string {
  const at = process.argv.indexOf('--openapi');
  return (at >= 0 ? process.argv[at + 1] : undefined) ?? join(root, 'openapi.yaml');
}

async function generate(): Promise<string> {
  const ast = await openapiTS(pathToFileURL(documentPath()), { alphabetize: false, defaultNonNullable: false });
  return HEADER + astToString(ast);
}

async function main(): Promise<void> {
  const fresh = await generate();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(target, 'utf8');
    if (committed !== fresh) {
      process.stderr.write('client/src/schema.ts is out of date with openapi.yaml: run `npm run client:generate` and commit it.\n');
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(target, fresh);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
