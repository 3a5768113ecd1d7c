import request from 'supertest';
import type { Express } from 'express';

/** The value of one sample of a Prometheus text exposition, matched by name and exact labels; 0 when absent. */
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]+=")/)
      .filter((p) => p !== '')
      .sort()
      .join(',');
    if (have === wanted) return Number(match[3]);
  }
  return 0;
}

/** Scrapes GET /metrics as Prometheus would: no credentials. */
export async function scrape(app: Express): Promise<string> {
  const res = await request(app).get('/metrics').expect(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.text;
}
