import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** client/src/schema.ts is generated from openapi.yaml and committed; this fails when they drift apart. */
async function check(openapi?: string): Promise<number> {
  const args = ['--import', 'tsx', join(root, 'client', 'scripts', 'generate.ts'), '--check', ...(openapi ? ['--openapi', openapi] : [])];
  try {
    await run(process.execPath, args, { cwd: root });
    return 0;
  } catch (error) {
    return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number' ? error.code : -1;
  }
}

describe('the client types generated from openapi.yaml', () => {
  it('when openapi.yaml is as committed, then the committed client/src/schema.ts is exactly what the generator makes of it', async () => {
    expect(await check()).toBe(0);
  });

  it('when openapi.yaml changes without regenerating, then the check fails', async () => {
    const changed = (await readFile(join(root, 'openapi.yaml'), 'utf8')).replace('summary: Return the whole hold; idempotent', 'summary: Give the hold back');
    const dir = await mkdtemp(join(tmpdir(), 'openapi-drift-'));
    await writeFile(join(dir, 'openapi.yaml'), changed);
    expect(await check(join(dir, 'openapi.yaml'))).toBe(1);
  });
});
