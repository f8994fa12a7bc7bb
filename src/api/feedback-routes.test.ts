import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { ManualClock, systemClock } from '../core/clock.js';
import { silentLogger } from '../core/component.js';
import type { Anomaly } from '../core/event.js';
import { createFeedback, feedbackConfigSchema } from '../feedback/index.js';
import { openStore } from '../store/index.js';
import { buildService } from '../topology/build.js';
import { until } from '../../test/harness/until.js';
import { buildApi } from './server.js';

const anomaly = (id: string, ts: number, over: Partial<Anomaly> = {}): Anomaly => ({
  id,
  ts,
  source: 'api',
  detector: 'rate',
  score: 5,
  severity: 'warning',
  title: `Spike ${id}.`,
  explanation: [{ feature: 'template_spike', templateId: 4, observed: 30, expected: 2, contribution: 5 }],
  context: ['<script>x</script>'],
  templateId: 4,
  ...over,
});

function api() {
  const clock = new ManualClock(1_000_000);
  const store = openStore(':memory:', { clock });
  const { service, policy } = createFeedback({ store, clock, detectors: [], config: feedbackConfigSchema.parse({}) });
  const { app } = buildApi({ store, clock, version: 't', feedback: service });
  return { app, store, clock, policy };
}

describe('feedback API', () => {
  it('stores feedback, returns it with the anomaly (newest first), and shows status in the list', async () => {
    const { app, store, clock } = api();
    store.insertAnomalies([anomaly('a', 1), anomaly('b', 2, { templateId: 5 })]);
    const post = (id: string, body: unknown) => app.inject({ method: 'POST', url: `/api/anomalies/${id}/feedback`, payload: body as object });
    const r1 = await post('a', { verdict: 'noise', user: 'ana', comment: 'cron <b>job</b>' });
    expect(r1.statusCode).toBe(201);
    expect(r1.json()).toEqual({ id: 1, anomalyId: 'a', verdict: 'noise', createdAt: 1_000_000, detector: 'rate', source: 'api', templateId: 4, user: 'ana', comment: 'cron <b>job</b>' });
    clock.advance(1000);
    const r2 = await post('a', { verdict: 'mute', muteFor: '2h' });
    expect(r2.json()).toMatchObject({ verdict: 'mute', muteUntil: 1_001_000 + 7_200_000 });
    const one = (await app.inject({ url: '/api/anomalies/a' })).json() as Anomaly & { feedback: { verdict: string }[] };
    expect(one.status).toBe('mute');
    expect(one.feedback.map((f) => f.verdict)).toEqual(['mute', 'noise']);
    const b = (await app.inject({ url: '/api/anomalies/b' })).json() as { status: string; feedback: unknown[] };
    expect(b).toMatchObject({ status: 'open', feedback: [] });
    const list = (await app.inject({ url: '/api/anomalies' })).json() as { anomalies: Anomaly[] };
    expect(list.anomalies.map((x) => [x.id, x.status])).toEqual([
      ['b', 'open'],
      ['a', 'mute'],
    ]);
    const muted = (await app.inject({ url: '/api/anomalies?status=mute' })).json() as { anomalies: Anomaly[] };
    expect(muted.anomalies.map((x) => x.id)).toEqual(['a']);
    expect((await app.inject({ url: '/api/anomalies?status=open' })).json()).toMatchObject({ anomalies: [{ id: 'b' }] });
    expect((await app.inject({ url: '/api/anomalies?status=closed' })).statusCode).toBe(400);
  });

  it('refuses a bad body with a 400 naming the field, and an unknown anomaly with a 404', async () => {
    const { app, store } = api();
    store.insertAnomalies([anomaly('a', 1)]);
    const post = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: `/api/anomalies/${id}/feedback`, payload: payload as string, headers });
    const cases: [unknown, RegExp][] = [
      [{ verdict: 'maybe' }, /field verdict/],
      [{}, /field verdict/],
      [{ verdict: 'mute', muteFor: 'two hours' }, /field muteFor/],
      [{ verdict: 'noise', muteFor: '2h' }, /field muteFor: is only allowed with verdict "mute"/],
      [{ verdict: 'noise', who: 'x' }, /field who/],
      [{ verdict: 'noise', user: '' }, /field user/],
      [{ verdict: 'noise', comment: 7 }, /field comment/],
      [[1, 2], /field body/],
    ];
    for (const [body, msg] of cases) {
      const r = await post('a', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_BODY' });
      expect(r.json().error).toMatch(msg);
    }
    expect((await post('a', '{"verdict":', { 'content-type': 'application/json' })).statusCode).toBe(400);
    const missing = await post('nope', { verdict: 'real' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_NOT_FOUND' });
    expect(store.feedback.query().feedback).toEqual([]);
  });

  it('exports feedback in JSON pages and as NDJSON, filtered', async () => {
    const { app, store, clock } = api();
    store.insertAnomalies([anomaly('a', 1), anomaly('b', 2)]);
    for (let i = 0; i < 5; i++) {
      clock.advance(10);
      await app.inject({ method: 'POST', url: `/api/anomalies/${i % 2 ? 'a' : 'b'}/feedback`, payload: { verdict: i % 2 ? 'noise' : 'real', user: `u${i}` } });
    }
    const p1 = (await app.inject({ url: '/api/feedback?limit=3' })).json() as { feedback: { user: string }[]; next: string };
    expect(p1.feedback.map((f) => f.user)).toEqual(['u4', 'u3', 'u2']);
    const p2 = (await app.inject({ url: `/api/feedback?limit=3&next=${p1.next}` })).json() as { feedback: { user: string }[]; next: null };
    expect(p2).toMatchObject({ next: null });
    expect(p2.feedback.map((f) => f.user)).toEqual(['u1', 'u0']);
    expect(((await app.inject({ url: '/api/feedback?verdict=noise' })).json() as { feedback: unknown[] }).feedback).toHaveLength(2);
    const nd = await app.inject({ url: '/api/feedback?format=ndjson&verdict=real' });
    expect(nd.statusCode).toBe(200);
    expect(nd.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = nd.body.trim().split('\n').map((l) => JSON.parse(l) as { user: string; verdict: string });
    expect(lines.map((l) => l.user)).toEqual(['u4', 'u2', 'u0']);
    expect((await app.inject({ url: '/api/feedback?format=xml' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/feedback?next=bad' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/feedback?format=ndjson&next=bad' })).statusCode).toBe(400);
  });

  it('lists the running rules with what they suppressed; a newer verdict undoes one', async () => {
    const { app, store, clock, policy } = api();
    store.insertAnomalies([anomaly('a', 1, { explanation: [{ feature: 'template_spike', templateId: 4, template: 'GET <*> took <NUM> ms', observed: 30, expected: 2, contribution: 5 }] })]);
    const post = (id: string, body: unknown) => app.inject({ method: 'POST', url: `/api/anomalies/${id}/feedback`, payload: body as object });
    const rules = async () => (await app.inject({ url: '/api/feedback/rules' })).json() as { rules: Record<string, unknown>[]; kinds: Record<string, unknown>[] };
    expect(await rules()).toEqual({ rules: [], kinds: [] });
    expect((await post('a', { verdict: 'noise' })).statusCode).toBe(201);
    // The next spike of the same template is suppressed and counted on the rule.
    expect(policy.apply([anomaly('a2', 2)])).toEqual([]);
    expect(await rules()).toEqual({
      rules: [{ detector: 'rate', source: 'api', templateId: 4, template: 'GET <*> took <NUM> ms', verdict: 'noise', hits: 1, anomalyId: 'a' }],
      kinds: [{ detector: 'rate', source: 'api', feature: 'template_spike', noise: 1, real: 0, suppressing: false }],
    });
    // Undo: a one-second mute replaces the noise, then lapses; the next spike is kept.
    expect((await post('a', { verdict: 'mute', muteFor: '1s' })).statusCode).toBe(201);
    expect((await rules()).rules).toMatchObject([{ verdict: 'mute', until: clock.now() + 1000 }]);
    clock.advance(2000);
    expect(policy.apply([anomaly('a3', 3)]).map((x) => x.id)).toEqual(['a3']);
    expect((await rules()).rules).toEqual([]);
  });

  it('answers 503 when the API was built without feedback', async () => {
    const clock = new ManualClock(0);
    const { app } = buildApi({ store: openStore(':memory:', { clock }), clock, version: 't' });
    expect((await app.inject({ url: '/api/feedback' })).statusCode).toBe(503);
    expect((await app.inject({ url: '/api/feedback/rules' })).statusCode).toBe(503);
  });
});

describe('feedback through the running service (buildService)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-feedback-'));
  const log = join(dir, 'hdfs.log');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = (): ServeConfig =>
    validate(
      {
        data_dir: join(dir, 'data'),
        server: { port: 0 },
        parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
        sources: [{ type: 'file_tail', paths: [log], poll_interval_ms: 20 }],
        detectors: { novelty: { warmup_events: 20, rare_count: 1, rare_half_life_events: 3 }, rate: { enabled: false }, params: { enabled: false } },
      },
      serveConfigSchema,
    );
  // One frequent template as the normal traffic; two incident templates that become rare again after it.
  const normal = (from: number, n: number, hhmm: string) =>
    Array.from({ length: n }, (_, i) => `081109 ${hhmm}${String(i % 60).padStart(2, '0')} 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_${from + i} terminating`).join('\n') + '\n';
  const disk = (t: string, n: number) => `081109 ${t} 2561 ERROR dfs.DataNode: Disk failure on volume /data/${n} while writing blk_${n}\n`;
  const checksum = (t: string, n: number) => `081109 ${t} 2561 ERROR dfs.DataNode: Checksum mismatch in block blk_${n} on /data/${n}\n`;
  const list = async (url: string, q = '') => ((await (await fetch(`${url}/api/anomalies?limit=1000${q}`)).json()) as { anomalies: Anomaly[] }).anomalies;
  const count = (as: Anomaly[], re: RegExp) => as.filter((a) => re.test(a.title)).length;

  it('noise given over HTTP suppresses the next anomaly of that kind, also after a restart; others still reported', { timeout: 30_000 }, async () => {
    writeFileSync(log, normal(0, 30, '2035'));
    const a = buildService(config(), { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url } = await a.start();
    await until('the normal lines', async () => (a.engine.stats.events >= 30 ? true : undefined));
    appendFileSync(log, disk('210000', 1) + checksum('210001', 1));
    const first = await until('two new message types', async () => {
      const l = await list(url);
      return l.length >= 2 ? l : undefined;
    });
    const diskAnomaly = first.find((x) => /Disk failure/.test(x.title))!;
    expect(first.every((x) => x.status === 'open')).toBe(true);
    const res = await fetch(`${url}/api/anomalies/${diskAnomaly.id}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verdict: 'noise', user: 'ops', comment: 'known flaky disk' }),
    });
    expect(res.status).toBe(201);
    expect((await list(url, '&status=noise')).map((x) => x.id)).toEqual([diskAnomaly.id]);

    // Both templates become rare again; only the checksum one is reported.
    appendFileSync(log, normal(100, 12, '2110') + disk('211500', 2) + checksum('211501', 2));
    const second = await until('the rare checksum anomaly', async () => {
      const l = await list(url);
      return count(l, /Checksum mismatch/) >= 2 ? l : undefined;
    });
    expect(count(second, /Disk failure/)).toBe(1);
    const health = (await (await fetch(`${url}/api/health`)).json()) as { feedback: { suppressed: number; rules: number } };
    expect(health.feedback).toMatchObject({ suppressed: 1, rules: 1 });
    await a.stop();

    // The rule is rebuilt from the store at start.
    appendFileSync(log, normal(200, 12, '2120') + disk('212500', 3) + checksum('212501', 3));
    const b = buildService(config(), { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url: url2 } = await b.start();
    const third = await until('the third checksum anomaly', async () => {
      const l = await list(url2);
      return count(l, /Checksum mismatch/) >= 3 ? l : undefined;
    });
    expect(count(third, /Disk failure/)).toBe(1);
    expect(b.engine.stats.anomalies).toBe(1);
    await b.stop();
  });

  it('real given over HTTP makes the problem alert again when it recurs (worker host), noise on that report stops it, across a restart', { timeout: 60_000 }, async () => {
    const watchLog = join(dir, 'watch.log');
    const cfg = (): ServeConfig =>
      validate(
        {
          data_dir: join(dir, 'watch-data'),
          server: { port: 0 },
          parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
          sources: [{ type: 'file_tail', paths: [watchLog], poll_interval_ms: 20 }],
          // Novelty with a fixed warm-up and no "rare": a message type is news once, then never again.
          detectors: { novelty: { warmup_events: 20 }, rate: { enabled: false }, params: { enabled: false }, model: { enabled: false } },
        },
        serveConfigSchema,
      );
    writeFileSync(watchLog, normal(0, 30, '2035'));
    const a = buildService(cfg(), { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url } = await a.start();
    await until('the normal lines', async () => (a.engine.stats.events >= 30 ? true : undefined));
    appendFileSync(watchLog, disk('210000', 1) + checksum('210001', 1));
    const first = await until('two new message types', async () => {
      const l = await list(url);
      return l.length >= 2 ? l : undefined;
    });
    expect(first.map((x) => x.detector)).toEqual(['novelty', 'novelty']);
    const post = async (id: string, verdict: string) =>
      (await fetch(`${url}/api/anomalies/${id}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verdict, user: 'ops' }) })).status;
    // The disk failure is a real problem; the checksum message gets no answer.
    expect(await post(first.find((x) => /Disk failure/.test(x.title))!.id, 'real')).toBe(201);

    // Both come back two hours later (log time): only the confirmed one is reported, by `watch`.
    appendFileSync(watchLog, normal(100, 12, '2210') + disk('221500', 2) + checksum('221501', 2));
    const again = await until('the recurrence', async () => {
      const l = await list(url);
      return l.some((x) => x.detector === 'watch') ? l : undefined;
    });
    await until('the lines processed', async () => (a.engine.stats.events >= 46 ? true : undefined));
    const watched = (await list(url)).filter((x) => x.detector === 'watch');
    expect(watched).toHaveLength(1);
    expect(watched[0].title).toMatch(/^Confirmed problem again on .*Disk failure/);
    expect(watched[0].severity).toBe(again.find((x) => x.detector === 'novelty' && /Disk failure/.test(x.title))!.severity);
    expect(count(await list(url), /Checksum mismatch/)).toBe(1);
    const health = (await (await fetch(`${url}/api/health`)).json()) as { feedback: { confirmed: number } };
    expect(health.feedback.confirmed).toBe(1);
    await a.stop();

    // After a restart the watch is rebuilt from the stored feedback: the next recurrence is reported.
    appendFileSync(watchLog, normal(200, 12, '2325') + disk('233000', 3) + disk('233010', 4));
    const b = buildService(cfg(), { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url: url2 } = await b.start();
    const afterRestart = await until('the recurrence after the restart', async () => {
      const l = (await list(url2)).filter((x) => x.detector === 'watch');
      return l.length >= 2 ? l : undefined;
    });
    // Both lines within a minute are one burst: one report.
    await until('the lines processed', async () => (b.engine.stats.events >= 14 ? true : undefined));
    expect((await list(url2)).filter((x) => x.detector === 'watch')).toHaveLength(2);
    // "Not a problem any more": noise on the latest report ends the watch.
    const latest = afterRestart.sort((x, y) => y.ts - x.ts)[0];
    const res = await fetch(`${url2}/api/anomalies/${latest.id}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verdict: 'noise' }) });
    expect(res.status).toBe(201);
    // The next day (another burst, well past an hour): not reported any more.
    const nextDay = (line: string) => line.replace(/^081109 /gm, '081110 ');
    appendFileSync(watchLog, nextDay(normal(300, 12, '0100') + disk('010500', 5) + normal(400, 20, '0106')));
    await until('the lines processed', async () => (b.engine.stats.events >= 14 + 33 ? true : undefined));
    expect((await list(url2)).filter((x) => x.detector === 'watch')).toHaveLength(2);
    // The watch detector itself let go (in the worker): nothing needed suppressing afterwards.
    const health2 = (await (await fetch(`${url2}/api/health`)).json()) as { feedback: { suppressed: number } };
    expect(health2.feedback.suppressed).toBe(0);
    await b.stop();
  });

  it('on a source whose new types were dismissed, a new type is held back and reported when it comes back (worker host, hold_new_share)', { timeout: 60_000 }, async () => {
    const holdLog = join(dir, 'hold.log');
    const cfg = validate(
      {
        data_dir: join(dir, 'hold-data'),
        server: { port: 0 },
        parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
        sources: [{ type: 'file_tail', paths: [holdLog], poll_interval_ms: 20 }],
        detectors: { novelty: { warmup_events: 20 }, rate: { enabled: false }, params: { enabled: false }, model: { enabled: false } },
        // One dismissed first sighting is enough here (the default needs five, 80% of those judged).
        feedback: { kind_noise_min: 1, hold_new_share: 0.5 },
      },
      serveConfigSchema,
    );
    writeFileSync(holdLog, normal(0, 30, '2035'));
    const a = buildService(cfg, { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url } = await a.start();
    await until('the normal lines', async () => (a.engine.stats.events >= 30 ? true : undefined));
    appendFileSync(holdLog, disk('210000', 1));
    const [first] = await until('the first new type', async () => {
      const l = await list(url);
      return l.length >= 1 ? l : undefined;
    });
    expect((await fetch(`${url}/api/anomalies/${first.id}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verdict: 'noise' }) })).status).toBe(201);
    const rules = (await (await fetch(`${url}/api/feedback/rules`)).json()) as { kinds: { detector: string; feature: string; noise: number; holding?: boolean }[] };
    expect(rules.kinds).toContainEqual(expect.objectContaining({ detector: 'novelty', feature: 'new_template', noise: 1, holding: true }));
    // A second new type: held, not stored.
    appendFileSync(holdLog, normal(100, 5, '2105') + checksum('211000', 1));
    await until('the checksum line held', async () => {
      const h = (await (await fetch(`${url}/api/health`)).json()) as { feedback: { held: number } };
      return h.feedback.held === 1 ? true : undefined;
    });
    expect(count(await list(url), /Checksum mismatch/)).toBe(0);
    // It comes back two hours later (log time): reported once by the watch detector in the worker thread.
    appendFileSync(holdLog, normal(200, 12, '2305') + checksum('231500', 2) + checksum('231510', 3));
    const back = await until('the held type back', async () => {
      const l = (await list(url)).filter((x) => x.detector === 'watch');
      return l.length >= 1 ? l : undefined;
    });
    await until('the lines processed', async () => (a.engine.stats.events >= 30 + 1 + 6 + 14 ? true : undefined));
    expect((await list(url)).filter((x) => x.detector === 'watch')).toHaveLength(1);
    expect(back[0].title).toMatch(/^New message type back on .*Checksum mismatch.*first seen 2008-11-09 21:10 UTC; held until now/);
    expect(back[0].explanation[0].feature).toBe('held_new_template');
    await a.stop();
  });
});
