/**
 * How big each experiment is: the full run (the figures in the README, under 10 minutes on 2 cores)
 * and `--short` (CI, under 2 minutes), whose sizes still exercise every failure mode.
 */
export interface Sizes {
  mode: 'full' | 'short';
  storm: { events: number; maxDeliveries: number; inFlight: number };
  killLoop: { events: number; kills: number; inFlight: number };
  racing: { hotDebits: number; hotReplays: number; accounts: number; debitsPerAccount: number; inFlight: number };
  freeze: { freezeMs: number; downMs: number; inFlight: number };
  fuzz: { runsPerRoute: number };
}

export const FULL: Sizes = {
  mode: 'full',
  storm: { events: 2000, maxDeliveries: 4, inFlight: 16 },
  killLoop: { events: 1000, kills: 15, inFlight: 8 },
  racing: { hotDebits: 1000, hotReplays: 300, accounts: 100, debitsPerAccount: 10, inFlight: 24 },
  freeze: { freezeMs: 10_000, downMs: 5_000, inFlight: 12 },
  fuzz: { runsPerRoute: 300 },
};

export const SHORT: Sizes = {
  mode: 'short',
  storm: { events: 300, maxDeliveries: 4, inFlight: 16 },
  killLoop: { events: 150, kills: 3, inFlight: 8 },
  racing: { hotDebits: 200, hotReplays: 60, accounts: 20, debitsPerAccount: 5, inFlight: 16 },
  freeze: { freezeMs: 6_000, downMs: 3_000, inFlight: 8 },
  fuzz: { runsPerRoute: 25 },
};
