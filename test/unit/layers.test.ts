import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import type { LintCase, LintedCase } from '../support/lintWorker';

/**
 * The import-boundary rule (eslint.config.mjs, docs/layers.md) fails a build that breaks a layer: each wrong import
 * below, placed where it would break one, is an error of `no-restricted-imports` naming the layer; each right one
 * passes, so the rule is not simply against everything. Linted with the repository's own configuration through
 * ESLint's Node API, in a process of its own (test/support/lintWorker.ts).
 */
const root = resolve(__dirname, '../..');

function lint(cases: LintCase[]): Promise<LintedCase[]> {
  return new Promise((done, fail) => {
    const child = execFile(process.execPath, ['--import', 'tsx', resolve(root, 'test/support/lintWorker.ts')], { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${error.message}\n${stderr}`));
      else done(JSON.parse(stdout));
    });
    child.stdin?.end(JSON.stringify(cases));
  });
}

const wrong: [string, string, string][] = [
  ['src/domain/wrong.ts', "import { MongoAccountStore } from '../store/accountStore';\nexport { MongoAccountStore };\n", 'src/domain is the pure credit policy'],
  ['src/domain/wrong.ts', "import type { AccountService } from '../app/accounts';\nexport type { AccountService };\n", 'src/domain is the pure credit policy'],
  ['src/domain/wrong.ts', "import { createHash } from 'node:crypto';\nexport { createHash };\n", 'src/domain is the pure credit policy'],
  ['src/app/wrong.ts', "import { openStores } from '../store/connection';\nexport { openStores };\n", 'src/app holds the use cases'],
  ['src/app/reconcile/wrong.ts', "import { stripeReconcileSource } from '../../stripe/reconcileSource';\nexport { stripeReconcileSource };\n", 'src/app holds the use cases'],
  ['src/app/wrong.ts', "import type { Logger } from '../logger';\nexport type { Logger };\n", 'src/app holds the use cases'],
  ['src/app/wrong.ts', "import mongoose from 'mongoose';\nexport { mongoose };\n", 'src/app holds the use cases'],
  ['src/store/wrong.ts', "import { spendCredits } from '../app/debits';\nexport { spendCredits };\n", 'it sees src/app only through its ports'],
  ['src/store/wrong.ts', "import { sendError } from '../http/errors';\nexport { sendError };\n", 'src/store is an adapter'],
  ['src/store/wrong.ts', "import express from 'express';\nexport { express };\n", 'only src/http imports express'],
  ['src/stripe/wrong.ts', "import { httpSignalSender } from '../signals/sender';\nexport { httpSignalSender };\n", 'src/stripe is an adapter'],
  ['src/signals/wrong.ts', "import type { Collections } from '../store/models';\nexport type { Collections };\n", 'src/signals is an adapter'],
  ['src/http/routes/wrong.ts', "import { MongoAccountStore } from '../../store/accountStore';\nexport { MongoAccountStore };\n", 'src/http is an adapter'],
  ['src/http/wrong.ts', "import Stripe from 'stripe';\nexport { Stripe };\n", 'only src/stripe imports stripe'],
];

const right: [string, string][] = [
  ['src/domain/right.ts', "import type { Bucket } from './account';\nexport type { Bucket };\n"],
  ['src/app/right.ts', "import { createHash } from 'node:crypto';\nimport { settle } from '../domain/settle';\nimport type { AccountStore } from './ports';\nexport { createHash, settle };\nexport type { AccountStore };\n"],
  ['src/app/reconcile/right.ts', "import type { ReconcileSource } from '../ports';\nimport { compareAccount } from '../../domain/reconcile';\nexport { compareAccount };\nexport type { ReconcileSource };\n"],
  ['src/store/right.ts', "import mongoose from 'mongoose';\nimport type { AccountStore } from '../app/ports';\nimport { DomainError } from '../domain/errors';\nexport { mongoose, DomainError };\nexport type { AccountStore };\n"],
  ['src/stripe/right.ts', "import Stripe from 'stripe';\nimport type { EventMapper } from '../app/ports';\nimport { findPlanByPrice } from '../domain/catalog';\nexport { Stripe, findPlanByPrice };\nexport type { EventMapper };\n"],
  ['src/http/routes/right.ts', "import express from 'express';\nimport { spendCredits } from '../../app/debits';\nimport type { Metrics } from '../../app/ports';\nexport { express, spendCredits };\nexport type { Metrics };\n"],
];

let linted: LintedCase[];
beforeAll(async () => {
  linted = await lint([...wrong.map(([filePath, code]) => ({ filePath, code })), ...right.map(([filePath, code]) => ({ filePath, code }))]);
}, 120_000);

describe('the import-boundary rule', () => {
  it.each(wrong.map(([file, code, layer], i) => [file, code.split('\n')[0], layer, i] as const))('when %s has `%s`, then lint fails naming the layer: %s', (_file, _line, layer, i) => {
    expect(linted[i]?.messages).toContainEqual({ ruleId: 'no-restricted-imports', message: expect.stringContaining(layer) });
  });

  it.each(right.map(([file, code], i) => [file, code.split('\n').filter((l) => l.startsWith('import')).join(' '), wrong.length + i] as const))('when %s has `%s`, then lint passes', (_file, _imports, i) => {
    expect(linted[i]?.messages).toEqual([]);
  });
});
