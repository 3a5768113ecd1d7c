/**
 * Lints source text as if it were a file of this repository, with the repository's own ESLint configuration,
 * through ESLint's Node API. Run as a process of its own (`node --import tsx`), because the configuration is
 * an ES module, which Jest's sandbox cannot import: it reads `[{ filePath, code }]` as JSON on stdin and writes
 * each file's messages as JSON on stdout. The texts are not files of the TypeScript project, so rules that need
 * type information are left out; every other rule runs as `npm run lint` runs it.
 */
import { text } from 'node:stream/consumers';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

export interface LintCase {
  /** Relative to the repository, e.g. `src/domain/wrong.ts`: where the text claims to live. */
  filePath: string;
  code: string;
}

export interface LintedCase {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '../..');
  const cases: LintCase[] = JSON.parse(await text(process.stdin));
  const eslint = new ESLint({ cwd: root, overrideConfig: [tseslint.configs.disableTypeChecked] });
  const linted: LintedCase[] = [];
  for (const c of cases) {
    const [result] = await eslint.lintText(c.code, { filePath: resolve(root, c.filePath) });
    linted.push({ filePath: c.filePath, messages: (result?.messages ?? []).map((m) => ({ ruleId: m.ruleId, message: m.message })) });
  }
  process.stdout.write(JSON.stringify(linted));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
