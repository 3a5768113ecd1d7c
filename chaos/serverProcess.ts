/**
 * One instance of the real service (`src/server.ts`) as a child process, the way it runs in production:
 * its own process, environment variables only, from a scratch directory (so no developer `.env` is read).
 * The experiments kill it with SIGKILL and start it again on the same port.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { HttpClient } from './http';

export const projectRoot = join(__dirname, '..');
/** tsx loaded by absolute URL: the child runs from a scratch directory with no node_modules. */
export const tsxLoader = pathToFileURL(join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/**
 * A memory ceiling like a container's: a runaway request (issue 11's poison event grew the heap to 4.5 GiB)
 * ends the instance quickly instead of starving the machine, and shows up as an instance that died.
 */
const HEAP_LIMIT_MB = 768;
const START_TIMEOUT_MS = 60_000;

export interface ServerInput {
  name: string;
  port: number;
  env: Record<string, string>;
  /** Working directory: a scratch directory without `.env`. */
  cwd: string;
}

export class ServerProcess {
  readonly client: HttpClient;
  private child: ChildProcess | null = null;
  private stderrTail = '';
  /** Deaths this harness did not cause (SIGKILLs it sent are not counted). */
  unexpectedExits = 0;

  constructor(private readonly input: ServerInput) {
    this.client = new HttpClient(`http://127.0.0.1:${input.port}`);
  }

  get name(): string {
    return this.input.name;
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves once `/healthz` answers 200. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MB}`, '--import', tsxLoader, join(projectRoot, 'src', 'server.ts')], {
      cwd: this.input.cwd,
      env: { PATH: process.env.PATH ?? '', PORT: String(this.input.port), ...this.input.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    child.once('exit', () => {
      if (this.child === child) this.unexpectedExits += 1;
    });
    await this.untilHealthy(child);
  }

  private async untilHealthy(child: ChildProcess): Promise<void> {
    const deadline = performance.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited during start-up (${child.exitCode ?? child.signalCode}):\n${this.stderrTail}`);
      }
      const answer = await this.client.send({ method: 'GET', path: '/healthz', timeoutMs: 2000 });
      if (answer.status === 200) return;
      if (performance.now() > deadline) throw new Error(`${this.name} did not answer /healthz within ${START_TIMEOUT_MS} ms`);
      await sleep(50);
    }
  }

  /** After a request got no answer: resolves true if the process has exited (or does within `ms`). */
  async exitedWithin(ms: number): Promise<boolean> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return true;
    return Promise.race([once(child, 'exit').then(() => true), sleep(ms, false)]);
  }

  /** `kill -9`: no shutdown hook runs, in-flight requests get no answer. */
  async kill9(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM and wait (the graceful shutdown the service implements); SIGKILL if it takes too long. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    this.client.close();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(25_000, false)]);
    if (!stopped) {
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** What the process last said on stderr: its fatal error if it named one (V8's out-of-memory report), else the last line. */
  get lastWords(): string {
    const lines = this.stderrTail.trim().split('\n');
    return (lines.find((line) => /FATAL|out of memory|Error:/.test(line)) ?? lines.at(-1) ?? '').trim();
  }
}
