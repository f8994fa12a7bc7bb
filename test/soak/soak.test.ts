/**
 * The short soak of issue 17 (bench/soak): `anomalog serve` from this checkout's sources (tsx) with
 * file_tail + http + syslog and a webhook receiver that times out, fails, throttles and vanishes,
 * the file rotated and deleted, the wall clock stepped ±1 h, then 3 kill -9s with restarts. Every
 * check of bench/soak/check.ts must hold (the RSS growth row needs 5+ minutes and is only
 * reported). About 2 minutes of wall time; `npm run soak -- --minutes 30` is the long run.
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../bench/built-cli.js';
import { summarise, verdicts } from '../../bench/soak/check.js';
import { soakOptions } from '../../bench/soak/options.js';
import { formatReport } from '../../bench/soak/report.js';
import { runSoak } from '../../bench/soak/run.js';

// The service's working directory is the soak's temp dir: tsx by absolute URL.
const TSX = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href;

describe('soak (short): steady mixed traffic, receiver faults, rotation, clock steps, kill -9', () => {
  it('accounts for every line, delivers each anomaly id at most once and keeps its timers running', async () => {
    const r = await runSoak(soakOptions(true, 1, [process.execPath, '--import', TSX, join(ROOT, 'src/cli/bin.ts')]));
    const s = summarise(r);
    const v = verdicts(r, s, { rssTarget: false });
    const report = formatReport(r, s, v);
    const failed = v.filter((x) => !x.ok && !x.informational);
    expect(failed, report).toEqual([]);
    // The run did what it says: faults happened and alerts flowed through them.
    expect(r.restarts).toHaveLength(3);
    expect(r.file.rotations + r.file.deletions).toBeGreaterThanOrEqual(3);
    expect(r.receiver.requests['500'] + r.receiver.requests['429'] + r.receiver.requests.timeout, report).toBeGreaterThan(0);
    expect(r.clockSteps.map((c) => c.offsetMs)).toEqual([3_600_000, 0, -3_600_000, 0]);
    expect(r.sent.file + r.sent.http + r.sent.syslog).toBeGreaterThan(10_000);
    rmSync(r.dir, { recursive: true, force: true });
  }, 300_000);
});
