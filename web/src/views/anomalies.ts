/** Anomalies: filters and title search (server-side), text search (client-side over the loaded pages), live arrivals. */
import { html, nothing, type TemplateResult } from 'lit';
import type { App } from '../app.js';
import { DETECTORS, SEVERITIES, STATUSES, type Anomaly, type AnomalyFilters } from '../api.js';
import { MAX_LIST, VERDICT_LABELS } from '../app.js';
import { fromLocalInput, toLocalInput } from '../format.js';
import { anomalyRow } from './parts.js';

const RANGES: [string, string, number][] = [
  ['', 'Any time', 0],
  ['15m', 'Last 15 minutes', 15 * 60_000],
  ['1h', 'Last hour', 3_600_000],
  ['24h', 'Last 24 hours', 86_400_000],
  ['7d', 'Last 7 days', 7 * 86_400_000],
  ['custom', 'Custom range', 0],
];

/**
 * Each loaded anomaly's searchable text, built once: the list re-renders on every keystroke and every
 * live arrival, over up to MAX_LIST anomalies with their context lines. Loaded anomalies are never
 * mutated (after a verdict the list is reloaded: new objects), so an entry never goes stale.
 */
const haystacks = new WeakMap<Anomaly, string>();

function haystack(a: Anomaly): string {
  let hay = haystacks.get(a);
  if (hay === undefined) {
    hay = [a.title, a.source, a.detector, a.severity, a.status ?? 'open', ...a.context, ...a.explanation.map((c) => c.template ?? c.feature)].join('\n').toLowerCase();
    haystacks.set(a, hay);
  }
  return hay;
}

/** Whether the anomaly's text contains every word of the search (case-insensitive). */
function found(a: Anomaly, words: string[]): boolean {
  if (words.length === 0) return true;
  const hay = haystack(a);
  return words.every((w) => hay.includes(w));
}

function apply(app: App, form: HTMLFormElement): void {
  const v = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value.trim() ?? '';
  const range = v('range');
  const f: AnomalyFilters = { source: v('source') || undefined, q: v('title') || undefined, detector: v('detector') || undefined, severity: v('severity') || undefined, status: v('status') || undefined };
  const preset = RANGES.find((r) => r[0] === range);
  if (range === 'custom') {
    f.since = fromLocalInput(v('since'));
    f.until = fromLocalInput(v('until'));
  } else if (preset && preset[2] > 0) {
    f.since = Date.now() - preset[2];
  }
  app.setFilters(f, range);
}

function select(name: string, label: string, values: readonly string[], current: string | undefined, labels: Record<string, string> = {}): TemplateResult {
  return html`<label>${label}
    <select name=${name}>
      <option value="" ?selected=${!current}>Any</option>
      ${values.map((x) => html`<option value=${x} ?selected=${current === x}>${labels[x] ?? x}</option>`)}
    </select></label>`;
}

function filters(app: App): TemplateResult {
  const f = app.list.filters;
  const sources = app.stats?.sources.map((s) => s.source) ?? [];
  return html`<form class="filters" aria-label="Filters" @submit=${(e: Event) => {
      e.preventDefault();
      apply(app, e.currentTarget as HTMLFormElement);
    }} @change=${(e: Event) => {
      if ((e.target as HTMLElement).tagName === 'SELECT') apply(app, e.currentTarget as HTMLFormElement);
    }}>
    <label>Source <input name="source" list="known-sources" .value=${f.source ?? ''} placeholder="exact source id" autocomplete="off" /></label>
    <datalist id="known-sources">${sources.map((s) => html`<option value=${s}></option>`)}</datalist>
    <label>Title contains <input name="title" maxlength="200" .value=${f.q ?? ''} placeholder="all stored anomalies" autocomplete="off" /></label>
    ${select('detector', 'Detector', DETECTORS, f.detector)}
    ${select('severity', 'Severity', SEVERITIES, f.severity)}
    ${select('status', 'Status', STATUSES, f.status, VERDICT_LABELS)}
    <label>Time
      <select name="range">${RANGES.map(([k, label]) => html`<option value=${k} ?selected=${app.list.range === k}>${label}</option>`)}</select>
    </label>
    ${app.list.range === 'custom'
      ? html`<label>From <input type="datetime-local" name="since" .value=${toLocalInput(f.since)} /></label>
          <label>To <input type="datetime-local" name="until" .value=${toLocalInput(f.until)} /></label>`
      : nothing}
    <button type="submit">Apply</button>
    <button type="button" class="secondary" @click=${() => app.setFilters({}, '')}>Clear</button>
  </form>`;
}

export function anomalies(app: App): TemplateResult {
  const l = app.list;
  const words = l.search.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = l.items.filter((a) => found(a, words));
  return html`<h1 tabindex="-1">Anomalies</h1>
    ${filters(app)}
    <div class="search">
      <label>Search the loaded anomalies
        <input type="search" name="q" aria-describedby="search-scope" .value=${l.search} placeholder="words in title, source, context…" @input=${(e: Event) => app.setSearch((e.target as HTMLInputElement).value)} />
      </label>
      <p class="muted" id="search-scope">Searching the ${l.items.length} anomalies loaded in this browser (at most ${MAX_LIST}: titles, sources, context lines)${l.next ? '; more are stored — “Title contains” above searches them all on the server' : ''}.</p>
      <p class="muted" aria-live="polite">${shown.length} of ${l.items.length} loaded shown; new ones appear live (${app.live}).</p>
    </div>
    ${l.error ? html`<p class="error" role="alert">Could not load anomalies: ${l.error}</p>` : nothing}
    ${l.loading && l.items.length === 0 ? html`<p class="empty">Loading…</p>` : nothing}
    ${!l.loading && shown.length === 0 && !l.error ? html`<p class="empty">No anomalies match.</p>` : nothing}
    <ul class="anomalies" aria-label="Anomalies, newest first">${shown.map((a) => anomalyRow(a, l.fresh.has(a.id)))}</ul>
    ${l.next ? html`<button type="button" ?disabled=${l.loading} @click=${() => void app.loadList(true)}>Load more</button>` : nothing}`;
}
