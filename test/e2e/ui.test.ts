/**
 * The web UI in a real browser: Debian's Chromium (scripts/provision-chromium.sh) driven by
 * playwright-core against a real service (buildService, HTTP ingest, SQLite in a temp dir).
 * The UI under test is the production build in dist/web/: it is (re)built here with `vite build`
 * when missing or older than any file in web/, so `npm test` never runs a stale bundle.
 * Screenshots of each view go to .ci-artifacts/ui-*.png (the CI's artifact folder, gitignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/config/load.js';
import { serveConfigSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/component.js';
import type { Anomaly } from '../../src/core/event.js';
import { buildService, type Service } from '../../src/topology/build.js';
import { until } from '../harness/until.js';
import { CHROMIUM, checkFocusRings, ensureBuilt, launchBrowser } from '../harness/browser.js';
import { requireComponent } from '../harness/ci.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROVISION = 'scripts/provision-chromium.sh';
/** Screenshots for CI: the scaffold's artifact folder (gitignored), kept after the run. */
const ARTIFACTS = join(ROOT, '.ci-artifacts');
const hasChromium = requireComponent(existsSync(CHROMIUM), 'Debian Chromium at /usr/bin/chromium', `Chromium is missing at ${CHROMIUM}: run ${PROVISION} (installs Debian's chromium package).`);

const HOSTILE = ['<img src=x onerror=alert(1)>', '<script>window.__pwned=1</script>', '{{7*7}}'];

