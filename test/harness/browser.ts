/**
 * @module test/harness/browser
 * The web UI's browser tests (test/e2e/ui.test.ts): Debian's Chromium driven by playwright-core,
 * the production UI bundle built when stale, and the keyboard-focus check (WCAG contrast).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where scripts/provision-chromium.sh installs it. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium with a profile of its own under `dir`, nothing reaching out of loopback. */
export function launchBrowser(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
}

/** Newest modification time of the files under `dir` (recursively). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the UI (`vite build web`) unless dist/web is newer than every file of web/. */
export function ensureBuilt(): void {
  const index = join(ROOT, 'dist/web/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'web'))) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'web', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

/** The focused element's ring: outline, halo (box-shadow) and the background behind it (nearest ancestor's). */
const FOCUS_RING = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  let bg = 'rgb(255, 255, 255)';
  for (let p = el.parentElement; p; p = p.parentElement) {
    const b = getComputedStyle(p).backgroundColor;
    if (b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent') { bg = b; break; }
  }
  const name = (el.getAttribute('aria-label') || el.getAttribute('name') || el.textContent || '').trim().slice(0, 40);
  return { what: el.tagName.toLowerCase() + ' ' + name, style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), ring: cs.outlineColor, halo: cs.boxShadow, bg };
})()`;
type Ring = { what: string; style: string; width: number; ring: string; halo: string; bg: string };

/** WCAG contrast ratio of two `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map((x) => Number(x) / 255).map((x) => (x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Tabs through the whole page; every focused element must show a ring with ≥ 3:1 contrast (ring or halo). */
export async function checkFocusRings(page: Page, label: string): Promise<number> {
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  const seen = new Set<string>();
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const r = (await page.evaluate(FOCUS_RING)) as Ring | null;
    if (r === null) continue;
    if (seen.has(r.what) && i > 3) break;
    seen.add(r.what);
    const halo = r.halo.match(/rgba?\([^)]*\)/)?.[0];
    const best = Math.max(contrast(r.ring, r.bg), halo ? contrast(halo, r.bg) : 0);
    expect({ at: label, ...r, ok: r.style !== 'none' && r.width >= 2 && best >= 3 }).toMatchObject({ ok: true });
  }
  return seen.size;
}
