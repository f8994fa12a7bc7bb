/**
 * Feedback rules: what the running policy holds (`GET /api/feedback/rules`) — one rule per judged
 * kind of anomaly with what it suppressed (or raised) since the service started, and the judged
 * kinds with whether a whole kind is suppressed or a source's new message types are held back. Each
 * rule links to the anomaly it was given on, where a newer verdict replaces it: that is how a rule
 * is undone.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { App } from '../app.js';
import { VERDICT_LABELS } from '../app.js';
import { num, time } from '../format.js';

export function rules(app: App): TemplateResult {
  const r = app.rules;
  const d = r.data;
  return html`<h1 tabindex="-1">Feedback rules</h1>
    <p class="muted">What your verdicts taught the running service. A rule applies to later anomalies of the same detector, source and message type (and its close variants). To undo one, open the anomaly it was given on and give a newer verdict there.</p>
    ${r.error ? html`<p class="error" role="alert">Could not load the rules: ${r.error}</p>` : nothing}
    ${!d ? html`<p class="empty">Loading…</p>` : html`
      ${d.rules.length === 0 ? html`<p class="empty">No feedback given yet.</p>` : html`
        <div class="table-wrap"><table class="rules">
          <caption>${num(d.rules.length)} rule(s), newest first</caption>
          <thead><tr><th scope="col">Verdict</th><th scope="col">Detector</th><th scope="col">Source</th><th scope="col">About</th><th scope="col">Until</th><th scope="col" class="n">Hits since start</th><th scope="col">Given on</th></tr></thead>
          <tbody>${d.rules.map(
            (x) => html`<tr>
              <td>${VERDICT_LABELS[x.verdict] ?? x.verdict}</td>
              <td>${x.detector}</td>
              <td>${x.source}</td>
              <td>${x.template !== undefined ? html`<code class="tpl">${x.template}</code>` : x.titleShape !== undefined ? html`<span>${x.titleShape}</span>` : nothing}${x.templateId !== undefined ? html` <span class="muted">#${x.templateId}</span>` : nothing}</td>
              <td>${x.until !== undefined ? html`<time>${time(x.until)}</time>` : '—'}</td>
              <td class="n">${num(x.hits)}</td>
              <td>${x.anomalyId !== undefined ? html`<a href=${`#/anomalies/${encodeURIComponent(x.anomalyId)}`}>open the anomaly</a>` : '—'}</td>
            </tr>`,
          )}</tbody>
        </table></div>`}
      ${d.kinds.length === 0 ? nothing : html`
        <div class="table-wrap"><table class="kinds">
          <caption>Judged kinds: a kind mostly marked noise is suppressed as a whole; a source whose new message types of one severity are mostly dismissed has those held back until they come back</caption>
          <thead><tr><th scope="col">Detector</th><th scope="col">Source</th><th scope="col">Kind</th><th scope="col" class="n">Noise</th><th scope="col" class="n">Real</th><th scope="col">Now</th></tr></thead>
          <tbody>${d.kinds.map(
            (k) => html`<tr>
              <td>${k.detector}</td>
              <td>${k.source}</td>
              <td><code>${k.feature}</code>${k.severity !== undefined ? html` <span class="muted">at ${k.severity}</span>` : nothing}</td>
              <td class="n">${num(k.noise)}</td>
              <td class="n">${num(k.real)}</td>
              <td>${k.suppressing ? 'suppressed' : k.holding ? 'new types held back' : 'reported'}</td>
            </tr>`,
          )}</tbody>
        </table></div>`}`}`;
}
