import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { LogEvent } from '../core/event.js';
import { openStore } from '../store/index.js';
import { RateHistory } from './rate-history.js';
import { buildApi } from './server.js';

const root = mkdtempSync(join(tmpdir(), 'anomalog-ui-'));
const built = join(root, 'web');
mkdirSync(join(built, 'assets', 'sub'), { recursive: true });
writeFileSync(join(built, 'index.html'), '<!doctype html><title>anomalog</title><script type="module" src="/assets/index-abc.js"></script>');
const js = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;
writeFileSync(join(built, 'assets', 'index-abc.js'), js);
writeFileSync(join(built, 'assets', 'index-abc.css'), 'body{color:#111}');
writeFileSync(join(built, 'assets', 'notes.txt'), 'not an asset type');
writeFileSync(join(root, 'secret.js'), 'outside the build');
const dirUrl = (d: string) => pathToFileURL(`${d}/`);
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

function api(dir: string, withProbe = false) {
  const clock = new ManualClock(1_700_000_040_000);
  const store = openStore(':memory:', { clock });
  const history = new RateHistory({ clock });
  const a = buildApi({ store, clock, version: 'test', history, uiDir: dirUrl(dir) });
  // What the http source adds: the Elasticsearch probe on the same path.
  if (withProbe) a.app.get('/', async () => ({ name: 'anomalog' }));
  return { ...a, store, clock, history };
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('static web UI', () => {
  it('serves index.html to browsers with a CSP, and the hashed assets with long caching and gzip', async () => {
    const { app, store } = api(built);
    const index = await app.inject({ url: '/', headers: html });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(index.body).toContain('/assets/index-abc.js');
    const plain = await app.inject({ url: '/assets/index-abc.js' });
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toMatch(/immutable/);
    expect(plain.body).toBe(js);
    const gz = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(js);
    expect((await app.inject({ url: '/assets/index-abc.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
    await app.close();
    store.close();
  });

  it('serves only the files listed at start, by name: no traversal, no other types, no later files', async () => {
    const { app, store } = api(built);
    writeFileSync(join(built, 'assets', 'late.js'), 'written after start');
    for (const url of ['/assets/late.js', '/assets/notes.txt', '/assets/sub', '/assets/..%2Fsecret.js', '/assets/..%2F..%2Fsecret.js', '/assets/%2e%2e%2fsecret.js', '/assets/../secret.js', '/index.html', '/secret.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toMatch(/outside the build|written after start/);
    }
    await app.close();
    store.close();
  });

  it('shares GET / with the Elasticsearch probe: HTML for browsers, JSON for the rest', async () => {
    const { app, store } = api(built, true);
    expect((await app.inject({ url: '/', headers: html })).body).toContain('<title>anomalog</title>');
    const probe = await app.inject({ url: '/', headers: { accept: 'application/json' } });
    expect(probe.json()).toEqual({ name: 'anomalog' });
    expect((await app.inject({ url: '/' })).json()).toEqual({ name: 'anomalog' });
    await app.close();
    store.close();
    // Without the probe (no http source), a non-browser client gets the API's 404.
    const bare = api(built);
    const res = await bare.app.inject({ url: '/', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_NOT_FOUND' });
    await bare.app.close();
    bare.store.close();
  });

  it('answers a clear 503 page when the UI is not built', async () => {
    const { app, store } = api(join(root, 'missing'));
    const res = await app.inject({ url: '/', headers: html });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('npm run build:web');
    expect((await app.inject({ url: '/assets/index-abc.js' })).statusCode).toBe(404);
    await app.close();
    store.close();
  });
});

describe('GET /api/stats', () => {
  it('returns the rate history, with template series on request, and refuses a malformed template key', async () => {
    const { app, store, history } = api(built);
    const e = (templateId: number): LogEvent => ({ ts: 0, source: 'file:/var/log/a:b.log', message: 'm', raw: 'm', templateId, template: 't', params: [] });
    history.addEvents([e(3), e(3), e(4)]);
    const res = await app.inject({ url: `/api/stats?template=${encodeURIComponent('file:/var/log/a:b.log:3')}&template=nope:9` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { totals: { lines: number }; sources: { source: string; totalLines: number }[]; templates: { source: string; templateId: number; counts: number[] | null }[] };
    expect(body.totals.lines).toBe(3);
    expect(body.sources).toEqual([expect.objectContaining({ source: 'file:/var/log/a:b.log', totalLines: 3 })]);
    expect(body.templates.map((t) => [t.source, t.templateId, t.counts?.at(-1) ?? null])).toEqual([
      ['file:/var/log/a:b.log', 3, 2],
      ['nope', 9, null],
    ]);
    for (const bad of ['template=no-colon', 'template=src:x', 'template=:4', 'other=1']) {
      const r = await app.inject({ url: `/api/stats?${bad}` });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_QUERY' });
    }
    await app.close();
    store.close();
  });
});
