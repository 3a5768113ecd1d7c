import type { Catalog } from '../domain/catalog';
import { loadCatalog } from './catalog';
import { type AppConfig, parseEnv } from './env';

export { ConfigError, describeConfigError } from './errors';
export { parseEnv, type AppConfig, type LogLevel, type ReturnUrlPolicy, LOG_LEVELS, CONFIG_VARIABLES } from './env';
export { parseCatalog, loadCatalog } from './catalog';

/** Parsed once at start-up by the composition root; throws ConfigError naming the first bad field. */
export function loadConfig(env: Record<string, string | undefined>): { config: AppConfig; catalog: Catalog } {
  const config = parseEnv(env);
  return { config, catalog: loadCatalog(config.creditsConfigPath) };
}
