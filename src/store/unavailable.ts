import mongoose from 'mongoose';
import type { mongo } from 'mongoose';
import { DomainError } from '../domain/errors';

const { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError, MongoOperationTimeoutError, MongoServerClosedError } =
  mongoose.mongo;

/** The driver's ways of saying the database did not answer, as opposed to refusing what was asked. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoServerClosedError
  );
}

function translated(error: unknown): unknown {
  if (!isDatabaseUnavailable(error)) return error;
  return Object.assign(new DomainError('unavailable', 'The database is not answering; nothing was applied. Try again shortly.'), { cause: error });
}

function wrapResult(result: unknown): unknown {
  if (result instanceof Promise) return result.catch((error: unknown) => Promise.reject(translated(error)));
  // find() and aggregate() return cursors: their reads are where a silent database shows.
  if (typeof result === 'object' && result !== null && 'toArray' in result) return around(result);
  return result;
}

function around<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          return wrapResult(value.apply(obj, args));
        } catch (error) {
          throw translated(error);
        }
      };
    },
  });
}

/**
 * A collection whose failures to reach the database surface as the domain's `unavailable` (503, or 500 to a
 * webhook so Stripe retries), so no caller above the store needs to know the driver's error classes.
 */
export function unavailableAsDomainError<T extends mongo.Document>(collection: mongo.Collection<T>): mongo.Collection<T> {
  return around(collection);
}
