import { Worker } from 'node:worker_threads';

export interface PreparedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Statuses that count as success. */
  expect: number[];
}

export interface LoadJob {
  base: string;
  inFlight: number;
  requests: PreparedRequest[];
}

export interface LoadResult {
  seconds: number;
  unexpected: string[];
}

/** Sends the requests from a worker thread (bench/loadWorker.ts); rejects when any answer was unexpected. */
export function sendLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((done, fail) => {
    // The worker is TypeScript too: its first lines register tsx's loader for CommonJS, then load it.
    const boot = `require('tsx/cjs'); require(${JSON.stringify(require.resolve('./loadWorker.ts'))});`;
    const worker = new Worker(boot, { eval: true, workerData: job });
    worker.once('message', (result: LoadResult) => {
      void worker.terminate();
      if (result.unexpected.length > 0) fail(new Error(`${result.unexpected.length} unexpected answers, e.g. ${result.unexpected[0]}`));
      else done(result);
    });
    worker.once('error', fail);
  });
}
