/**
 * The anomalog dashboard: overview, anomalies (live), one anomaly with feedback, templates, the
 * feedback rules in force.
 * Rendered with lit's `html` templates, which escape every interpolated value: log text is
 * always shown as text, never parsed as HTML.
 */
import { html, render, type TemplateResult } from 'lit';
import { App } from './app.js';
import { anomalies } from './views/anomalies.js';
import { detail } from './views/detail.js';
import { overview } from './views/overview.js';
import { rules } from './views/rules.js';
import { templates } from './views/templates.js';
import './styles.css';

const root = document.getElementById('app') as HTMLElement;

function page(app: App): TemplateResult {
  const r = app.route;
  switch (r.view) {
    case 'overview':
      return overview(app);
    case 'anomalies':
      return anomalies(app);
    case 'anomaly':
      return detail(app);
    case 'templates':
      return templates(app);
    case 'feedback':
      return rules(app);
    default:
      return html`<h1 tabindex="-1">Not found</h1><p>No page <code>${r.path}</code>. <a href="#/">Overview</a></p>`;
  }
}

function shell(app: App): TemplateResult {
  const v = app.route.view;
  const link = (href: string, label: string, active: boolean) => html`<a href=${href} aria-current=${active ? 'page' : 'false'}>${label}</a>`;
  const skip = (e: Event) => {
    e.preventDefault();
    document.querySelector<HTMLElement>('main h1')?.focus();
  };
  return html`<a class="skip" href="#/" @click=${skip}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/">anomalog</a>
      <nav aria-label="Main">
        ${link('#/', 'Overview', v === 'overview')} ${link('#/anomalies', 'Anomalies', v === 'anomalies' || v === 'anomaly')} ${link('#/templates', 'Templates', v === 'templates')} ${link('#/feedback', 'Feedback', v === 'feedback')}
      </nav>
      <span class="live live-${app.live}" role="status" title="Live feed (server-sent events)"><span class="dot" aria-hidden="true"></span>Live: ${app.live}</span>
    </header>
    <main id="main">${page(app)}</main>`;
}

const app: App = new App(() => render(shell(app), root));
root.replaceChildren();
app.start();
