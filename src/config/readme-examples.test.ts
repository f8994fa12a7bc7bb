import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from './load.js';
import { serveConfigSchema } from './schema.js';

// Every YAML example a newcomer might copy — in README.md and the READMEs under src/ — must be a
// valid `anomalog serve` configuration: a renamed or removed key breaks this test, not the user.
const ROOT = new URL('../../', import.meta.url).pathname;

function readmes(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...readmes(p));
    else if (name === 'README.md') out.push(p);
  }
  return out;
}

const examples = [join(ROOT, 'README.md'), ...readmes(join(ROOT, 'src'))].flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    // Other programs' files (a `# prometheus.yml` scrape config…) are not ours to validate.
    .filter((text) => !/^#\s*\S+\.ya?ml\b/.test(text) || /^#\s*anomalog\.ya?ml\b/.test(text))
    .map((text) => ({ file: file.slice(ROOT.length), first: text.split('\n')[0], text })),
);

// Secrets in examples are `${VAR}` references: give every one a value (a URL for `…_URL`).
const env = new Proxy({}, { get: (_t, name) => (String(name).endsWith('URL') ? 'https://hooks.example.com/T0/B0/x' : 'example-secret') }) as Record<string, string>;

describe('README configuration examples', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples)('$file: "$first" is a valid serve configuration', ({ text }) => {
    expect(() => loadConfigText(text, serveConfigSchema, 'example', env)).not.toThrow();
  });
});
