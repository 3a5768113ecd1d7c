import mongoose from 'mongoose';
import type { mongo } from 'mongoose';
import { DomainError } from '../domain/errors';

const { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError, MongoOperationTimeoutError, MongoServerClosedError, MongoError, MongoWriteConcernError } =
  mongoose.mongo;

/**
 * Server codes that mean "this node cannot do it now", not "what was asked is wrong": a primary stepping down
 * or an election (NotWritablePrimary 10107, NotPrimaryNoSecondaryOk 13435, NotPrimaryOrSecondary 13436,
 * PrimarySteppedDown 189, InterruptedDueToReplStateChange 11602), a shutdown (ShutdownInProgress 91,
 * InterruptedAtShutdown 11600), a node that cannot reach the others (HostUnreachable 6, HostNotFound 7,
 * NetworkTimeout 89, SocketException 9001, ExceededTimeLimit 262), and a write that could not be confirmed on
 * a majority (WriteConcernFailed 64, which is also wtimeoutMS running out). MongoDB labels most of them
 * RetryableWriteError; the driver retries such a write once by itself, and what still fails arrives here.
 */
const NOT_NOW_CODES: ReadonlySet<number> = new Set([6, 7, 64, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

function codeOf(error: object): unknown {
  return 'code' in error ? error.code : undefined;
}

/** A bulk write (or a single write) answered, but a majority did not confirm it: it may or may not stay. */
function lostAcknowledgement(error: object): boolean {
  if (error instanceof MongoWriteConcernError) return true;
  if ('writeConcernErrors' in error && Array.isArray(error.writeConcernErrors) && error.writeConcernErrors.length > 0) return true;
  if ('writeConcernError' in error && typeof error.writeConcernError === 'object' && error.writeConcernError !== null) return true;
  // A bulk write's error keeps its write concern error in its result (MongoBulkWriteError.result).
  const result = 'result' in error ? error.result : null;
  if (typeof result !== 'object' || result === null || !('getWriteConcernError' in result) || typeof result.getWriteConcernError !== 'function') return false;
  return Boolean(result.getWriteConcernError());
}

/**
 * The driver's ways of saying the database did not answer, or could not confirm (an election, a step-down,
 * a lost majority), as opposed to refusing what was asked.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoServerClosedError
  ) {
    return true;
  }
  if (!(error instanceof MongoError)) return false;
  const code = codeOf(error);
  return (typeof code === 'number' && NOT_NOW_CODES.has(code)) || error.hasErrorLabel('RetryableWriteError') || lostAcknowledgement(error);
}

/**
 * During a failover a write may have been applied and not confirmed, or confirmed by a primary that then
 * lost it: it is not known to be done. Every effect is keyed, so the same request again (its idempotency
 * key, Stripe's redelivery) applies it at most once and answers what happened.
 */
export const UNAVAILABLE_MESSAGE =
  'The database is not available (unreachable, or electing a primary): this request is not known to be done. Retry it with the same idempotency key; the answer then says what happened.';

function translated(error: unknown): unknown {
  if (!isDatabaseUnavailable(error)) return error;
  return Object.assign(new DomainError('unavailable', UNAVAILABLE_MESSAGE), { cause: error });
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
 * A collection whose failures to reach the database, or to have a write confirmed, surface as the domain's
 * `unavailable` (503, or 500 to a webhook so Stripe retries), so no caller above the store needs to know the
 * driver's error classes.
 */
export function unavailableAsDomainError<T extends mongo.Document>(collection: mongo.Collection<T>): mongo.Collection<T> {
  return around(collection);
}
