import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfigFile, loadConfigText } from './load.js';

const schema = z
  .object({
    port: z.number().int().min(1).max(65535).default(8080),
    sources: z.array(z.object({ type: z.literal('file_tail'), paths: z.array(z.string()).min(1) }).strict()).default([]),
    slack: z.object({ webhook_url: z.string().url() }).strict().optional(),
  })
  .strict();

describe('loadConfigText', () => {
  it('fills defaults and deep-freezes the result', () => {
    const c = loadConfigText('sources:\n  - type: file_tail\n    paths: [/var/log/app.log]\n', schema);
    expect(c.port).toBe(8080);
    expect(c.sources[0].paths).toEqual(['/var/log/app.log']);
    expect(Object.isFrozen(c.sources[0].paths)).toBe(true);
    expect(loadConfigText('', schema).sources).toEqual([]);
  });

  it('names the key path of every bad or unknown key', () => {
    const bad = 'port: 70000\nsources:\n  - type: file_tail\n    paths: []\n    pathz: [x]\n';
    let msg = '';
    try {
      loadConfigText(bad, schema, 'anomalog.yaml');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^anomalog\.yaml: /);
    expect(msg).toMatch(/port: /);
    expect(msg).toMatch(/sources\[0\]\.paths: /);
    expect(msg).toMatch(/sources\[0\]: .*pathz/);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(() => loadConfigText('port: 1\n  bad: [\n', schema, 'x.yaml')).toThrow(/x\.yaml:\d+:\d+: invalid YAML/);
  });

  it('substitutes secrets from the environment, with defaults, and fails clearly when unset', () => {
    const text = 'slack:\n  webhook_url: "${SLACK_URL}"\nport: 8080\n';
    expect(loadConfigText(text, schema, 'c', { SLACK_URL: 'https://hooks.example/x' }).slack?.webhook_url).toBe('https://hooks.example/x');
    expect(() => loadConfigText(text, schema, 'c', {})).toThrow(/slack\.webhook_url: environment variable SLACK_URL is not set/);
    expect(loadConfigText('slack:\n  webhook_url: "${U:-https://d.example/}"\n', schema, 'c', {}).slack?.webhook_url).toBe('https://d.example/');
  });

  it('reads files and reports a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomalog-cfg-'));
    const p = join(dir, 'a.yaml');
    writeFileSync(p, 'port: 9000\n');
    expect(loadConfigFile(p, schema).port).toBe(9000);
    expect(() => loadConfigFile(join(dir, 'missing.yaml'), schema)).toThrow(/Cannot read configuration/);
  });
});
