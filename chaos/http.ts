/**
 * The chaos suite's HTTP client: node:http with keep-alive (fetch costs twice the CPU per request on
 * this machine, see bench/), every answer timed, and "no answer" (refused, reset, timed out) reported
 * as an outcome instead of thrown, because counting those is what the experiments are for.
 */
import { Agent, request as httpRequest } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';

export interface Answer {
  /** 0 when there was no answer: connection refused or reset, or no answer within the timeout. */
  status: number;
  contentType: string;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  ms: number;
  /** Why there was no answer (status 0). */
  failure?: string;
}

export interface RequestInput {
  method: string;
  /** Sent as is, so a test can send malformed percent-encoding. */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

export class HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly base: string) {}

  async send(input: RequestInput): Promise<Answer> {
    const url = new URL(this.base);
    const startedAt = performance.now();
    const elapsed = (): number => performance.now() - startedAt;
    return new Promise<Answer>((resolve) => {
      const noAnswer = (failure: string): void => resolve({ status: 0, contentType: '', text: '', json: undefined, ms: elapsed(), failure });
      const headers: OutgoingHttpHeaders = { ...input.headers };
      if (input.body !== undefined) headers['content-length'] = Buffer.byteLength(input.body);
      const req = httpRequest(
        { host: url.hostname, port: url.port, method: input.method, path: input.path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => noAnswer(`response broke off: ${error.message}`));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text, json: parseJson(text), ms: elapsed() });
          });
        },
      );
      req.setTimeout(input.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => req.destroy(new Error('timed out')));
      req.on('error', (error) => noAnswer(error.message));
      req.end(input.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A JSON object's field, for reading answers without casts. */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Reflect.get(value, key) : undefined;
}

/** What a browser page answers, errors included: an HTML document. */
export function isHtmlPage(answer: Answer): boolean {
  return answer.contentType.startsWith('text/html') && /^<!doctype html>/i.test(answer.text.trimStart());
}

/** The error body every non-2xx answer of the JSON API must have: `{ error: { type, message } }`. */
export function isJsonError(answer: Answer): boolean {
  const error = field(answer.json, 'error');
  return answer.contentType.startsWith('application/json') && typeof field(error, 'type') === 'string' && typeof field(error, 'message') === 'string';
}
