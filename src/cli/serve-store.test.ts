/**
 * `anomalog serve` when its store cannot write, under real conditions: a real small disk (a tmpfs in
 * a user and mount namespace, `test/harness/small-disk.sh`) that fills up while the service runs and
 * is freed again, a disk full or read-only at start, and the store locked by another process. Each
 * is one line naming the fix and no stack trace; at start the exit code is 1, at run time the
 * service keeps running, shows it in /api/health, and recovers with nothing lost.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { requireComponent } from '../../test/harness/ci.js';
import { until } from '../../test/harness/until.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const smallDisk = join(root, 'test/harness/small-disk.sh');
const bin = join(root, 'src/cli/bin.ts');
const dir = mkdtempSync(join(tmpdir(), 'anomalog-serve-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const namespaces = spawnSync('unshare', ['-Urm', 'true']).status === 0;
const haveNamespaces = requireComponent(
  namespaces,
  'a user and mount namespace (unshare -Urm)',
  'util-linux `unshare` with unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) makes the small real disk of these tests.',
);

interface Serve {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
}

function start(args: string[], disk?: { size: string; ro?: boolean; fillFirst?: boolean; mnt: string; ctl: string }): Serve {
  const cmd = [process.execPath, '--import', 'tsx', bin, 'serve', '--port', '0', ...args];
  const child = disk
    ? spawn('unshare', ['-Urm', 'sh', smallDisk, disk.mnt, disk.size, disk.ro ? '1' : '0', disk.fillFirst ? '1' : '0', disk.ctl, '--', ...cmd], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(cmd[0], cmd.slice(1), { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exit };
}

/** The one line a failed start prints, after checking there is nothing else (no stack trace). */
async function failedStart(s: Serve): Promise<string> {
  const code = await s.exit;
  expect(code).toBe(1);
  const lines = s.stderr().trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(s.stderr()).not.toMatch(/^\s+at /m);
  return lines[0];
}

function newDisk(name: string) {
  const mnt = join(dir, name, 'mnt');
  const ctl = join(dir, name, 'ctl');
  mkdirSync(mnt, { recursive: true });
  mkdirSync(ctl, { recursive: true });
  return { mnt, ctl };
}

/**
 * Lines of 600 message types (distinct letter words: not masked), each five times, so the store has
 * templates and state to write. Not every line a new type: that is a flood, and the miner's flood guard
 * would (rightly) keep health degraded while the source stays in flood mode.
 */
function lines(n: number, seed: number): string {
  let x = seed;
  const word = () => {
    let w = '';
    for (let k = 0; k < 6; k++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      w += String.fromCharCode(97 + (x % 26));
    }
    return w;
  };
  const types = Array.from({ length: 600 }, () => `ERROR ${word()}: ${word()} ${word()} failed for ${word()}`);
  let out = '';
  for (let i = 0; i < n; i++) out += `2026-12-06 10:00:00 ${types[i % types.length]}\n`;
  return out;
}

async function health(url: string): Promise<{ status: string; warnings?: string[]; store: { writable: boolean; failing: string | null; errors: Record<string, number> }; sources: { received: number }[] }> {
  return (await (await fetch(`${url}/api/health`)).json()) as never;
}

async function templateTotal(url: string): Promise<number> {
  let n = 0;
  for (let offset = 0; ; offset += 500) {
    const page = (await (await fetch(`${url}/api/templates?limit=500&offset=${offset}`)).json()) as { templates: { count: number }[] };
    for (const t of page.templates) n += t.count;
    if (page.templates.length < 500) return n;
  }
}

