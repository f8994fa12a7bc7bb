import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../config/load.js';
import { serveConfigSchema } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/component.js';
import { AnomalogError } from '../core/errors.js';
import { buildService } from './build.js';
import { until } from '../../test/harness/until.js';

const dir = mkdtempSync(join(tmpdir(), 'anomalog-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = (over: Record<string, unknown>) =>
  validate({ data_dir: join(dir, 'data'), server: { port: 0 }, pipeline: { engine_thread: 'main' }, sources: [{ type: 'http' }], ...over }, serveConfigSchema);

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(AnomalogError);
    expect((e as AnomalogError).toLine()).not.toContain('\n');
    return (e as AnomalogError).code;
  }
}

describe('clean failures of serve', () => {
  it('a port in use: one line naming the fix, and nothing left running', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      // The worker-thread engine (the default) must be stopped too, or the process would hang.
      const svc = buildService(cfg({ server: { port }, pipeline: {} }), { clock: systemClock, logger: silentLogger, version: 't' });
      expect(await code(svc.start())).toBe('ANOMALOG_ERR_SERVE_LISTEN');
    } finally {
      blocker.close();
    }
  });

  it('a public bind without a token is refused before anything starts; --insecure allows it', async () => {
    expect(await code((async () => buildService(cfg({ server: { host: '0.0.0.0', port: 0 }, data_dir: join(dir, 'never') }), { clock: systemClock, logger: silentLogger, version: 't' }))())).toBe('ANOMALOG_ERR_SERVE_INSECURE');
    const svc = buildService(cfg({ server: { host: '0.0.0.0', port: 0, insecure: true } }), { clock: systemClock, logger: silentLogger, version: 't' });
    await svc.start();
    await svc.stop();
  });

  it('a data dir that cannot be written: a file in its path is named as such, not as a permission', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    let line = '';
    try {
      buildService(cfg({ data_dir: join(file, 'sub') }), { clock: systemClock, logger: silentLogger, version: 't' });
    } catch (e) {
      expect(e).toBeInstanceOf(AnomalogError);
      line = (e as AnomalogError).toLine();
    }
    expect(line).toContain('ANOMALOG_ERR_DATA_DIR');
    expect(line).toContain('(ENOTDIR)');
    expect(line).toContain('is a file, not a directory');
  });

  it('a tailed path that matches no file: running, health degraded with the path, then ok once it appears', async () => {
    const log = join(dir, 'later.log');
    const svc = buildService(cfg({ sources: [{ type: 'file_tail', paths: [log], poll_interval_ms: 20 }] }), { clock: systemClock, logger: silentLogger, version: 't' });
    const { url } = await svc.start();
    try {
      const h = await until('degraded', async () => {
        const r = await fetch(`${url}/api/health`);
        const b = (await r.json()) as { status: string; warnings?: string[] };
        return b.status === 'degraded' ? { code: r.status, ...b } : undefined;
      });
      expect(h.code).toBe(200);
      expect(h.warnings?.[0]).toContain(log);
      writeFileSync(log, 'hello\n');
      await until('ok', async () => ((await (await fetch(`${url}/api/health`)).json()) as { status: string }).status === 'ok' || undefined);
    } finally {
      await svc.stop();
    }
  });
});
