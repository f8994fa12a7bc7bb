/** Templates: search (server-side, `?search=`), counts, first/last seen, a sparkline, example parameters. */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { App } from '../app.js';
import { templateKey } from '../api.js';
import { ago, num, time } from '../format.js';

/** Lines per minute over the last hour as an inline SVG polyline (numbers only, no text from logs). */
function sparkline(counts: number[] | null | undefined): TemplateResult {
  if (!counts) return html`<span class="muted" title="No lines in the last hour, or not among the tracked templates">—</span>`;
  const w = 120;
  const h = 24;
  const max = Math.max(1, ...counts);
  const pts = counts.map((c, i) => `${((i / Math.max(1, counts.length - 1)) * w).toFixed(1)},${(h - 1 - (c / max) * (h - 2)).toFixed(1)}`).join(' ');
  const total = counts.reduce((a, b) => a + b, 0);
  return html`<svg class="spark" viewBox="0 0 ${w} ${h}" width=${w} height=${h} role="img" aria-label=${`${total} lines in the last hour, at most ${max} per minute`}>
    ${svg`<polyline points=${pts} fill="none" stroke="#1d4ed8" stroke-width="1.5" />`}
  </svg>`;
}

export function templates(app: App): TemplateResult {
  const t = app.templates;
  const page = t.page;
  const sources = app.stats?.sources.map((s) => s.source) ?? [];
  return html`<h1 tabindex="-1">Templates</h1>
    <form class="filters" role="search" @submit=${(e: Event) => e.preventDefault()} @input=${(e: Event) => {
      const f = e.currentTarget as HTMLFormElement;
      const v = (n: string) => (f.elements.namedItem(n) as HTMLInputElement).value;
      app.searchTemplates(v('search'), v('source'));
    }}>
      <label>Search templates <input type="search" name="search" .value=${t.search} placeholder="text in the template" /></label>
      <label>Source <input name="source" list="tpl-sources" .value=${t.source} placeholder="exact source id" autocomplete="off" /></label>
      <datalist id="tpl-sources">${sources.map((s) => html`<option value=${s}></option>`)}</datalist>
    </form>
    ${t.error ? html`<p class="error" role="alert">Could not load templates: ${t.error}</p>` : nothing}
    ${!page ? html`<p class="empty">Loading…</p>` : page.templates.length === 0 ? html`<p class="empty">No templates match.</p>` : html`
      <p class="muted" aria-live="polite">${num(page.total)} template(s); showing ${t.offset + 1}–${t.offset + page.templates.length}.</p>
      <div class="table-wrap"><table class="templates">
        <thead><tr><th scope="col">Template</th><th scope="col">Source</th><th scope="col" class="n">Count</th><th scope="col">First seen</th><th scope="col">Last seen</th><th scope="col">Last hour</th><th scope="col">Example parameters</th></tr></thead>
        <tbody>${page.templates.map(
          (r) => html`<tr>
            <td><code class="tpl">${r.template}</code> <span class="muted">#${r.templateId}</span></td>
            <td>${r.source}</td>
            <td class="n">${num(r.count)}</td>
            <td><time title=${time(r.firstSeen)}>${time(r.firstSeen)}</time></td>
            <td><time title=${time(r.lastSeen)}>${ago(r.lastSeen)}</time></td>
            <td>${sparkline(t.series.get(templateKey(r.source, r.templateId)))}</td>
            <td>${(r.exampleParams ?? []).map((p) => html`<code class="param">${p}</code> `)}</td>
          </tr>`,
        )}</tbody>
      </table></div>
      <div class="pager">
        <button type="button" ?disabled=${t.offset === 0 || t.loading} @click=${() => app.pageTemplates(t.offset - 50)}>← Previous</button>
        <button type="button" ?disabled=${t.offset + page.templates.length >= page.total || t.loading} @click=${() => app.pageTemplates(t.offset + 50)}>Next →</button>
      </div>`}`;
}
