/**
 * The mutex moved to src/store with the SecantusDB commit while src/app/accounts.ts still imports it
 * from here; accounts.ts belongs to the store rewrite, so this re-export keeps the build whole until
 * that rewrite lands (delete it then).
 */
export { KeyedMutex } from '../store/keyedMutex';
