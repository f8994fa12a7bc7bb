import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { layers, picture } = require('../scripts/layers.cjs') as {
  layers: { name: string; folders: string[] }[];
  picture: () => string;
};
const root = new URL('..', import.meta.url);

describe('layer rules (scripts/layers.cjs, checked by npm run lint:layers)', () => {
  it('give every folder under src/ exactly one layer', () => {
    const folders = readdirSync(new URL('src/', root), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    const listed = layers.flatMap((l) => l.folders);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...folders].sort());
  });

  it('are the picture in ARCHITECTURE.md (regenerate: node scripts/layers.cjs)', () => {
    const doc = readFileSync(new URL('ARCHITECTURE.md', root), 'utf8');
    const m = /<!-- layers:begin[^>]*-->\n([\s\S]*?)\n<!-- layers:end -->/.exec(doc);
    expect(m, 'ARCHITECTURE.md has a <!-- layers:begin --> … <!-- layers:end --> block').not.toBeNull();
    expect(m![1]).toBe(picture());
  });
});
