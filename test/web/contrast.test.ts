/** The focus ring colours of web/src/styles.css against the surfaces they are drawn on (WCAG 1.4.11: ≥ 3:1). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../../web/src/styles.css', import.meta.url), 'utf8');
const cssVar = (name: string): string => {
  const m = css.match(new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})\\s*;`));
  if (!m) throw new Error(`--${name} is not a #rrggbb colour in styles.css`);
  return m[1];
};

/** WCAG 2 contrast ratio of two `#rrggbb` colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((x) => (x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('focus ring contrast (styles.css)', () => {
  it('computes WCAG ratios (the old amber ring was 2.06:1 on the page background)', () => {
    expect(contrast('#f59e0b', '#f9fafb')).toBeCloseTo(2.06, 2);
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });

  it('has ≥ 3:1 for the ring on the light surfaces, the halo and the dark-bar ring on the dark bar', () => {
    const light = [cssVar('bg'), cssVar('panel'), '#fffbeb', '#fef2f2'];
    for (const bg of light) expect(contrast(cssVar('focus'), bg), bg).toBeGreaterThanOrEqual(3);
    expect(contrast(cssVar('focus-halo'), '#111827')).toBeGreaterThanOrEqual(3);
    expect(contrast(cssVar('focus-dark'), '#111827')).toBeGreaterThanOrEqual(3);
    // The ratios written in the stylesheet's comment are the computed ones.
    expect(css).toContain(`${contrast(cssVar('focus'), cssVar('bg')).toFixed(2)}:1 on --bg`);
    expect(css).toContain(`${contrast(cssVar('focus-dark'), '#111827').toFixed(2)}:1 on #111827`);
  });

  it('draws the two-tone ring on every :focus-visible, light on the dark bar', () => {
    expect(css).toMatch(/:focus-visible \{ outline: 3px solid var\(--focus\); outline-offset: 2px; box-shadow: 0 0 0 2px var\(--focus-halo\);/);
    expect(css).toMatch(/\.top :focus-visible \{ outline-color: var\(--focus-dark\); \}/);
  });
});