describe.skipIf(!haveNamespaces)('serve on a real small disk', () => {
  it('the disk fills while serving: health degraded with the fix, processing goes on, and back to ok once freed with every line counted', async () => {
    const disk = newDisk('runtime');
    const log = join(dir, 'runtime.log');
    writeFileSync(log, '');
    const s = start(['--data-dir', join(disk.mnt, 'd'), '--file', log], { size: '16m', ...disk });
    try {
      const url = await until('listening', async () => s.stderr().match(/serving (http:\/\/[^ ]+) /)?.[1], 30_000);
      writeFileSync(join(disk.ctl, 'fill'), '');
      await until('filled', async () => existsSync(join(disk.ctl, 'filled')) || undefined, 10_000);
      const text = lines(3000, 7);
      appendFileSync(log, text);
      const full = await until('degraded', async () => {
        const h = await health(url);
        return h.store.failing === 'disk_full' ? h : undefined;
      }, 30_000);
      expect(full.status).toBe('degraded');
      expect(full.warnings?.[0]).toMatch(/cannot write: the disk is full\. Free disk space.*\[ANOMALOG_ERR_STORE_WRITE\]/);
      // Reading and processing go on.
      await until('read', async () => (await health(url)).sources[0].received === 3000 || undefined, 30_000);
      writeFileSync(join(disk.ctl, 'free'), '');
      await until('freed', async () => existsSync(join(disk.ctl, 'freed')) || undefined, 10_000);
      const ok = await until('ok again', async () => {
        const h = await health(url);
        return h.status === 'ok' && h.store.writable ? h : undefined;
      }, 30_000);
      expect(ok.store.errors.disk_full).toBeGreaterThan(0);
      // Every line was counted into the template table once the store wrote again.
      await until('counted', async () => (await templateTotal(url)) === 3000 || undefined, 30_000);
      const log1 = s.stderr().split('\n').filter((l) => l.includes('ANOMALOG_ERR_STORE_WRITE'));
      expect(log1.length).toBeGreaterThan(0);
      // Logged when the condition starts (once per connection), not once per refused write.
      expect(log1.length).toBeLessThanOrEqual(3);
      expect(s.stderr()).toContain('The store writes again.');
      expect(s.stderr()).not.toMatch(/^\s+at /m);
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exit).toBe(0);
  }, 120_000);

  it('a full disk at start: exit 1 with one line naming it', async () => {
    const disk = newDisk('full-at-start');
    const s = start(['--data-dir', join(disk.mnt, 'd'), '--file', join(dir, 'none.log')], { size: '256k', fillFirst: true, ...disk });
    expect(await failedStart(s)).toMatch(/disk is full.*Free disk space.*\[ANOMALOG_ERR_(STORE_OPEN|DATA_DIR)\]$/);
  }, 60_000);

  it('a read-only disk at start: exit 1 with one line naming it', async () => {
    const disk = newDisk('read-only');
    const s = start(['--data-dir', join(disk.mnt, 'd'), '--file', join(dir, 'none.log')], { size: '1m', ro: true, ...disk });
    expect(await failedStart(s)).toMatch(/data directory .* cannot be written \(EROFS\)\..*\[ANOMALOG_ERR_DATA_DIR\]$/);
  }, 60_000);
});

describe('serve with its store locked by another process', () => {
  it('exit 1 with one line saying another process holds the lock', async () => {
    const data = join(dir, 'locked');
    mkdirSync(data, { recursive: true });
    // Another program holding the file exclusively (locking_mode EXCLUSIVE keeps even readers out).
    const holder = spawn(
      process.execPath,
      ['-e', `const D=require('better-sqlite3');const db=new D(${JSON.stringify(join(data, 'anomalog.db'))});db.pragma('locking_mode = EXCLUSIVE');db.exec('CREATE TABLE t(x)');process.stdout.write('held\\n');setInterval(()=>{},1e6);`],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
      const s = start(['--data-dir', data, '--file', join(dir, 'none.log')]);
      expect(await failedStart(s)).toMatch(/Cannot open the store .*another process holds its lock.*Stop the other process.*\[ANOMALOG_ERR_STORE_OPEN\]$/);
    } finally {
      holder.kill();
    }
  }, 60_000);
});
