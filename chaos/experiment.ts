/**
 * The shape every experiment has: it gets the lab and the run's sizes, sets up, acts, judges, and returns
 * one line of figures and whether each pass criterion held. The runner prints and tallies.
 */
import type { Lab } from './lab';
import type { Random } from './random';
import type { Sizes } from './sizes';

export interface RunContext {
  lab: Lab;
  sizes: Sizes;
  random: Random;
  /** The run's start: stories are told relative to it. */
  now: Date;
  /** Progress on stderr, so stdout is only the report. */
  progress(message: string): void;
}

export interface Criterion {
  /** What must hold, in words, e.g. "0 lost". */
  name: string;
  held: boolean;
}

export interface Outcome {
  /** The experiment's figures, one line. */
  figures: string;
  criteria: Criterion[];
  /** Details printed under a failing experiment (first differences, last words of a dead process). */
  details: string[];
}

export interface Experiment {
  name: string;
  run(context: RunContext): Promise<Outcome>;
}

export const passed = (outcome: Outcome): boolean => outcome.criteria.every((c) => c.held);
