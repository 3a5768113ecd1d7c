/**
 * How the service answered while its database did not (pure, unit-tested): answer times of the requests
 * that were waiting during an outage window, and whether `/readyz` said 503 quickly while it lasted.
 */
import { maximum, percentile } from './stats';

/** One request as the load saw it; times in ms on the performance clock. */
export interface Timed {
  kind: string;
  startedAt: number;
  ms: number;
  /** 0: no answer within the client's timeout, or the connection broke. */
  status: number;
}

export interface Window {
  name: string;
  from: number;
  to: number;
}

/** A request was waiting during the window if its lifetime overlaps it. */
export function overlaps(request: Timed, window: Window): boolean {
  return request.startedAt <= window.to && request.startedAt + request.ms >= window.from;
}

export interface OutageAnswers {
  requests: number;
  maxMs: number;
  p99Ms: number;
  /** Requests that waited longer than the limit (or got no answer at all). */
  overLimit: number;
  statuses: number[];
}

export function answersDuring(requests: readonly Timed[], windows: readonly Window[], limitMs: number): OutageAnswers {
  const during = requests.filter((r) => windows.some((w) => overlaps(r, w)));
  const times = during.map((r) => r.ms);
  return {
    requests: during.length,
    maxMs: maximum(times),
    p99Ms: percentile(times, 99),
    overLimit: during.filter((r) => r.ms > limitMs || r.status === 0).length,
    statuses: during.map((r) => r.status),
  };
}

export interface ReadinessWhileDown {
  probes: number;
  /** Probes that answered anything but 503, or took longer than the limit. */
  wrong: number;
  maxMs: number;
}

/**
 * Probes sent while the database was down, early enough that the outage outlasted the limit: each must
 * answer 503 within the limit (a probe that hangs past the outage's end is judged, and wrong). A probe
 * sent in the first `graceMs` of an outage may have pinged before the database stopped: not judged.
 */
export function readinessWhileDown(probes: readonly Timed[], windows: readonly Window[], input: { limitMs: number; graceMs: number }): ReadinessWhileDown {
  const judged = probes.filter((p) => windows.some((w) => p.startedAt >= w.from + input.graceMs && p.startedAt <= w.to - input.limitMs));
  return {
    probes: judged.length,
    wrong: judged.filter((p) => p.status !== 503 || p.ms > input.limitMs).length,
    maxMs: maximum(judged.map((p) => p.ms)),
  };
}
