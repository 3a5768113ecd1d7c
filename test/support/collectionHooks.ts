import type { Collections, WrapCollection } from '../../src/store/models';

/** One call the store makes on a driver collection. */
export interface CollectionCall {
  collection: keyof Collections;
  method: string;
  args: unknown[];
  /** Makes the real call; what it returns (a promise, or a cursor for find/aggregate). */
  proceed: () => unknown;
}

export const WRITE_METHODS = new Set(['insertOne', 'insertMany', 'replaceOne', 'updateOne', 'updateMany', 'bulkWrite', 'deleteOne', 'deleteMany']);

/**
 * Puts `around` between the store and every method of the driver's collections: a test can fail a
 * call, lose a race, or let a write land and then "crash" (throw as if the process died right after).
 */
export function hookCollections(around: (call: CollectionCall) => unknown): WrapCollection {
  return (name, collection) =>
    new Proxy(collection, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        return (...args: unknown[]) => around({ collection: name, method: key, args, proceed: () => value.apply(target, args) });
      },
    });
}

/**
 * The name of a write as tests list them: `accounts.updateOne`, `ledger.insertMany`… An update that only
 * `$pull`s (what follows a copy of an outbox), alone or as a bulk of them, is named apart:
 * `accounts.updateOne ($pull)`, `accounts.bulkWrite ($pull)`.
 */
export function writeName(call: Pick<CollectionCall, 'collection' | 'method' | 'args'>): string {
  const pulls = call.method === 'updateOne' ? isPull(call.args[1]) : call.method === 'bulkWrite' && Array.isArray(call.args[0]) && call.args[0].every(isPullOperation);
  return `${call.collection}.${call.method}${pulls ? ' ($pull)' : ''}`;
}

function isPull(update: unknown): boolean {
  return typeof update === 'object' && update !== null && '$pull' in update;
}

function isPullOperation(operation: unknown): boolean {
  return typeof operation === 'object' && operation !== null && 'updateOne' in operation && typeof operation.updateOne === 'object' && operation.updateOne !== null && 'update' in operation.updateOne && isPull(operation.updateOne.update);
}

/**
 * Lets the `crashAt`-th write (1-based, counted from when `armed` is set) land, then throws as a crash
 * would; every other call passes through. `writes` records what was written while armed.
 */
export function crashAfterWrite(plan: { armed: boolean; crashAt: number | null; writes: string[] }): WrapCollection {
  return hookCollections((call) => {
    if (!plan.armed || !WRITE_METHODS.has(call.method)) return call.proceed();
    plan.writes.push(writeName(call));
    const index = plan.writes.length;
    const result = call.proceed();
    if (index !== plan.crashAt) return result;
    return Promise.resolve(result).then(() => {
      throw new Error(`simulated crash right after ${writeName(call)}`);
    });
  });
}
