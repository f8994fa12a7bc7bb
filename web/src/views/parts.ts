/** Small pieces shared by the views. */
import { html, type TemplateResult } from 'lit';
import type { Anomaly } from '../api.js';
import { VERDICT_LABELS } from '../app.js';
import { ago, time } from '../format.js';

export const severity = (s: string): TemplateResult => html`<span class="sev sev-${s}">${s}</span>`;

export const status = (s: string | undefined): TemplateResult => html`<span class="status status-${s ?? 'open'}">${VERDICT_LABELS[s ?? 'open'] ?? s}</span>`;

/** `#/anomalies/<id>`: the id is URI-encoded, so any character is safe in the link. */
export const anomalyHref = (id: string): string => `#/anomalies/${encodeURIComponent(id)}`;

export function anomalyRow(a: Anomaly, fresh: boolean): TemplateResult {
  return html`<li class="anomaly ${fresh ? 'fresh' : ''}" data-id=${a.id}>
    <div class="row-head">
      ${severity(a.severity)} ${status(a.status)}
      <time datetime=${new Date(a.ts).toISOString()} title=${time(a.ts)}>${ago(a.ts)}</time>
      ${fresh ? html`<span class="new">new</span>` : ''}
    </div>
    <a class="title" href=${anomalyHref(a.id)}>${a.title}</a>
    <div class="meta"><span>${a.source}</span> · <span>${a.detector}</span></div>
  </li>`;
}
