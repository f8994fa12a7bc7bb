import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../topology/build.js';
import { ingest, metricsService, normalLines, TEST_VERSION } from '../../test/harness/metrics-service.js';
import { dashboardExprs, type RunningPrometheus, requireBinary, startPrometheus } from '../../test/harness/prometheus.js';
import { until } from '../../test/harness/until.js';

const prometheus = requireBinary('prometheus');
const RULES = fileURLToPath(new URL('../../docs/prometheus/anomalog-alerts.yml', import.meta.url));

describe.skipIf(prometheus === null)('a real Prometheus scraping anomalog serve (scripts/provision-prometheus.sh)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-prom-'));
  const log = join(dir, 'app.log');
  let svc: Service;
  let prom: RunningPrometheus;
  let url: string;

  /** The value of an instant query that must return exactly one series. */
  const one = async (promql: string): Promise<number | undefined> => {
    const r = await prom.query(promql);
    if (r.length > 1) throw new Error(`${promql} returned ${r.length} series`);
    return r.length === 1 ? Number(r[0].value[1]) : undefined;
  };
  /** Polls until the query's one value is `want` (Prometheus scrapes every second). */
  const eventually = (promql: string, want: number) => until(`${promql} == ${want}`, async () => ((await one(promql)) === want ? true : undefined), 20_000);

  beforeAll(async () => {
    writeFileSync(log, `INFO tail: first line\nINFO tail: ${'x'.repeat(200)}\n`);
    svc = metricsService(join(dir, 'data'), log);
    ({ url } = await svc.start());
    // 51 lines (one without the layout), then a new message type after warm-up.
    expect(await ingest(url, 'no layout here\n' + normalLines(50))).toBe(200);
    expect(await ingest(url, 'ERROR disk: volume /data/3 is read-only\n')).toBe(200);
    prom = await startPrometheus(prometheus as string, new URL(url).host, { ruleFiles: [RULES] });
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores anomalog\'s series with the values of what was sent', { timeout: 60_000 }, async () => {
    await eventually('anomalog_parser_lines_total{job="anomalog", source="http:app"}', 52);
    expect(await one('up{job="anomalog"}')).toBe(1);
    expect(await one('anomalog_source_received_lines_total{component_id="http#0", component_type="http"}')).toBe(52);
    expect(await one('anomalog_parser_unmatched_records_total{source="http:app"}')).toBe(1);
    expect(await one('anomalog_anomalies_total{detector="novelty", source="http:app"}')).toBe(1);
    expect(await one('anomalog_anomaly_latency_seconds_count{detector="novelty"}')).toBe(1);
    expect(await one('anomalog_anomaly_latency_seconds_sum{detector="novelty"} < 5')).toBeGreaterThanOrEqual(0);
    expect(await one(`anomalog_build_info{version="${TEST_VERSION}"}`)).toBe(1);
    expect(await one('anomalog_templates{source="http:app"}')).toBeGreaterThanOrEqual(2);
    // The anomaly's alert, delivered by the file sink.
    await eventually('anomalog_sink_sent_alerts_total{sink="file"}', 1);
    // The tailed file: two lines, one cut at max_line_bytes.
    await eventually('anomalog_source_received_lines_total{component_type="file_tail"}', 2);
    expect(await one('anomalog_source_truncated_lines_total{component_type="file_tail"}')).toBe(1);
    expect(await one(`anomalog_parser_lines_total{source="file:${log}"}`)).toBe(2);
  });

  it('follows further ingest, and rate() over it is positive', { timeout: 60_000 }, async () => {
    expect(await ingest(url, normalLines(100, 50))).toBe(200);
    await eventually('anomalog_parser_lines_total{source="http:app"}', 152);
    expect(await one('increase(anomalog_parser_lines_total{source="http:app"}[1m])')).toBeGreaterThan(0);
  });

  it('answers every Grafana dashboard expression and evaluates every alerting rule without error', { timeout: 60_000 }, async () => {
    const exprs = dashboardExprs().map((e) => e.replaceAll('$__rate_interval', '1m').replaceAll('$instance', '.*').replaceAll('$job', 'anomalog'));
    expect(exprs.length).toBeGreaterThan(10);
    for (const e of exprs) await prom.query(e); // throws on a PromQL error
    const ingestRate = exprs.find((e) => e.startsWith('sum by (source) (rate(anomalog_parser_lines_total')) as string;
    const series = await until('the ingest-rate panel to show http:app', async () => {
      const r = await prom.query(ingestRate);
      return r.some((s) => s.metric.source === 'http:app' && Number(s.value[1]) > 0) ? r : undefined;
    });
    expect(series.map((s) => s.metric.source)).toContain(`file:${log}`);
    type Rules = { data: { groups: { rules: { name: string; health: string; lastError?: string; lastEvaluation: string }[] }[] } };
    const rules = await until('every rule evaluated', async () => {
      const r = (await prom.api<Rules>('/api/v1/rules')).data.groups.flatMap((g) => g.rules);
      return r.length > 0 && r.every((x) => !x.lastEvaluation.startsWith('0001')) ? r : undefined;
    });
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    expect(rules.map((r) => r.name)).toContain('AnomalogDown');
  });
});
