import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/component.js';
import type { Anomaly } from '../core/event.js';
import { buildService } from './build.js';
import { until } from '../../test/harness/until.js';

const dir = mkdtempSync(join(tmpdir(), 'anomalog-serve-'));
const log = join(dir, 'hdfs.log');
const sample = readFileSync(new URL('../../test/fixtures/logs/loghub-samples/HDFS.log', import.meta.url), 'utf8').split(/\r?\n/);

function config(): ServeConfig {
  return validate(
    {
      data_dir: join(dir, 'data'),
      server: { port: 0 },
      parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
      sources: [{ type: 'file_tail', paths: [log], poll_interval_ms: 20 }],
      detectors: { novelty: { warmup_events: 20, rare_count: 0 }, rate: { enabled: false }, params: { enabled: false } },
    },
    serveConfigSchema,
  );
}

const anomalies = async (url: string) => ((await (await fetch(`${url}/api/anomalies?limit=1000`)).json()) as { anomalies: Anomaly[] }).anomalies;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('anomalog serve (file tail → parser → novelty → SQLite → API)', () => {
  it('flags a new message type seconds after it is written, and resumes without loss or duplicates', async () => {
    const normal = Array.from({ length: 30 }, (_, i) => sample[i % sample.length]).join('\n') + '\n';
    writeFileSync(log, normal);
    const a = buildService(config(), { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url } = await a.start();
    await until('the normal lines', async () => (a.engine.stats.events >= 30 ? true : undefined));
    const early = await anomalies(url);
    expect(early.map((x) => x.title)).toEqual([]);
    appendFileSync(log, '081109 214043 2561 ERROR dfs.DataNode: Disk failure on volume /data/3 while writing blk_42\n');
    const found = await until('the anomaly', async () => {
      const list = await anomalies(url);
      return list.length > 0 ? list : undefined;
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ detector: 'novelty', source: `file:${log}` });
    expect(found[0].title).toMatch(/Disk failure/);
    const health = (await (await fetch(`${url}/api/health`)).json()) as { status: string; memory: { rss: number; threads: { thread: string; heapUsed: number; heapTotal: number }[] } };
    expect(health.status).toBe('ok');
    // Where the memory goes: this thread's heap and the engine thread's (reported with each batch it processed).
    const [main, ...engines] = health.memory.threads;
    expect(main.thread).toBe('main');
    expect(main.heapUsed).toBeGreaterThan(1 << 20);
    expect(engines.map((t) => t.thread)).toEqual(engines.map((_, i) => `engine-${i}`));
    // The thread that owns the source processed its batches: it reported its heap with them.
    expect(Math.max(...engines.map((t) => t.heapUsed))).toBeGreaterThan(1 << 20);
    expect(health.memory.rss).toBeGreaterThan(health.memory.threads[0].heapTotal);
    await a.stop();

    // Lines written while the service is down are read after the restart, exactly once.
    appendFileSync(log, '081109 214044 2561 ERROR dfs.DataNode: Checksum mismatch in block blk_43 on /data/3\n');
    const b = buildService(config(), { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url: url2 } = await b.start();
    const after = await until('the second anomaly', async () => {
      const list = await anomalies(url2);
      return list.length >= 2 ? list : undefined;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(b.engine.stats.events).toBe(1);
    expect(after.map((x) => x.title).join(' ')).toMatch(/Checksum mismatch/);
    expect((await anomalies(url2)).length).toBe(2);
    await b.stop();
  });
});

describe('per-source parsing (format on a source entry overrides parser.format)', () => {
  it('parses each tailed file with its own format', async () => {
    const hdfs = join(dir, 'per-source-hdfs.log');
    const app = join(dir, 'per-source-app.log');
    writeFileSync(hdfs, sample.slice(0, 5).join('\n') + '\n');
    writeFileSync(app, 'ts=2026-11-30T10:00:00Z level=info msg="user logged in" user=7\nts=2026-11-30T10:00:01Z level=info msg="user logged in" user=8\n');
    const cfg = validate(
      {
        data_dir: join(dir, 'data-per-source'),
        server: { port: 0 },
        parser: { format: 'plain' },
        sources: [
          { type: 'file_tail', paths: [hdfs], poll_interval_ms: 20, format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
          { type: 'file_tail', paths: [app], poll_interval_ms: 20, format: 'logfmt' },
        ],
        detectors: { rate: { enabled: false }, params: { enabled: false } },
      },
      serveConfigSchema,
    );
    const svc = buildService(cfg, { clock: systemClock, logger: silentLogger, version: 'test' });
    await svc.start();
    try {
      await until('both files', async () => (svc.engine.stats.events >= 7 ? true : undefined));
      // Template counts are written at the next checkpoint (≤ 1 s).
      const templates = await until('their templates', async () => {
        const t = svc.store.listTemplates({ limit: 100 }).templates;
        return t.reduce((n, x) => n + x.count, 0) >= 7 ? t : undefined;
      });
      const of = (path: string) => templates.filter((t) => t.source === `file:${path}`).map((t) => t.template);
      // The layout strips date/time/pid/level/component: templates start at the content.
      expect(of(hdfs).length).toBeGreaterThan(0);
      for (const t of of(hdfs)) expect(t).not.toMatch(/^081109/);
      // logfmt: the template is mined from msg, not from the whole key=value line.
      expect(of(app)).toEqual(['user logged in']);
    } finally {
      await svc.stop();
    }
  });

  it('rejects an unknown key on a source entry with its path', () => {
    expect(() => validate({ sources: [{ type: 'stdin', formatt: 'json' }] }, serveConfigSchema)).toThrow(/sources\[0\].*formatt/);
  });
});

describe('an engine worker thread that dies', () => {
  it('is reported: onFatal, /api/health 503 "failing" with the reason, and the service still stops cleanly', async () => {
    const log2 = join(dir, 'dies.log');
    writeFileSync(log2, sample.slice(0, 5).join('\n') + '\n');
    const cfg = validate(
      {
        data_dir: join(dir, 'data-dies'),
        server: { port: 0 },
        parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
        sources: [{ type: 'file_tail', paths: [log2], poll_interval_ms: 20 }],
        pipeline: { engine_threads: 1 },
        detectors: { rate: { enabled: false }, params: { enabled: false }, model: { enabled: false } },
      },
      serveConfigSchema,
    );
    const fatal: Error[] = [];
    const svc = buildService(cfg, { clock: systemClock, logger: silentLogger, version: 'test', onFatal: (e) => fatal.push(e) });
    const { url } = await svc.start();
    try {
      await until('the lines', async () => (svc.engine.stats.events >= 5 ? true : undefined));
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      // What an out-of-memory or a bug outside the engine's own error handling does to the thread.
      const lanes = (svc.engine as unknown as { lanes: { worker: { terminate(): Promise<number> } }[] }).lanes;
      await lanes[0].worker.terminate();
      await until('the failure', async () => (fatal.length > 0 ? true : undefined));
      expect(fatal[0]).toMatchObject({ code: 'ANOMALOG_ERR_ENGINE_THREAD' });
      const res = await fetch(`${url}/api/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'failing', error: expect.stringMatching(/engine worker thread exited/) });
      expect(svc.engine.errors.map((e) => e.component)).toContain('engine');
    } finally {
      await svc.stop();
    }
  }, 30_000);

  it('an HTTP ingest after the engine died is answered 503 (retry), not 500', async () => {
    const cfg = validate(
      {
        data_dir: join(dir, 'data-dies-http'),
        server: { port: 0 },
        sources: [{ type: 'http' }],
        pipeline: { engine_threads: 1 },
        detectors: { rate: { enabled: false }, params: { enabled: false }, model: { enabled: false } },
      },
      serveConfigSchema,
    );
    const svc = buildService(cfg, { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url } = await svc.start();
    const ingest = () => fetch(`${url}/ingest?source=app`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello world 1\nhello world 2\n' });
    try {
      expect((await ingest()).status).toBe(200);
      const lanes = (svc.engine as unknown as { lanes: { worker: { terminate(): Promise<number> } }[] }).lanes;
      await lanes[0].worker.terminate();
      await until('the failure', async () => (svc.engine.errors.length > 0 ? true : undefined));
      const res = await ingest();
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_BUSY' });
    } finally {
      await svc.stop();
    }
  }, 30_000);

  it('a store that refuses the engine thread a write stops the pipeline; a restart resumes from the last good checkpoint without loss or duplicates', async () => {
    const log3 = join(dir, 'refused.log');
    const dataDir = join(dir, 'data-refused');
    const normal = (n: number) => Array.from({ length: n }, (_, i) => sample[i % sample.length]);
    writeFileSync(log3, normal(30).join('\n') + '\n');
    const cfg = validate(
      {
        data_dir: dataDir,
        server: { port: 0 },
        parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
        sources: [{ type: 'file_tail', paths: [log3], poll_interval_ms: 20 }],
        pipeline: { engine_threads: 1, checkpoint_interval_ms: 100 },
        detectors: { novelty: { warmup_events: 20, rare_count: 0 }, rate: { enabled: false }, params: { enabled: false }, model: { enabled: false } },
      },
      serveConfigSchema,
    );
    const novel = ['081111 101011 99 ERROR dfs.DataNode: Disk failure on volume /data/3', '081111 101012 99 ERROR dfs.DataNode: Checksum mismatch in block blk_43'];
    const fatal: Error[] = [];
    const svc = buildService(cfg, { clock: systemClock, logger: silentLogger, version: 'test', onFatal: (e) => fatal.push(e) });
    const { url } = await svc.start();
    const db = new Database(join(dataDir, 'anomalog.db'));
    try {
      await until('the first lines', async () => (svc.engine.stats.events >= 30 ? true : undefined));
      appendFileSync(log3, novel[0] + '\n');
      await until('the first anomaly', async () => ((await anomalies(url)).length === 1 ? true : undefined));
      // Only the engine thread writes parser state: from now on its checkpoint is refused by SQLite itself.
      db.exec("CREATE TRIGGER refuse BEFORE INSERT ON parser_state BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
      appendFileSync(log3, [...normal(10), novel[1]].join('\n') + '\n');
      await until('the failure', async () => (fatal.length > 0 ? true : undefined), 10_000);
      expect(fatal[0]).toMatchObject({ code: 'ANOMALOG_ERR_ENGINE_THREAD', message: expect.stringMatching(/refused by the test/) });
      expect((await fetch(`${url}/api/health`)).status).toBe(503);
    } finally {
      await svc.stop();
    }
    db.exec('DROP TRIGGER refuse');
    db.close();
    // What a supervisor does: start again on the same data dir.
    const again = buildService(cfg, { clock: systemClock, logger: silentLogger, version: 'test' });
    const second = await again.start();
    try {
      await until('both anomalies', async () => ((await anomalies(second.url)).length >= 2 ? true : undefined), 10_000);
      const found = await anomalies(second.url);
      expect(found.map((a) => a.title).filter((t) => /Disk failure|Checksum mismatch/.test(t))).toHaveLength(2);
      expect(new Set(found.map((a) => a.id)).size).toBe(found.length);
      // The lines after the last checkpoint that held were read again (at least the ten and the novel one).
      await until('the lines read again', async () => (again.engine.stats.events >= 11 ? true : undefined), 5_000);
    } finally {
      await again.stop();
    }
  }, 60_000);
});
