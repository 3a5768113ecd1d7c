import { Router } from 'express';
import type { AccountService } from '../../app/accounts';
import { spendCredits } from '../../app/debits';
import { captureCredits, holdCredits, releaseCredits } from '../../app/holds';
import type { AccountStore, Metrics } from '../../app/ports';
import { findCustomerByExternalId, readBalance, readLedger } from '../../app/queries';
import type { LedgerEntry } from '../../domain/account';
import type { Clock } from '../../domain/clock';
import { keyedCommand } from '../keyedCommand';
import { logCustomerParam } from '../requestLog';
import { captureBody, customerParam, customerQuery, debitBody, holdBody, idString, ledgerQuery, parseInput, releaseBody } from '../validate';

export interface CustomerRouteDeps {
  clock: Clock;
  accounts: AccountService;
  accountStore: AccountStore;
  metrics: Metrics;
}

/** Holds and their releases move no credits: their amount is 0 and the ledger still sums to the balance. */
function publicEntry(e: LedgerEntry): Record<string, unknown> {
  return { id: e.id, type: e.type, amount: e.amount, balanceAfter: e.balanceAfter, at: e.at, bucket: e.bucket, ref: e.ref };
}

export function customerRoutes(deps: CustomerRouteDeps): Router {
  const router = logCustomerParam(Router());

  router.get('/customers', async (req, res) => {
    const { externalId } = parseInput(customerQuery, req.query, 'query');
    res.json(await findCustomerByExternalId(deps.accountStore, externalId));
  });

  router.get('/customers/:customer/balance', async (req, res) => {
    const customer = customerParam(req.params.customer);
    res.json(await readBalance(deps.accounts, customer, deps.clock.now()));
  });

  router.post(
    '/customers/:customer/debits',
    keyedCommand(deps.clock, debitBody, ({ customer, body, now }) =>
      spendCredits(deps, { customer, amount: body.amount, idempotencyKey: body.idempotencyKey, reason: body.reason ?? null, metadata: body.metadata ?? null, now }),
    ),
  );

  router.post(
    '/customers/:customer/holds',
    keyedCommand(deps.clock, holdBody, ({ customer, body, now }) =>
      holdCredits(deps.accounts, { customer, amount: body.amount, idempotencyKey: body.idempotencyKey, ttlSeconds: body.ttlSeconds ?? null, metadata: body.metadata ?? null, now }),
    ),
  );

  router.post('/customers/:customer/holds/:hold/capture', async (req, res) => {
    const customer = customerParam(req.params.customer);
    const holdId = parseInput(idString, req.params.hold, 'hold');
    const body = parseInput(captureBody, req.body ?? {}, 'body');
    res.json(await captureCredits(deps.accounts, { customer, holdId, amount: body.amount ?? null, now: deps.clock.now() }));
  });

  router.post('/customers/:customer/holds/:hold/release', async (req, res) => {
    const customer = customerParam(req.params.customer);
    const holdId = parseInput(idString, req.params.hold, 'hold');
    parseInput(releaseBody, req.body ?? {}, 'body');
    res.json(await releaseCredits(deps.accounts, { customer, holdId, now: deps.clock.now() }));
  });

  router.get('/customers/:customer/ledger', async (req, res) => {
    const customer = customerParam(req.params.customer);
    const query = parseInput(ledgerQuery, req.query, 'query');
    const page = await readLedger(deps.accounts, { customer, limit: query.limit, cursor: query.cursor ?? null, now: deps.clock.now() });
    res.json({ entries: page.entries.map(publicEntry), nextCursor: page.nextCursor });
  });

  return router;
}
