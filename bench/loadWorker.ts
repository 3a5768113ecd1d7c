/**
 * The bench's load generator, on a thread of its own: it sends prepared requests over keep-alive HTTP, a fixed
 * number in flight, so the client's CPU is not charged to the service's event loop (a real service's clients
 * are elsewhere). It answers how long they took and any answer that was not the expected status.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadJob, LoadResult, PreparedRequest } from './load';

function send(base: string, agent: Agent, prepared: PreparedRequest): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(`${base}${prepared.path}`, { method: prepared.method, headers: prepared.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end(prepared.body);
  });
}

async function run(job: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.inFlight });
  const unexpected: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: job.inFlight }, async () => {
      while (next < job.requests.length) {
        const prepared = job.requests[next++];
        if (!prepared) continue;
        const status = await send(job.base, agent, prepared);
        if (!prepared.expect.includes(status)) unexpected.push(`${prepared.method} ${prepared.path} answered ${status}`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { seconds, unexpected };
}

const job: LoadJob = workerData;
void run(job).then((result) => parentPort?.postMessage(result));
