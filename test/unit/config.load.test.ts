import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

function catalogFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'credits-config-')), 'credits.config.json');
  const catalog = { plans: [], topups: [{ price: 'price_topup_1k', credits: 1000 }] };
  writeFileSync(path, JSON.stringify(catalog));
  return path;
}

describe('loadConfig', () => {
  it('when the environment is valid, then the catalog is read from CREDITS_CONFIG', () => {
    const { config, catalog } = loadConfig({ STRIPE_WEBHOOK_SECRET: 'whsec_test', CREDITS_CONFIG: catalogFile() });
    expect(config.webhookSecrets).toEqual(['whsec_test']);
    expect(catalog.topups).toEqual([{ price: 'price_topup_1k', credits: 1000 }]);
  });

  it('when the environment is invalid, then start-up fails on it before the catalog is read', () => {
    const env = { CREDITS_CONFIG: join(tmpdir(), 'missing-credits-dir', 'credits.config.json') };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(expect.objectContaining({ field: 'STRIPE_WEBHOOK_SECRET' }));
  });
});
