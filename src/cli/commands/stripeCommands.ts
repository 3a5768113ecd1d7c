import type { AdminCommand } from '../command';
import { eventReplayerOf, reconcileDepsOf } from '../stripeTools';
import { RECONCILE_USAGE, reconcileCommand } from './reconcile';
import { REPLAY_USAGE, replayCommand } from './replay';

/** reconcile and replay report their own usage errors and exit codes; these only give them the service. */
export const reconcileAdminCommand: AdminCommand = {
  name: 'reconcile',
  summary: 'compare Stripe with the ledger; --fix applies what is missing through the webhook path',
  usage: RECONCILE_USAGE,
  run: (argv, deps) => reconcileCommand(argv, { open: async () => reconcileDepsOf(await deps.open()), clock: deps.clock, io: deps.io }),
};

export const replayAdminCommand: AdminCommand = {
  name: 'replay',
  summary: "apply Stripe's events since a time, one event, or the parked ones again (idempotent)",
  usage: REPLAY_USAGE,
  run: (argv, deps) => replayCommand(argv, { open: async () => eventReplayerOf(await deps.open()), clock: deps.clock, io: deps.io }),
};
