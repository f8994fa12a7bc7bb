import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register as globalRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { Anomaly } from '../core/event.js';
import type { Service } from '../topology/build.js';
import { ingest, metricsService, normalLines, TEST_VERSION } from '../../test/harness/metrics-service.js';
import { parseExposition, type Sample, sampleValue } from '../../test/harness/prometheus.js';
import { until } from '../../test/harness/until.js';
import { createServiceMetrics, LabelCap, OTHER } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'anomalog-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text()).samples;
}


describe('GET /metrics after a known ingest (real service: http + file_tail → parser → novelty → SQLite)', () => {
  const log = join(dir, 'app.log');
  let svc: Service;
  let url: string;
  // The line without the layout comes during warm-up (not flagged), the ERROR line after it.
  const body = 'no layout here at all\n' + normalLines(40);
  const partly = '{"msg":"INFO worker: job 99 finished in 3 ms"}\n{broken\n';
  const novel = 'ERROR disk: volume /data/3 is read-only\n';
  let anomalies: Anomaly[] = [];

  beforeAll(async () => {
    writeFileSync(log, `INFO tail: first line\nINFO tail: ${'x'.repeat(200)}\n`);
    svc = metricsService(join(dir, 'data'), log);
    ({ url } = await svc.start());
    expect(await ingest(url, body)).toBe(200);
    // One bad NDJSON line is rejected (dropped), the good one taken.
    expect(await ingest(url, partly)).toBe(400);
    expect(await ingest(url, novel)).toBe(200);
    anomalies = await until('the anomaly', async () => {
      const list = ((await (await fetch(`${url}/api/anomalies`)).json()) as { anomalies: Anomaly[] }).anomalies;
      return list.length > 0 ? list : undefined;
    });
    await until('the tailed file', async () => (svc.engine.stats.records >= 45 ? true : undefined));
  }, 30_000);
  afterAll(async () => svc.stop());

  it('counts lines and bytes per source component, and lines, events and parse failures per record source', async () => {
    const s = await scrape(url);
    const http = { component_id: 'http#0', component_type: 'http' };
    expect(sampleValue(s, 'anomalog_source_received_lines_total', http)).toBe(43);
    expect(sampleValue(s, 'anomalog_source_received_bytes_total', http)).toBe(Buffer.byteLength(body + partly + novel));
    expect(sampleValue(s, 'anomalog_source_dropped_lines_total', http)).toBe(1);
    expect(sampleValue(s, 'anomalog_source_errors_total', http)).toBe(1);
    expect(sampleValue(s, 'anomalog_parser_lines_total', { source: 'http:app' })).toBe(43);
    expect(sampleValue(s, 'anomalog_parser_events_total', { source: 'http:app' })).toBe(43);
    expect(sampleValue(s, 'anomalog_parser_unmatched_records_total', { source: 'http:app' })).toBe(1);
    expect(sampleValue(s, 'anomalog_templates', { source: 'http:app' })).toBeGreaterThanOrEqual(2);
    expect(sampleValue(s, 'anomalog_engine_records_total')).toBe(45);
    // The tailed file: two lines, one cut at max_line_bytes.
    const tail = { component_id: 'file_tail#1', component_type: 'file_tail' };
    expect(sampleValue(s, 'anomalog_source_received_lines_total', tail)).toBe(2);
    expect(sampleValue(s, 'anomalog_source_truncated_lines_total', tail)).toBe(1);
    expect(sampleValue(s, 'anomalog_source_file_truncations_total', tail)).toBe(0);
    expect(sampleValue(s, 'anomalog_parser_lines_total', { source: `file:${log}` })).toBe(2);
    // HTTP cuts at its own max_line_bytes too (none of these lines was that long).
    expect(sampleValue(s, 'anomalog_source_truncated_lines_total', http)).toBe(0);
    // The store's caps: nothing dropped or evicted yet.
    expect(sampleValue(s, 'anomalog_anomalies_capped_total', { reason: 'dropped' })).toBe(0);
    expect(sampleValue(s, 'anomalog_anomalies_capped_total', { reason: 'evicted' })).toBe(0);
  });

  it("shows the detectors' own readings (ComponentContext.metrics), forwarded from the engine's worker threads", async () => {
    expect(svc.engine.constructor.name).toBe('EngineThread');
    const s = await scrape(url);
    const novelty = { component_id: 'novelty' };
    // Two record sources (http:app and the tailed file), whichever worker each went to.
    expect(sampleValue(s, 'anomalog_detector_sources', novelty)).toBe(2);
    // http:app: the job line, the one without the layout, the JSON one, the disk error; the file: two.
    expect(sampleValue(s, 'anomalog_detector_templates', novelty)).toBeGreaterThanOrEqual(5);
    expect(sampleValue(s, 'anomalog_detector_evicted_templates_total', novelty)).toBe(0);
    expect(s.find((x) => x.name === 'anomalog_detector_templates' && x.labels.component_id === 'rate'), 'rate is disabled').toBeUndefined();
  });

  it('counts stored anomalies by detector, severity and source, with their ingest → anomaly latency', async () => {
    const s = await scrape(url);
    expect(anomalies, anomalies.map((x) => x.title).join(' | ')).toHaveLength(1);
    const a = anomalies[0];
    expect(sampleValue(s, 'anomalog_anomalies_total', { detector: 'novelty', severity: a.severity, source: 'http:app' })).toBe(1);
    expect(sampleValue(s, 'anomalog_anomaly_latency_seconds_count', { detector: 'novelty' })).toBe(1);
    const sum = sampleValue(s, 'anomalog_anomaly_latency_seconds_sum', { detector: 'novelty' }) as number;
    expect(sum).toBeGreaterThanOrEqual(0);
    expect(sum).toBeLessThan(5);
    expect(sampleValue(s, 'anomalog_anomaly_latency_seconds_bucket', { detector: 'novelty', le: '+Inf' })).toBe(1);
  });

  it('counts what the alert policy queued for a sink and what the sink delivered', async () => {
    const s = await until('the alert delivered', async () => {
      const got = await scrape(url);
      return sampleValue(got, 'anomalog_sink_sent_alerts_total', { sink: 'file' }) === 1 ? got : undefined;
    });
    // The firing notification, and (policy-dependent) its resolution waiting in the outbox.
    expect(sampleValue(s, 'anomalog_alerts_queued_total', { sink: 'file' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(s, 'anomalog_alerts_dropped_total', { sink: 'file' })).toBe(0);
    expect(sampleValue(s, 'anomalog_sink_given_up_alerts_total', { sink: 'file' })).toBe(0);
    expect(sampleValue(s, 'anomalog_sink_errors_total', { sink: 'file' })).toBe(0);
  });

  it('reads the outbox backlog per sink and the active model at scrape time', async () => {
    let s = await scrape(url);
    expect(s.filter((x) => (x.name === 'anomalog_outbox_pending' && x.labels.sink !== 'file') || x.name === 'anomalog_model_version')).toEqual([]);
    svc.store.outbox.enqueue('webhook', anomalies);
    svc.store.outbox.enqueue('slack', anomalies);
    svc.store.saveModel({ id: 'm-7', kind: 'model-detector', version: 7, artifact: { any: 1 } });
    s = await scrape(url);
    expect(sampleValue(s, 'anomalog_outbox_pending', { sink: 'webhook' })).toBe(1);
    expect(sampleValue(s, 'anomalog_outbox_pending', { sink: 'slack' })).toBe(1);
    // Enqueued rows are due at once: due, not retrying, waiting for a moment.
    expect(sampleValue(s, 'anomalog_outbox_due', { sink: 'webhook' })).toBe(1);
    expect(sampleValue(s, 'anomalog_outbox_retrying', { sink: 'webhook' })).toBe(0);
    expect(sampleValue(s, 'anomalog_outbox_oldest_due_age_seconds', { sink: 'webhook' })).toBeLessThan(60);
    expect(sampleValue(s, 'anomalog_model_version', { kind: 'model-detector' })).toBe(7);
    const age = sampleValue(s, 'anomalog_model_age_seconds', { kind: 'model-detector' }) as number;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
    const [item] = svc.store.outbox.due('webhook', Number.MAX_SAFE_INTEGER, 10);
    svc.store.outbox.markSent([item.id]);
    s = await scrape(url);
    expect(sampleValue(s, 'anomalog_outbox_pending', { sink: 'webhook' })).toBeUndefined();
    expect(sampleValue(s, 'anomalog_outbox_due', { sink: 'webhook' })).toBeUndefined();
    expect(sampleValue(s, 'anomalog_outbox_pending', { sink: 'slack' })).toBe(1);
  });

  it('gives the same counter values on every scrape (read, not accumulated) and keeps prom-client\'s global registry empty', async () => {
    const a = await scrape(url);
    const b = await scrape(url);
    const counters = (s: Sample[]) => s.filter((x) => x.name.endsWith('_total')).map((x) => `${x.name}${JSON.stringify(x.labels)} ${x.value}`);
    expect(counters(b)).toEqual(counters(a));
    expect(await globalRegistry.getMetricsAsJSON()).toEqual([]);
    expect(sampleValue(a, 'anomalog_build_info', { version: TEST_VERSION })).toBe(1);
  });
});

describe('createServiceMetrics', () => {
  const deps = (clock = new ManualClock(1_000_000), sources = ['a']) => ({
    version: 'v',
    clock,
    components: () => [],
    streams: () => sources.map((source) => ({ source, lines: 5, events: 5, unmatched: 0, templates: 1, evictedTemplates: 0 })),
    engine: () => ({ batches: 0, records: 0, errors: 0, duplicates: 0 }),
    feed: () => ({ clients: 0, dropped: 0 }),
    outbox: () => ({}),
    models: () => [],
  });

  it('observes latency from the batch arrival, and none for anomalies found without one (tick)', async () => {
    const clock = new ManualClock(1_000_000);
    const m = createServiceMetrics(deps(clock));
    const a = { id: 'x', ts: 0, source: 'a', detector: 'rate', score: 1, severity: 'warning', title: 'T.', explanation: [], context: [] } satisfies Anomaly;
    m.anomaliesStored([a], 1_000_000 - 1500);
    m.anomaliesStored([{ ...a, id: 'y' }]);
    const s = parseExposition((await m.scrape()).body).samples;
    expect(sampleValue(s, 'anomalog_anomalies_total', { detector: 'rate', severity: 'warning', source: 'a' })).toBe(2);
    expect(sampleValue(s, 'anomalog_anomaly_latency_seconds_count', { detector: 'rate' })).toBe(1);
    expect(sampleValue(s, 'anomalog_anomaly_latency_seconds_sum', { detector: 'rate' })).toBe(1.5);
    expect(sampleValue(s, 'anomalog_anomaly_latency_seconds_bucket', { detector: 'rate', le: '1' })).toBe(0);
    expect(sampleValue(s, 'anomalog_anomaly_latency_seconds_bucket', { detector: 'rate', le: '2.5' })).toBe(1);
  });

  it('splits the outbox per sink into pending, due, retrying and the oldest due age, from one read per scrape', async () => {
    const clock = new ManualClock(1_000_000);
    let reads = 0;
    const outbox = () => {
      reads++;
      return {
        // 60 firing fingerprints: each holds a resolve row for later, none due — a healthy receiver.
        hook: { pending: 120, due: 0, retrying: 0, oldestDueAt: null },
        // A receiver that is down: rows due for 90 s and rows waiting for a retry.
        pager: { pending: 12, due: 4, retrying: 8, oldestDueAt: 1_000_000 - 90_000 },
      };
    };
    const m = createServiceMetrics({ ...deps(clock), outbox });
    const s = parseExposition((await m.scrape()).body).samples;
    expect(reads).toBe(1);
    const get = (name: string) => ['hook', 'pager'].map((sink) => sampleValue(s, name, { sink }));
    expect(get('anomalog_outbox_pending')).toEqual([120, 12]);
    expect(get('anomalog_outbox_due')).toEqual([0, 4]);
    expect(get('anomalog_outbox_retrying')).toEqual([0, 8]);
    expect(get('anomalog_outbox_oldest_due_age_seconds')).toEqual([0, 90]);
  });

  it('reads sink counters as given, and shows no sink series without sinks', async () => {
    const reading = { sink: 'pager', queued: 9, grouped: 4, backlogDropped: 2, sent: 6, retries: 3, givenUp: 1, errors: 5 };
    const s = parseExposition((await createServiceMetrics({ ...deps(), sinks: () => [reading] }).scrape()).body).samples;
    const pager = { sink: 'pager' };
    expect([
      sampleValue(s, 'anomalog_alerts_queued_total', pager),
      sampleValue(s, 'anomalog_alerts_grouped_total', pager),
      sampleValue(s, 'anomalog_alerts_dropped_total', pager),
      sampleValue(s, 'anomalog_sink_sent_alerts_total', pager),
      sampleValue(s, 'anomalog_sink_retries_total', pager),
      sampleValue(s, 'anomalog_sink_given_up_alerts_total', pager),
      sampleValue(s, 'anomalog_sink_errors_total', pager),
    ]).toEqual([9, 4, 2, 6, 3, 1, 5]);
    const none = parseExposition((await createServiceMetrics(deps()).scrape()).body).samples;
    expect(none.filter((x) => x.name.startsWith('anomalog_sink_') || x.name.startsWith('anomalog_alerts_'))).toEqual([]);
  });

  it('caps the record sources a metric family shows; the rest are summed under _other', async () => {
    const m = createServiceMetrics({ ...deps(undefined, ['s1', 's2', 's3', 's4']), maxLabelValues: 2 });
    const s = parseExposition((await m.scrape()).body).samples;
    expect(s.filter((x) => x.name === 'anomalog_parser_lines_total').map((x) => [x.labels.source, x.value])).toEqual([
      ['s1', 5],
      ['s2', 5],
      [OTHER, 10],
    ]);
  });

  it("shows each record source's flood guard: lines not mined, lines in flood mode, entries, flooding now", async () => {
    const m = createServiceMetrics({
      ...deps(undefined, []),
      streams: () => [
        { source: 'spam', lines: 9, events: 9, unmatched: 0, templates: 1, evictedTemplates: 0, overflowLines: 7, floodLines: 8, floodEntries: 1, flooding: true },
        { source: 'calm', lines: 5, events: 5, unmatched: 0, templates: 1, evictedTemplates: 0 },
      ],
    });
    const s = parseExposition((await m.scrape()).body).samples;
    const of = (name: string) => s.filter((x) => x.name === name).map((x) => [x.labels.source, x.value]);
    expect(of('anomalog_miner_overflow_lines_total')).toEqual([['spam', 7], ['calm', 0]]);
    expect(of('anomalog_miner_flood_lines_total')).toEqual([['spam', 8], ['calm', 0]]);
    expect(of('anomalog_miner_flood_entries_total')).toEqual([['spam', 1], ['calm', 0]]);
    expect(of('anomalog_miner_flooding')).toEqual([['spam', 1], ['calm', 0]]);
  });

  it("shows what components report through their context: one metric per reading name, labelled by component, read once per scrape", async () => {
    let reads = 0;
    const templates = { name: 'anomalog_detector_templates', type: 'gauge', help: 'Templates.' } as const;
    const reported = [
      { id: 'novelty', readings: [templates, { name: 'anomalog_detector_windows_total', type: 'counter', help: 'Windows.' } as const], read: () => (reads++, { anomalog_detector_templates: 7, anomalog_detector_windows_total: 3 }) },
      { id: 'rate', readings: [templates], read: () => ({ anomalog_detector_templates: 4 }) },
      // Skipped: a name the service's own metrics use, a name used with another type, a bad name, a missing value.
      { id: 'bad', readings: [{ name: 'anomalog_templates', type: 'gauge', help: 'x' }, { name: 'anomalog_detector_templates', type: 'counter', help: 'x' }, { name: 'anomalog_Bad-name', type: 'gauge', help: 'x' }, { name: 'anomalog_detector_missing', type: 'gauge', help: 'x' }] as const, read: () => ({ anomalog_templates: 1 }) },
    ];
    const m = createServiceMetrics({ ...deps(), reported: () => reported });
    const body = (await m.scrape()).body;
    const s = parseExposition(body).samples;
    expect(reads).toBe(1);
    expect(s.filter((x) => x.name === 'anomalog_detector_templates').map((x) => [x.labels.component_id, x.value])).toEqual([
      ['novelty', 7],
      ['rate', 4],
    ]);
    expect(sampleValue(s, 'anomalog_detector_windows_total', { component_id: 'novelty' })).toBe(3);
    expect(body).toContain('# TYPE anomalog_detector_windows_total counter');
    expect(body).toContain('# TYPE anomalog_detector_templates gauge');
    expect(s.filter((x) => x.labels.component_id === 'bad')).toEqual([]);
    expect(s.filter((x) => x.name === 'anomalog_templates').map((x) => x.labels.source)).toEqual(['a']);
    // Read again at the next scrape (values of now, not accumulated).
    reported[1].read = () => ({ anomalog_detector_templates: 5 });
    expect(sampleValue(parseExposition((await m.scrape()).body).samples, 'anomalog_detector_templates', { component_id: 'rate' })).toBe(5);
    expect(reads).toBe(2);
  });

  it('two services have two registries', async () => {
    const a = createServiceMetrics(deps());
    const b = createServiceMetrics(deps());
    expect(a.registry).not.toBe(b.registry);
    a.anomaliesStored([{ id: 'x', ts: 0, source: 'a', detector: 'novelty', score: 1, severity: 'error', title: 'T.', explanation: [], context: [] }]);
    expect((await a.scrape()).body).toMatch(/anomalog_anomalies_total\{.*\} 1/);
    expect((await b.scrape()).body).not.toMatch(/anomalog_anomalies_total\{/);
  });
});

describe('LabelCap', () => {
  it('keeps the first values, maps later ones to _other, cuts long values and repairs lone surrogates', () => {
    const cap = new LabelCap(3);
    expect(cap.get('a')).toBe('a');
    expect(cap.get('x'.repeat(500))).toHaveLength(200);
    expect(cap.get('bad \uD800 pair')).toBe('bad \uFFFD pair');
    expect(cap.get('d')).toBe(OTHER);
    expect(cap.get('a')).toBe('a');
  });
});
