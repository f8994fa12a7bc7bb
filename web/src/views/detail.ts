/** One anomaly: title, explanation, template rate, context lines, similar anomalies, detector (and its model), feedback. */
import { html, nothing, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import type { App } from '../app.js';
import { VERDICT_LABELS } from '../app.js';
import type { Anomaly, Verdict } from '../api.js';
import { chart, xs } from '../charts.js';
import { matchesTemplate, num, time } from '../format.js';
import { anomalyHref, severity, status } from './parts.js';

const DETECTOR_INFO: Record<string, string> = {
  novelty: 'Flags a message type (template) never or rarely seen before, once the detector has warmed up on normal traffic.',
  rate: 'Compares each template’s and each source’s volume per interval with its learned baseline: spikes, drops and sources going silent.',
  params: 'Learns the distribution of numeric parameters per template position (latencies, sizes) and flags outliers.',
  model: 'Scores windows or sessions of events with a trained model (Isolation Forest, PCA, autoencoder, One-Class SVM, ensemble) against its threshold.',
};

const MODEL_NAMES: Record<string, string> = { if: 'Isolation Forest', pca: 'PCA', ae: 'autoencoder', ocsvm: 'One-Class SVM' };

/** The source's active model from `GET /api/models` (kind, version, training time, threshold), for `model` anomalies. */
function modelInfo(app: App, a: Anomaly): TemplateResult | typeof nothing {
  if (a.detector !== 'model') return nothing;
  const d = app.detail;
  if (d.modelError) return html`<p class="muted">Model details unavailable: ${d.modelError}</p>`;
  const m = d.model;
  if (m === undefined) return html`<p class="empty">Loading the model…</p>`;
  if (m === null) return html`<p class="empty">No active model of source ${a.source} in the registry.</p>`;
  const kind = m.modelKind === undefined ? undefined : `${MODEL_NAMES[m.modelKind] ?? m.modelKind} (${m.modelKind})`;
  return html`<h3>Active model of this source</h3>
    <dl class="facts model-info">
      ${kind ? html`<div><dt>Model kind</dt><dd>${kind}</dd></div>` : nothing}
      <div><dt>Version</dt><dd>${m.version}</dd></div>
      <div><dt>Trained at</dt><dd><time datetime=${new Date(m.createdAt).toISOString()}>${time(m.createdAt)}</time></dd></div>
      ${m.threshold !== undefined ? html`<div><dt>Threshold</dt><dd>${num(m.threshold, 4)}${m.thresholdRule ? ` (${m.thresholdRule}${m.thresholdRule === 'spot' ? ', at training; adapts online' : ''})` : ''}</dd></div>` : nothing}
      <div><dt>Registry id</dt><dd><code>${m.id}</code></dd></div>
    </dl>
    ${m.createdAt > a.ts ? html`<p class="muted">Trained after this anomaly: an earlier version scored it (its title names the version).</p>` : nothing}`;
}

const MUTE_FOR: [string, string][] = [
  ['1h', '1 hour'],
  ['2h', '2 hours'],
  ['8h', '8 hours'],
  ['1d', '1 day'],
  ['1w', '1 week'],
];

function explanation(a: Anomaly): TemplateResult {
  if (a.explanation.length === 0) return html`<p class="empty">No explanation recorded.</p>`;
  return html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">Contributing</th><th scope="col" class="n">Observed</th><th scope="col" class="n">Expected</th><th scope="col" class="n">Weight</th></tr></thead>
    <tbody>${a.explanation.map(
      (c) => html`<tr>
        <td>${c.template !== undefined ? html`<code class="tpl">${c.template}</code>` : nothing}
          <span class="muted">${c.feature}${c.templateId !== undefined ? ` · template ${c.templateId}` : ''}</span></td>
        <td class="n">${num(c.observed)}</td><td class="n">${num(c.expected)}</td><td class="n">${num(c.contribution)}</td>
      </tr>`,
    )}</tbody></table></div>`;
}

function context(a: Anomaly): TemplateResult {
  if (a.context.length === 0) return html`<p class="empty">No context lines.</p>`;
  const templates = a.explanation.filter((c) => c.template && (a.templateId === undefined || c.templateId === a.templateId)).map((c) => c.template as string);
  let hits = a.context.map((line) => templates.some((t) => matchesTemplate(line, t)));
  // Context ends at the anomaly's time: without a template match, its last line is the one.
  if (!hits.some(Boolean)) hits = a.context.map((_, i) => i === a.context.length - 1);
  return html`<ol class="context" aria-label="Log lines up to the anomaly; anomalous lines are marked">
    ${a.context.map((line, i) => html`<li class=${hits[i] ? 'hit' : ''} title=${attrsText(a.contextAttrs?.[i])}>${hits[i] ? html`<span class="sr-only">Anomalous: </span>` : nothing}<code>${line}</code></li>`)}
  </ol>`;
}

/** A record's attributes as one line (a context line's tooltip); empty when it has none. */
function attrsText(at: Record<string, string> | null | undefined): string {
  return at ? Object.entries(at).map(([k, v]) => `${k}=${v}`).join('  ') : '';
}

/** The record's attributes (labels, resource attributes, syslog header…): what `?attr.<name>=` filters by. */
function attributes(a: Anomaly): TemplateResult {
  const at = Object.entries(a.attrs ?? {});
  if (at.length === 0) return html`<p class="empty">No attributes.</p>`;
  return html`<dl class="kv attrs">${at.map(([k, v]) => html`<div><dt>${k}</dt><dd><code>${v}</code></dd></div>`)}</dl>`;
}

function rate(app: App, a: Anomaly): TemplateResult {
  const s = app.detail.series;
  if (a.templateId === undefined) return html`<p class="empty">This anomaly is not about one template.</p>`;
  if (!s || s.counts === null) return html`<p class="empty">No recent rate for template ${a.templateId} (the service keeps one hour, in memory).</p>`;
  const x = xs(s.start, s.minuteMs, s.counts.length);
  const marker = a.ts >= s.start ? html`<p class="muted">The dashed red line marks the anomaly (${time(a.ts)}).</p>` : html`<p class="muted">The anomaly (${time(a.ts)}) is older than the hour shown.</p>`;
  return html`<div class="chart" role="img" aria-label="Lines per minute of this template, last hour" ${ref(chart({ key: `tpl|${a.id}`, marker: a.ts, stepMs: s.minuteMs, stepped: true, height: 140, series: [{ label: 'lines/min', stroke: '#1d4ed8', fill: '#1d4ed833' }], unit: 'lines/min' }, [x, s.counts]))}></div>${marker}`;
}

function similar(app: App): TemplateResult {
  const list = app.detail.similar;
  if (list === undefined) return html`<p class="empty">Loading…</p>`;
  if (list.length === 0) return html`<p class="empty">None: same source, detector and template never flagged before (in the last 200 of this source and detector).</p>`;
  return html`<ul class="similar">${list.slice(0, 20).map((s) => html`<li>${severity(s.severity)} ${status(s.status)} <a href=${anomalyHref(s.id)}>${s.title}</a> <span class="muted">${time(s.ts)}</span></li>`)}</ul>`;
}

function feedbackHistory(a: Anomaly): TemplateResult {
  const fb = a.feedback ?? [];
  if (fb.length === 0) return html`<p class="empty">No feedback yet.</p>`;
  return html`<ul class="feedback-history">${fb.map(
    (f) => html`<li><strong>${VERDICT_LABELS[f.verdict] ?? f.verdict}</strong>
      ${f.user ? html` by <span>${f.user}</span>` : nothing}
      ${f.createdAt !== undefined ? html` · <time datetime=${new Date(f.createdAt).toISOString()}>${time(f.createdAt)}</time>` : nothing}
      ${f.muteUntil ? html` · muted until ${time(f.muteUntil)}` : nothing}
      ${f.comment ? html`<blockquote>${f.comment}</blockquote>` : nothing}</li>`,
  )}</ul>`;
}

function feedbackForm(app: App): TemplateResult {
  const d = app.detail;
  const send = (e: Event, verdict: Verdict) => {
    const form = (e.currentTarget as HTMLElement).closest('form') as HTMLFormElement;
    const v = (n: string) => ((form.elements.namedItem(n) as HTMLInputElement | HTMLSelectElement | null)?.value ?? '').trim();
    void app.sendFeedback(verdict, v('comment'), v('muteFor'), v('user'));
  };
  return html`<form class="feedback" aria-label="Feedback" @submit=${(e: Event) => e.preventDefault()}>
    <label>Comment (optional)<textarea name="comment" rows="2" maxlength="2000"></textarea></label>
    <label>Your name (optional)<input name="user" maxlength="200" .value=${localStorage.getItem('anomalog.user') ?? ''} autocomplete="name" /></label>
    <div class="buttons">
      <button type="button" data-verdict="real" ?disabled=${d.sending} @click=${(e: Event) => send(e, 'real')}>Real issue</button>
      <button type="button" data-verdict="noise" ?disabled=${d.sending} @click=${(e: Event) => send(e, 'noise')}>Noise</button>
      <span class="mute">
        <button type="button" data-verdict="mute" ?disabled=${d.sending} @click=${(e: Event) => send(e, 'mute')}>Mute this pattern for</button>
        <label class="sr-only" for="mute-for">Mute duration</label>
        <select id="mute-for" name="muteFor">${MUTE_FOR.map(([v, l]) => html`<option value=${v} ?selected=${v === '2h'}>${l}</option>`)}</select>
      </span>
      <button type="button" data-verdict="learn" ?disabled=${d.sending} @click=${(e: Event) => send(e, 'learn')}>Expected change — learn as normal</button>
    </div>
    <p class="message" role="status" aria-live="polite">${d.message ?? ''}</p>
  </form>`;
}

export function detail(app: App): TemplateResult {
  const d = app.detail;
  const a = d.anomaly;
  if (d.error) return html`<h1 tabindex="-1">Anomaly</h1><p class="error" role="alert">Could not load anomaly: ${d.error}</p><p><a href="#/anomalies">← All anomalies</a></p>`;
  if (!a) return html`<h1 tabindex="-1">Anomaly</h1><p class="empty">Loading…</p>`;
  return html`<p><a href="#/anomalies">← All anomalies</a></p>
    <h1 tabindex="-1" class="anomaly-title">${a.title}</h1>
    <p class="row-head">${severity(a.severity)} ${status(a.status)} <span>${time(a.ts)}</span></p>
    <dl class="facts">
      <div><dt>Source</dt><dd>${a.source}</dd></div>
      <div><dt>Detector</dt><dd>${a.detector}</dd></div>
      <div><dt>Score</dt><dd>${num(a.score, 3)}</dd></div>
      ${a.templateId !== undefined ? html`<div><dt>Template</dt><dd>${a.templateId}</dd></div>` : nothing}
      ${a.window ? html`<div><dt>Window</dt><dd>${time(a.window.start)} – ${time(a.window.end)}</dd></div>` : nothing}
      ${a.sessionKey ? html`<div><dt>Session</dt><dd>${a.sessionKey}</dd></div>` : nothing}
      <div><dt>Id</dt><dd><code>${a.id}</code></dd></div>
    </dl>
    <section aria-labelledby="h-fb"><h2 id="h-fb">Feedback</h2>${feedbackForm(app)}${feedbackHistory(a)}</section>
    <section aria-labelledby="h-expl"><h2 id="h-expl">Why it was flagged</h2>${explanation(a)}</section>
    <section aria-labelledby="h-rate"><h2 id="h-rate">Rate of this template</h2>${rate(app, a)}</section>
    <section aria-labelledby="h-attrs"><h2 id="h-attrs">Record attributes</h2>${attributes(a)}</section>
    <section aria-labelledby="h-ctx"><h2 id="h-ctx">Context</h2>${context(a)}</section>
    <section aria-labelledby="h-sim"><h2 id="h-sim">Similar past anomalies</h2>${similar(app)}</section>
    <section aria-labelledby="h-det"><h2 id="h-det">Detector: ${a.detector}</h2><p>${DETECTOR_INFO[a.detector] ?? 'A detector of this service.'} Score ${num(a.score, 3)} (higher is more anomalous).</p>${modelInfo(app, a)}</section>`;
}
