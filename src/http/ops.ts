import express, { Router } from 'express';
import type { Express } from 'express';
import type { Ping } from '../app/ports';
import type { Logger } from '../logger';
import { errorHandler, sendError } from './errors';
import { requestLogging } from './requestLog';

export interface OpsRouteDeps {
  health: Ping;
  /** The Prometheus text of this service's own registry. */
  scrapeMetrics: () => Promise<{ contentType: string; body: string }>;
}

/** Liveness: answers while the process serves HTTP, says nothing about anything. Served on every listener. */
export function livenessRoute(): Router {
  return Router().get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
}

/**
 * Readiness and metrics: sales and usage volumes, the Node version, whether the database answers (each probe a
 * database ping). For the orchestrator and the scraper, not the internet: in production they have a listener of
 * their own (METRICS_PORT), off the public port.
 */
export function readinessAndMetricsRoutes(deps: OpsRouteDeps): Router {
  const router = Router();
  router.get('/readyz', async (_req, res) => {
    const ok = await deps.health.ping();
    res.status(ok ? 200 : 503).json({ ok, mongodb: ok ? 'up' : 'down' });
  });
  // No key: counts and durations only, no customer ids or amounts per customer; the port is the boundary.
  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = await deps.scrapeMetrics();
    res.type(contentType).send(body);
  });
  return router;
}

/** The app of the METRICS_PORT listener: the probes and /metrics, nothing else. */
export function createOpsApp(deps: OpsRouteDeps & { logger: Logger }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(deps.logger));
  app.use(livenessRoute(), readinessAndMetricsRoutes(deps));
  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such route.'));
  app.use(errorHandler(deps.logger));
  return app;
}
