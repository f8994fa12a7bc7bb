import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../../config/schema.js';
import { systemClock } from '../../core/clock.js';
import { silentLogger } from '../../core/component.js';
import type { Anomaly } from '../../core/event.js';
import { buildService, type Service } from '../../topology/build.js';
import { rng } from '../../../test/harness/rng.js';
import { until } from '../../../test/harness/until.js';
import { registryKind, type StreamModelArtifact, TrainedModel } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'anomalog-model-serve-'));
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 30, 8);
const SOURCE = 'http:checkout';
const MESSAGES = ['GET /cart answered in {n} ms', 'cache hit for key user{n}', 'worker {n} heartbeat', 'db query finished after {n} ms', 'session {n} refreshed'];
const RATES = [30, 20, 10, 6, 3];

function config(): ServeConfig {
  return validate(
    {
      data_dir: join(dir, 'data'),
      server: { port: 0 },
      sources: [{ type: 'http' }],
      detectors: { novelty: { enabled: false }, rate: { enabled: false }, params: { enabled: false }, model: { enabled: true, min_windows: 30, episode_seconds: 0 } },
    },
    serveConfigSchema,
  );
}

/** NDJSON of window k: normal traffic, plus a burst of refused connections when `burst`. */
function window(k: number, burst = false): string {
  const r = rng(500 + k);
  const lines: { ts: number; text: string }[] = [];
  MESSAGES.forEach((m, t) => {
    const n = Math.round(RATES[t] * (0.7 + 0.6 * r()));
    for (let i = 0; i < n; i++) lines.push({ ts: T0 + k * MIN + Math.floor(r() * MIN), text: JSON.stringify({ ts: 0, level: t === 4 ? 'warn' : 'info', message: m.replace('{n}', String(Math.floor(r() * 1000))) }) });
  });
  if (burst) for (let i = 0; i < 300; i++) lines.push({ ts: T0 + k * MIN + i * 150, text: JSON.stringify({ ts: 0, level: 'error', message: `Connection to 10.0.${i % 7}.${i % 200} refused` }) });
  lines.sort((a, b) => a.ts - b.ts);
  return lines.map((l) => l.text.replace('"ts":0', `"ts":"${new Date(l.ts).toISOString()}"`)).join('\n') + '\n';
}

async function post(url: string, body: string): Promise<void> {
  const res = await fetch(`${url}/ingest?source=checkout`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
  expect(res.status).toBe(200);
}

const modelAnomalies = async (url: string): Promise<Anomaly[]> =>
  ((await (await fetch(`${url}/api/anomalies?limit=1000`)).json()) as { anomalies: Anomaly[] }).anomalies.filter((a) => a.detector === 'model');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('model detector in anomalog serve (HTTP ingest → parser → model → registry → API)', () => {
  let svc: Service | undefined;
  afterAll(async () => svc?.stop());

  // episode_seconds 0: the second burst, two minutes after the first, is reported on its own (episodes: stream.test.ts).
  it('trains in the background once enough windows arrived, flags a burst window, and reloads the model after a restart', async () => {
    svc = buildService(config(), { clock: systemClock, logger: silentLogger, version: 'test' });
    let { url } = await svc.start();
    for (let k = 0; k < 32; k++) await post(url, window(k));
    const stored = await until('a trained model in the registry', async () => svc?.store.activeModel<StreamModelArtifact>(registryKind(SOURCE)), 30_000);
    expect(stored).toMatchObject({ version: 1, active: true });
    expect(stored.artifact.training.windows).toBeGreaterThanOrEqual(30);
    expect(TrainedModel.fromArtifact(stored.artifact).features.vocabulary.size).toBeGreaterThanOrEqual(5);
    expect(await modelAnomalies(url)).toEqual([]);

    await post(url, window(32, true));
    await post(url, window(33)); // its first events close window 32
    const found = await until('the burst window flagged', async () => {
      const list = await modelAnomalies(url);
      return list.length > 0 ? list : undefined;
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ source: SOURCE, window: { start: T0 + 32 * MIN, end: T0 + 33 * MIN } });
    expect(found[0].title).toMatch(/^Window 2026-11-30 08:32–08:33 UTC on source http:checkout looks unusual: 'Connection to <IP> refused' seen 300 times, about 0 expected \(if model v1\)\.$/);
    await svc.stop();

    // Restart on the same data dir: the active model scores at once (no new warm-up of 30 windows).
    svc = buildService(config(), { clock: systemClock, logger: silentLogger, version: 'test' });
    ({ url } = await svc.start());
    await post(url, window(34, true));
    await post(url, window(35));
    const again = await until('the second burst flagged after the restart', async () => {
      const list = await modelAnomalies(url);
      return list.length > 1 ? list : undefined;
    });
    const second = again.find((a) => a.window?.start === T0 + 34 * MIN);
    expect(second?.title).toMatch(/\(if model v1\)\.$/);
  }, 60_000);
});
