/** Overview: ingest and anomaly rates (uPlot), counts by source and severity, health, latest anomalies. */
import { html, nothing, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import type { App } from '../app.js';
import { SEVERITIES as CORE_SEVERITIES } from '../../../src/core/event.js';
import { SEVERITIES, type Stats } from '../api.js';
import { chart, PALETTE, SEVERITY_COLORS, xs } from '../charts.js';
import { duration, num, time } from '../format.js';
import { capsVerdict, sinkVerdict, sourceVerdict, storeVerdict, type Verdict } from '../health.js';
import { anomalyRow } from './parts.js';

/** Sources drawn as their own line; the rest are summed into "other sources". */
const MAX_LINES = 6;

function ingestChart(s: Stats): TemplateResult {
  const perSec = (v: number[]) => v.map((c) => c / (s.bucketMs / 1000));
  const top = [...s.sources].sort((a, b) => b.totalLines - a.totalLines);
  const shown = top.slice(0, MAX_LINES);
  const rest = top.slice(MAX_LINES);
  const n = s.sources[0]?.lines.length ?? 0;
  const series = shown.map((x, i) => ({ label: x.source, stroke: PALETTE[i % PALETTE.length] }));
  const data = shown.map((x) => perSec(x.lines));
  if (rest.length) {
    series.push({ label: `${rest.length} other sources`, stroke: '#6b7280' });
    data.push(perSec(rest.reduce((acc, x) => acc.map((v, i) => v + x.lines[i]), new Array<number>(n).fill(0))));
  }
  if (n === 0) return html`<p class="empty">No lines ingested since the service started.</p>`;
  const key = `ingest|${series.map((x) => x.label).join('\u0000')}`;
  return html`<div class="chart" role="img" aria-label="Ingest rate per source, lines per second, last hour" ${ref(chart({ key, height: 220, series, unit: 'lines/s', stepMs: s.bucketMs, stepped: true }, [xs(s.start, s.bucketMs, n), ...data]))}></div>`;
}

function anomalyChart(s: Stats): TemplateResult {
  const n = s.anomalies.info.length;
  // Least severe first: stacked bars build up towards critical.
  const series = CORE_SEVERITIES.map((k) => ({ label: k, stroke: SEVERITY_COLORS[k], fill: `${SEVERITY_COLORS[k]}33` }));
  const data = CORE_SEVERITIES.map((k) => s.anomalies[k]);
  return html`<div class="chart" role="img" aria-label="Anomalies per 10 seconds by severity, last hour" ${ref(chart({ key: 'anomalies', height: 180, series, unit: `per ${s.bucketMs / 1000} s`, bars: true, stepMs: s.bucketMs }, [xs(s.start, s.bucketMs, n), ...data]))}></div>`;
}

function counts(app: App, s: Stats): TemplateResult {
  const rows = [...s.sources].sort((a, b) => b.anomalies - a.anomalies || b.totalLines - a.totalLines);
  return html`<div class="table-wrap">
    <table>
      <caption>Since the service started</caption>
      <thead>
        <tr><th scope="col">Source</th><th scope="col" class="n">Lines</th><th scope="col" class="n">Anomalies</th>${SEVERITIES.map((k) => html`<th scope="col" class="n">${k}</th>`)}</tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) => html`<tr>
            <th scope="row"><a href="#/anomalies" @click=${(e: Event) => filterBySource(e, app, r.source)}>${r.source}</a></th>
            <td class="n">${num(r.totalLines)}</td>
            <td class="n">${num(r.anomalies)}</td>
            ${SEVERITIES.map((k) => html`<td class="n">${num(r.bySeverity[k])}</td>`)}
          </tr>`,
        )}
      </tbody>
      <tfoot>
        <tr><th scope="row">All</th><td class="n">${num(s.totals.lines)}</td><td class="n">${num(s.totals.anomalies)}</td>${SEVERITIES.map((k) => html`<td class="n">${num(s.totals.bySeverity[k])}</td>`)}</tr>
      </tfoot>
    </table>
  </div>`;
}

function filterBySource(e: Event, app: App, source: string): void {
  e.preventDefault();
  app.setFilters({ source }, '');
  location.hash = '#/anomalies';
}

/** Health of sources (and sinks, when /api/health reports them): a dot (health.ts), why, and every field the service gives. */
function health(app: App): TemplateResult {
  const h = app.health;
  if (!h) return html`<p class="empty">Loading…</p>`;
  const groups = (['sources', 'sinks'] as const).filter((k) => Array.isArray(h[k]));
  const warnings = Array.isArray(h.warnings) ? (h.warnings as unknown[]).map(String) : [];
  const store = storeVerdict(h.store as Record<string, unknown> | undefined);
  const caps = capsVerdict(h.anomalies as Record<string, unknown> | undefined);
  const storeItems: [string, Verdict][] = [];
  if (store) storeItems.push(['store', store]);
  if (caps) storeItems.push(['anomaly caps', caps]);
  return html`<p>Status <strong class="status-${h.status === 'ok' ? 'ok' : 'bad'}">${h.status}</strong> · version ${h.version} · up ${duration(h.uptimeMs)} · ${h.streamClients} live client(s)</p>
    ${warnings.length > 0 ? html`<ul class="warnings" role="alert">${warnings.slice(0, 20).map((w) => html`<li>${w.slice(0, 500)}</li>`)}</ul>` : nothing}
    ${storeItems.length > 0
      ? html`<h3>Store</h3>
          <ul class="health">
            ${storeItems.map(
              ([name, v]) => html`<li class=${v.bad ? 'bad' : 'ok'} title=${v.reason}>
                <span class="dot" aria-hidden="true"></span><strong>${name}</strong>
                <span class="sr-only">${v.bad ? 'needs attention:' : 'healthy:'}</span>
                <span class="why">${v.reason}</span>
              </li>`,
            )}
          </ul>`
      : nothing}
    ${groups.map((g) => {
      const items = h[g] as Record<string, unknown>[];
      return html`<h3>${g === 'sources' ? 'Sources' : 'Sinks'}</h3>
        ${items.length === 0
          ? html`<p class="empty">None configured.</p>`
          : html`<ul class="health">
              ${items.map((it) => {
                const { id, name, ...rest } = it;
                const v = g === 'sinks' ? sinkVerdict(it) : sourceVerdict(it, app.previousErrors, time);
                return html`<li class=${v.bad ? 'bad' : 'ok'} title=${v.reason}>
                  <span class="dot" aria-hidden="true"></span><strong>${String(id ?? name ?? '?')}</strong>
                  <span class="sr-only">${v.bad ? 'needs attention:' : 'healthy:'}</span>
                  <span class="why">${v.reason}</span>
                  <dl>${Object.entries(rest).map(([k, v]) => html`<div><dt>${k}</dt><dd>${typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd></div>`)}</dl>
                </li>`;
              })}
            </ul>`}`;
    })}
    ${Object.entries(h)
      .filter(([k, v]) => !SHOWN.has(k) && v !== null && typeof v === 'object' && !Array.isArray(v))
      .map(([k, v]) => html`<h3>${k}</h3><dl class="kv">${Object.entries(v as Record<string, unknown>).map(([kk, vv]) => html`<div><dt>${kk}</dt><dd>${typeof vv === 'object' ? JSON.stringify(vv) : String(vv)}</dd></div>`)}</dl>`)}`;
}

/** Health keys shown above; any other object (pipeline counters, feedback…) is listed as is. */
const SHOWN = new Set(['status', 'version', 'uptimeMs', 'streamClients', 'sources', 'sinks', 'warnings', 'store', 'anomalies']);

export function overview(app: App): TemplateResult {
  const s = app.stats;
  const lastRate = s && s.sources.length ? s.sources.reduce((acc, x) => acc + (x.lines[x.lines.length - 2] ?? 0), 0) / (s.bucketMs / 1000) : 0;
  return html`<h1 tabindex="-1">Overview</h1>
    ${app.overviewError ? html`<p class="error" role="alert">Could not load: ${app.overviewError}</p>` : nothing}
    <div class="cards">
      <div class="card"><span class="label">Lines ingested</span><span class="value">${s ? num(s.totals.lines) : '…'}</span></div>
      <div class="card"><span class="label">Ingest rate</span><span class="value">${s ? `${num(lastRate, 1)}/s` : '…'}</span></div>
      <div class="card"><span class="label">Anomalies</span><span class="value">${s ? num(s.totals.anomalies) : '…'}</span></div>
      <div class="card"><span class="label">Live feed</span><span class="value live-${app.live}">${app.live}</span></div>
    </div>
    <section aria-labelledby="h-ingest"><h2 id="h-ingest">Ingest rate (last hour)</h2>${s ? ingestChart(s) : html`<p class="empty">Loading…</p>`}</section>
    <section aria-labelledby="h-arate"><h2 id="h-arate">Anomaly rate (last hour)</h2>${s ? anomalyChart(s) : html`<p class="empty">Loading…</p>`}</section>
    <div class="two">
      <section aria-labelledby="h-counts"><h2 id="h-counts">By source and severity</h2>${s ? counts(app, s) : html`<p class="empty">Loading…</p>`}</section>
      <section aria-labelledby="h-health"><h2 id="h-health">Health</h2>${health(app)}</section>
    </div>
    <section aria-labelledby="h-latest">
      <h2 id="h-latest">Latest anomalies</h2>
      ${app.recent.length === 0 ? html`<p class="empty">No anomalies yet.</p>` : html`<ul class="anomalies">${app.recent.map((a) => anomalyRow(a, false))}</ul>`}
      <p><a href="#/anomalies">All anomalies →</a></p>
    </section>
    ${s ? html`<p class="muted">Updated ${time(s.now)}.</p>` : nothing}`;
}
