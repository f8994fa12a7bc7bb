import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { INCIDENTS } from '../demo/scenario.js';
import { browserCommand, incidentLine, parseDuration } from './demo.js';
import { parseSpeed } from './speed.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'anomalog-demo-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('anomalog demo (command line)', () => {
  it('runs a short demo: prints the dashboard, the data dir, each incident with where to look, the anomalies, and exits 0', () => {
    const data = join(tmp, 'run');
    const r = cli(['demo', '--port', '0', '--speed', '100x', '--duration', '3m', '--history', '2', '--data-dir', data, '--no-open']);
    expect(r.err).toMatch(/dashboard http:\/\/127\.0\.0\.1:\d+\//);
    expect(r.err).toContain(`data in ${data}`);
    expect(r.err).toMatch(/\[cycle 1 \+0:15\] api: .* → expect novelty on demo:api; look at http:\/\/127\.0\.0\.1:\d+\/ or .*\/api\/anomalies\?source=demo:api&detector=novelty/);
    for (const inc of INCIDENTS) expect(r.err).toContain(`] ${inc.service}: ${inc.describe(0)}`);
    expect(r.err).toMatch(/↳ novelty .*New message type on demo:api/);
    expect(r.err).toContain('stopped after');
    expect(r.code).toBe(0);
  }, 150_000);

  it('rejects a bad --speed or --duration with a usage error (exit 2)', () => {
    const a = cli(['demo', '--speed', 'fast', '--no-open']);
    expect(a.code).toBe(2);
    expect(a.err).toContain('ANOMALOG_ERR_CLI_USAGE');
    expect(cli(['demo', '--duration', '5 weeks', '--no-open']).code).toBe(2);
    const h = cli(['demo', '--history', '1', '--no-open']);
    expect(h.code).toBe(2);
    expect(h.err).toMatch(/--history: .*>=2/);
  });

  it('parses speeds and durations', () => {
    expect(parseSpeed('10x')).toBe(10);
    expect(parseSpeed('2.5')).toBe(2.5);
    expect(() => parseSpeed('0x')).toThrow(/--speed/);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('10m')).toBe(600);
    expect(parseDuration('1.5h')).toBe(5400);
    expect(() => parseDuration('-3m')).toThrow(/--duration/);
  });

  it('prints the incident time as minutes:seconds after going live, with the expected detector and source', () => {
    const inc = INCIDENTS.find((i) => i.kind === 'silence')!;
    const line = incidentLine({ incident: inc, cycle: 2, start: 0, end: 0 }, 'http://127.0.0.1:8080/');
    expect(line).toMatch(/^\[cycle 3 \+2:00\] web: .* → expect rate on demo:web; look at http:\/\/127\.0\.0\.1:8080\/ or http:\/\/127\.0\.0\.1:8080\/api\/anomalies\?source=demo:web&detector=rate$/);
  });

  describe('opening a browser', () => {
    const bin = join(tmp, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'xdg-open'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const desktop = { DISPLAY: ':0', PATH: `/nonexistent:${bin}` };

    it('only on a terminal with a display and xdg-open on the PATH', () => {
      expect(browserCommand(desktop, true, 'linux')).toBe('xdg-open');
      expect(browserCommand({ WAYLAND_DISPLAY: 'wayland-0', PATH: bin }, true, 'linux')).toBe('xdg-open');
      expect(browserCommand(desktop, false, 'linux')).toBeUndefined();
      expect(browserCommand({ PATH: bin }, true, 'linux')).toBeUndefined();
      expect(browserCommand({ DISPLAY: ':0', PATH: '/nonexistent' }, true, 'linux')).toBeUndefined();
      expect(browserCommand({}, true, 'darwin')).toBe('open');
      expect(browserCommand({}, true, 'win32')).toBeUndefined();
    });

    it('never in CI', () => {
      expect(browserCommand({ ...desktop, CI: 'true' }, true, 'linux')).toBeUndefined();
      expect(browserCommand({ ...desktop, CI: '1' }, true, 'darwin')).toBeUndefined();
      expect(browserCommand({ ...desktop, CI: 'false' }, true, 'linux')).toBe('xdg-open');
    });
  });
});
