import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Service } from '../topology/build.js';
import { ingest, metricsService, normalLines } from '../../test/harness/metrics-service.js';
import { dashboardExprs, parseExposition, requireBinary } from '../../test/harness/prometheus.js';
import { until } from '../../test/harness/until.js';

const promtool = requireBinary('promtool');
const doc = (p: string) => fileURLToPath(new URL(`../../docs/${p}`, import.meta.url));
const RULES = doc('prometheus/anomalog-alerts.yml');
const RULE_TESTS = doc('prometheus/anomalog-alerts.test.yml');

const dir = mkdtempSync(join(tmpdir(), 'anomalog-promtool-'));
// A file name with a quote and a backslash: label values must be escaped in the exposition.
const log = join(dir, 'we"ird\\name.log');
let svc: Service;
let exposition = '';

beforeAll(async () => {
  writeFileSync(log, `INFO tail: first line\nINFO tail: ${'x'.repeat(200)}\n`);
  svc = metricsService(join(dir, 'data'), log);
  const { url } = await svc.start();
  expect(await ingest(url, 'no layout here\n' + normalLines(30))).toBe(200);
  expect(await ingest(url, 'ERROR disk: volume /data/3 is read-only\n')).toBe(200);
  svc.store.outbox.enqueue('webhook', svc.store.queryAnomalies().anomalies);
  svc.store.saveModel({ id: 'm-1', kind: 'model-detector', version: 1, artifact: {} });
  exposition = await until('a scrape with the anomaly and the tailed file', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return text.includes('anomalog_anomaly_latency_seconds_bucket') && text.includes('we\\"ird\\\\name.log') ? text : undefined;
  });
}, 30_000);
afterAll(async () => {
  await svc.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(promtool === null)('promtool (scripts/provision-prometheus.sh)', () => {
  const run = (args: string[], input?: string) => spawnSync(promtool as string, args, { input, encoding: 'utf8' });

  it('`promtool check metrics` has no complaint about GET /metrics (every family, escaped labels)', () => {
    const r = run(['check', 'metrics'], exposition);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('`promtool check metrics` does complain about a badly named metric (the check bites)', () => {
    const r = run(['check', 'metrics'], '# HELP anomalog_lines A counter without _total.\n# TYPE anomalog_lines counter\nanomalog_lines 3\n');
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/_total/);
  });

  it('`promtool check rules` accepts the alerting rules', () => {
    const r = run(['check', 'rules', RULES]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('`promtool test rules` passes the rules\' unit tests (down, source silent, alerts not delivered, drops)', () => {
    const r = run(['test', 'rules', RULE_TESTS]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS/);
  });
});

/** Every `anomalog_…` name a PromQL expression uses. */
const namesIn = (expr: string): string[] => [...expr.matchAll(/\banomalog_[a-z0-9_]+/g)].map((m) => m[0]);

/** Names a scrape can carry: every family, plus `_bucket`/`_sum`/`_count` of histograms. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [name, type] of parseExposition(text).types) {
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  return names;
}

describe('docs reference only metrics anomalog exposes', () => {
  it('the Grafana dashboard: every expression, and the panels the issue asks for', () => {
    const exposed = exposedNames(exposition);
    const exprs = dashboardExprs();
    const used = exprs.flatMap(namesIn);
    expect(used.filter((n) => !exposed.has(n))).toEqual([]);
    for (const needed of ['anomalog_parser_lines_total', 'anomalog_anomalies_total', 'anomalog_anomaly_latency_seconds_bucket', 'anomalog_outbox_due', 'anomalog_outbox_retrying', 'anomalog_source_dropped_lines_total', 'anomalog_parser_unmatched_records_total']) {
      expect(used).toContain(needed);
    }
    expect(exprs.some((e) => e.includes('histogram_quantile(0.5,')) && exprs.some((e) => e.includes('histogram_quantile(0.99,'))).toBe(true);
  });

  it('the alerting rules', () => {
    const exposed = exposedNames(exposition);
    const rules = parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(4);
    expect(exprs.flatMap(namesIn).filter((n) => !exposed.has(n))).toEqual([]);
  });

  it('the name check bites: a misspelt name is reported', () => {
    expect(namesIn('rate(anomalog_lines_ingested_total[5m])').filter((n) => !exposedNames(exposition).has(n))).toEqual(['anomalog_lines_ingested_total']);
  });
});