describe.skipIf(!hasChromium)('web UI in Chromium (live anomalies, detail, feedback, hostile log text)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-ui-e2e-'));
  let svc: Service;
  let url: string;
  let ctx: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  const ingest = async (lines: string[]): Promise<void> => {
    const res = await fetch(`${url}/ingest?source=web`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: lines.join('\n') + '\n' });
    expect(res.status).toBe(200);
  };
  const shot = async (name: string): Promise<void> => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
    expect(statSync(join(ARTIFACTS, name)).size, name).toBeGreaterThan(1000);
  };
  const stored = async (): Promise<Anomaly[]> => ((await (await fetch(`${url}/api/anomalies?limit=100`)).json()) as { anomalies: Anomaly[] }).anomalies;

  beforeAll(async () => {
    ensureBuilt();
    const config = validate(
      {
        data_dir: join(dir, 'data'),
        server: { port: 0 },
        sources: [{ type: 'http' }],
        detectors: { novelty: { warmup_events: 20, rare_count: 0 }, rate: { enabled: false }, params: { enabled: false } },
        // A sink nobody listens to (port 9 on loopback): its dispatcher reports `failing` (health dots).
        sinks: [{ type: 'webhook', name: 'dead-hook', url: 'http://127.0.0.1:9/hook' }],
        alerts: { min_severity: 'info', group_wait_seconds: 0 },
      },
      serveConfigSchema,
    );
    svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 'ui-e2e' });
    ({ url } = await svc.start());
    ctx = await launchBrowser(dir);
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The page's Content-Security-Policy must not block anything the UI itself needs.
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows anomalies live, explains one, takes feedback that survives a reload, and never runs log text', { timeout: 120_000 }, async () => {
    await page.goto(`${url}/#/anomalies`);
    await page.getByRole('heading', { level: 1, name: 'Anomalies' }).waitFor();
    await page.getByText('Live: open').waitFor();
    expect(await page.locator('li.anomaly').count()).toBe(0);

    // Normal traffic: the novelty detector warms up on it (no anomalies).
    await ingest(Array.from({ length: 30 }, (_, i) => `worker ${i} finished job ${i * 7} in ${10 + i} ms`));
    await until('the normal lines', async () => (svc.engine.stats.events >= 30 ? true : undefined));
    // The engine settles the source's format once input pauses; then a new message type follows.
    await new Promise((r) => setTimeout(r, 300));
    await ingest(['disk /dev/sda3 failed: read-only file system']);
    const first = page.locator('li.anomaly.fresh', { hasText: 'read-only file system' });
    await first.waitFor({ timeout: 20_000 });
    const [disk] = await stored();
    expect(disk.title).toMatch(/read-only file system/);
    expect(await first.locator('a.title').textContent()).toBe(disk.title);

    // Hostile lines arrive live too; each title is shown as exactly the stored text.
    await ingest([HOSTILE[0], HOSTILE[1], JSON.stringify(HOSTILE[2])]);
    await until('three hostile anomalies', async () => ((await stored()).length >= 4 ? true : undefined));
    await until('the hostile anomalies in the list', async () => ((await page.locator('li.anomaly.fresh').count()) >= 4 ? true : undefined));
    const all = await stored();
    for (const a of all) expect(await page.locator(`li.anomaly[data-id="${a.id}"] a.title`).textContent()).toBe(a.title);
    expect(all.map((a) => a.title).join('\n')).toMatch(/<img src=|<script>|\{\{/);

    // Client-side text search over the loaded anomalies (titles, sources, context lines…): only the
    // last one has seen `{{7*7}}` in its context.
    await page.getByLabel('Search the loaded anomalies').fill('{{7*7');
    await expect.poll(() => page.locator('li.anomaly').count()).toBe(1);
    await page.getByLabel('Search the loaded anomalies').fill('');
    await expect.poll(() => page.locator('li.anomaly').count()).toBe(4);
    // The page says what that search covers; the server-side title filter (?q=) covers every stored one.
    expect(await page.locator('#search-scope').textContent()).toBe('Searching the 4 anomalies loaded in this browser (at most 2000: titles, sources, context lines).');
    await page.getByLabel('Title contains').fill('READ-ONLY file');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('li.anomaly a.title').allTextContents()).toEqual([disk.title]);
    await page.getByLabel('Title contains').fill('100%');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No anomalies match.').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.locator('li.anomaly').count()).toBe(4);
    await shot('ui-anomalies.png');

    // Overview: charts drawn from /api/stats, counts per source; the screenshot for CI's artifacts.
    await page.goto(`${url}/#/`);
    await page.locator('section .chart canvas').first().waitFor();
    await page.locator('table th[scope="row"]', { hasText: 'http:web' }).waitFor();
    // Health: the dead sink is red while failing, with why; a source is red only when its errors
    // counter grew since the previous poll (every 5 s), not forever after one error.
    const sink = page.locator('ul.health li', { hasText: 'dead-hook' });
    await expect.poll(() => sink.getAttribute('class'), { timeout: 20_000 }).toBe('bad');
    expect(await sink.locator('.why').textContent()).toMatch(/^Failing: \d+ failed deliver(y|ies) in a row; alerts wait in the outbox\. Last error: \S/);
    const source = page.locator('ul.health li', { hasText: 'received' });
    await expect.poll(() => source.locator('.why').textContent(), { timeout: 15_000 }).toBe('No errors.');
    expect(await source.getAttribute('class')).toBe('ok');
    const bad = await fetch(`${url}/ingest?source=web`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: '{not json\n' });
    expect(bad.status).toBe(400);
    await expect.poll(() => source.getAttribute('class'), { timeout: 15_000 }).toBe('bad');
    expect(await source.locator('.why').textContent()).toMatch(/^1 new error since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(1 since start\)\.$/);
    await expect.poll(() => source.getAttribute('class'), { timeout: 15_000 }).toBe('ok');
    expect(await source.locator('.why').textContent()).toMatch(/^No new errors since .* \(1 since start\)\.$/);
    // The store's anomaly caps and write state are shown (from /api/health), not only counted in /metrics.
    const caps = page.locator('ul.health li', { hasText: 'anomaly caps' });
    expect(await caps.locator('.why').textContent()).toMatch(/^\d[\d,]* stored \(at most 100,000 in all, 500 per source per hour\); none dropped or evicted since start\.$/);
    expect(await page.locator('ul.health li', { hasText: /^\s*store/ }).locator('.why').textContent()).toBe('Writing.');
    await shot('ui-dashboard.png');

    // Detail, reached with the keyboard from the list.
    await page.goto(`${url}/#/anomalies`);
    const link = page.getByRole('link', { name: disk.title });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/#/anomalies/${encodeURIComponent(disk.id)}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(disk.title);
    await expect.poll(() => page.locator('ol.context li.hit').allTextContents()).toEqual([expect.stringContaining('disk /dev/sda3 failed: read-only file system')]);
    expect(await page.locator('ol.context li').count()).toBeGreaterThan(1);
    await page.getByText('new_template').waitFor();
    // The template's per-minute rate from /api/stats, drawn by uPlot.
    await page.locator('section[aria-labelledby="h-rate"] .chart canvas').waitFor();
    await shot('ui-anomaly.png');

    // Feedback: "real issue" with a comment, then a reload shows it from the store.
    await page.getByLabel('Comment (optional)').fill('Disk <b>really</b> died');
    await page.getByLabel('Your name (optional)').fill('ops-oncall');
    await page.getByRole('button', { name: 'Real issue' }).click();
    await page.getByText('Feedback saved: real issue.').waitFor({ timeout: 15_000 });
    await page.reload();
    await page.locator('ul.feedback-history li', { hasText: 'ops-oncall' }).waitFor();
    expect(await page.locator('ul.feedback-history li time').count()).toBe(1);
    expect(await page.locator('ul.feedback-history blockquote').first().textContent()).toBe('Disk <b>really</b> died');
    expect(await page.locator('.row-head .status').first().textContent()).toBe('real issue');
    // The list filtered by status shows it.
    await page.goto(`${url}/#/anomalies`);
    await page.getByLabel('Status').selectOption('real');
    await expect.poll(() => page.locator('li.anomaly').count()).toBe(1);
    await page.getByLabel('Status').selectOption('');

    // An earlier anomaly of the same source, detector and template: listed as similar on the detail
    // page, and kept out of the list by the time-range filter.
    const earlier = { ...disk, id: 'earlier-disk-anomaly', ts: disk.ts - 2 * 86_400_000, title: 'Earlier: disk /dev/sda3 failed.', window: undefined };
    svc.store.insertAnomalies([earlier]);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('li.anomaly').count()).toBe(5);
    await page.getByLabel('Time').selectOption('24h');
    await expect.poll(() => page.locator('li.anomaly').count()).toBe(4);
    expect(await page.locator('li.anomaly', { hasText: earlier.title }).count()).toBe(0);
    await page.goto(`${url}/#/anomalies/${encodeURIComponent(disk.id)}`);
    await expect.poll(() => page.locator('ul.similar li a').allTextContents()).toEqual([earlier.title]);

    // Hostile detail pages: context lines show the raw text literally; nothing was parsed as HTML.
    for (const h of HOSTILE) {
      const a = all.find((x) => x.context.includes(h));
      expect(a, h).toBeDefined();
      await page.goto(`${url}/#/anomalies/${encodeURIComponent(a!.id)}`);
      await expect.poll(() => page.locator('h1').textContent()).toBe(a!.title);
      expect(await page.locator('ol.context code').allTextContents()).toContain(h);
    }
    // Mute the last one's pattern for a day (keyboard-reachable select + button).
    await page.getByLabel('Mute duration').selectOption('1d');
    await page.getByRole('button', { name: 'Mute this pattern for' }).click();
    await page.getByText('Feedback saved: muted.').waitFor({ timeout: 15_000 });
    await page.locator('ul.feedback-history li', { hasText: 'muted until' }).waitFor();
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('main img, main script, #app img').count()).toBe(0);
    expect(dialogs).toEqual([]);

    // Feedback rules (GET /api/feedback/rules): both verdicts given above, newest first, each linked to
    // its anomaly; a newer verdict there replaces the rule — the way to undo one — and the page shows it.
    await page.getByRole('link', { name: 'Feedback', exact: true }).click();
    await page.waitForURL('**/#/feedback');
    const verdicts = () => page.locator('table.rules tbody tr td:first-child').allTextContents();
    await expect.poll(verdicts).toEqual(['muted', 'real issue']);
    await page.locator('table.rules tbody tr', { hasText: 'real issue' }).getByRole('link', { name: 'open the anomaly' }).click();
    await page.waitForURL(`**/#/anomalies/${encodeURIComponent(disk.id)}`);
    await page.getByRole('button', { name: 'Noise' }).click();
    await page.getByText('Feedback saved: noise.').waitFor({ timeout: 15_000 });
    await page.goto(`${url}/#/feedback`);
    await expect.poll(verdicts).toEqual(['noise', 'muted']);
    await shot('ui-feedback-rules.png');
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('main img, main script, #app img').count()).toBe(0);

    // The record's attributes are shown as text, hostile names and values included; context lines carry theirs as a tooltip.
    const withAttrs = { ...disk, id: 'attrs-disk-anomaly', title: 'Disk full on web-1.', attrs: { hostname: 'web-1', [HOSTILE[1]]: HOSTILE[0] }, contextAttrs: disk.context.map((_, i) => (i === 0 ? { hostname: HOSTILE[2] } : null)) };
    svc.store.insertAnomalies([withAttrs]);
    await page.goto(`${url}/#/anomalies/${encodeURIComponent(withAttrs.id)}`);
    await expect.poll(() => page.locator('dl.attrs dt').allTextContents()).toEqual(['hostname', HOSTILE[1]]);
    expect(await page.locator('dl.attrs dd code').allTextContents()).toEqual(['web-1', HOSTILE[0]]);
    expect(await page.locator('ol.context li').first().getAttribute('title')).toBe(`hostname=${HOSTILE[2]}`);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('main img, main script, #app img').count()).toBe(0);

    // A `model` anomaly shows its source's active model from /api/models: kind, version, trained at, threshold.
    const modelSource = 'http:model-e2e';
    svc.store.saveModel({ id: `model-detector:${modelSource}:v3`, kind: `model-detector:${modelSource}`, version: 3, artifact: { modelKind: 'if', threshold: { kind: 'quantile', version: 1, contamination: 0.01, threshold: 0.6125 } } });
    const [trained] = (await (await fetch(`${url}/api/models`)).json() as { models: { kind: string; createdAt: number }[] }).models.filter((m) => m.kind === `model-detector:${modelSource}`);
    const scored: Anomaly = { id: 'model-e2e-1', ts: trained.createdAt + 1000, source: modelSource, detector: 'model', score: 0.93, severity: 'warning', title: `Window on source ${modelSource} looks unusual (if model v3).`, explanation: [], context: ['x'], window: { start: trained.createdAt - 59_000, end: trained.createdAt + 1000 } };
    svc.store.insertAnomalies([scored]);
    await page.goto(`${url}/#/anomalies/${scored.id}`);
    const facts = page.locator('dl.model-info');
    await facts.waitFor();
    const fact = (name: string) => facts.locator('div', { has: page.locator('dt', { hasText: name }) }).locator('dd').textContent();
    expect(await fact('Model kind')).toBe('Isolation Forest (if)');
    expect(await fact('Version')).toBe('3');
    expect(await fact('Threshold')).toBe('0.6125 (quantile)');
    expect(await fact('Trained at')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(await fact('Registry id')).toBe(`model-detector:${modelSource}:v3`);
    await page.goto(`${url}/#/anomalies/${encodeURIComponent(disk.id)}`);
    await page.locator('ul.similar li a').first().waitFor();
    expect(await page.locator('dl.model-info').count()).toBe(0);

    // Templates: server-side search with counts and a sparkline.
    await page.goto(`${url}/#/templates`);
    await page.getByLabel('Search templates').fill('finished job');
    const row = page.locator('table.templates tbody tr', { hasText: 'finished job' });
    await row.first().waitFor();
    await expect.poll(() => page.locator('table.templates tbody tr').count()).toBe(1);
    expect(await row.locator('td.n').textContent()).toBe('30');
    await row.locator('svg.spark').waitFor();
    await shot('ui-templates.png');

    // Keyboard focus: a visible ring with ≥ 3:1 contrast on every focusable element of every view.
    const views: [string, string][] = [['#/', 'ul.health li'], ['#/anomalies', 'li.anomaly'], [`#/anomalies/${encodeURIComponent(disk.id)}`, 'ul.similar li a'], ['#/templates', 'table.templates tbody tr'], ['#/feedback', 'table.rules tbody tr']];
    for (const [hash, loaded] of views) {
      await page.goto(`${url}/${hash}`);
      await page.locator(loaded).first().waitFor();
      expect(await checkFocusRings(page, hash), hash).toBeGreaterThanOrEqual(6);
    }

    // Phone width: no horizontal scrolling of the page.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ['#/', '#/anomalies', `#/anomalies/${encodeURIComponent(disk.id)}`]) {
      await page.goto(`${url}/${hash}`);
      await page.locator('main h1').waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'), hash).toBeLessThanOrEqual(0);
    }
    await shot('ui-phone-anomaly.png');
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('web UI sign-in with server.auth_token (no token in URLs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-ui-login-'));
  const TOKEN = 'ui-e2e-token-0123456789';
  let svc: Service;
  let url: string;
  let ctx: BrowserContext;

  beforeAll(async () => {
    ensureBuilt();
    const config = validate({ data_dir: join(dir, 'data'), server: { port: 0, auth_token: TOKEN }, sources: [{ type: 'http' }] }, serveConfigSchema);
    svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 'ui-e2e' });
    ({ url } = await svc.start());
    ctx = await launchBrowser(dir);
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the sign-in page, signs in with the pasted token (a cookie, not the token), then the UI works; #token= signs in too', async () => {
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(url);
    await page.getByLabel('Token').fill('wrong-token-000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#error').textContent()).toBe('Wrong token.');
    await page.getByLabel('Token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The sign-in page has a `main h1` too: wait for the UI's (it replaces the page after the sign-in).
    await page.locator('#app main h1').waitFor();
    // The UI's own API calls pass with the session cookie; the cookie is HttpOnly and is not the token.
    const cookies = await ctx.cookies(url);
    expect(cookies.map((c) => c.name)).toEqual(['anomalog_session']);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookies[0].value).not.toContain(TOKEN);
    expect(await page.evaluate('document.cookie')).toBe('');
    await expect.poll(async () => (await page.evaluate<number>(`fetch('/api/anomalies').then((r) => r.status)`))).toBe(200);

    // A fresh browser: the fragment signs in and is removed from the address bar at once.
    await ctx.clearCookies();
    await page.goto('about:blank');
    await page.goto(`${url}/#token=${TOKEN}`);
    await page.locator('#app main h1').waitFor();
    expect(page.url()).not.toContain(TOKEN);
    expect(requested.some((u) => u.includes(TOKEN))).toBe(false);
    expect(errors).toEqual([]);
  });
});
