/**
 * @module topology/serve-checks
 * The service's clean failures at start: a data directory that cannot be written, a port that
 * cannot be listened on — each one line naming the fix (an AnomalogError), never a stack trace.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ServeConfig } from '../config/schema.js';
import type { StreamCounters } from '../core/engine.js';
import { AnomalogError } from '../core/errors.js';

/** Creates `dir` if missing and checks that it can be written. */
export function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const code = existingAncestorCode(dir) ?? (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new AnomalogError('ANOMALOG_ERR_DATA_DIR', `The data directory ${dir} cannot be ${code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'written' : 'created'} (${code}).`, {
      hint:
        code === 'ENOSPC'
          ? 'Free disk space, or point --data-dir / data_dir at another disk.'
          : code === 'ENOTDIR'
            ? 'A part of the path is a file, not a directory: point --data-dir (data_dir) at a directory.'
            : 'Point --data-dir (data_dir) at a directory this user can write, or fix its permissions.',
    });
  }
}

/**
 * Why `dir` cannot be created when the reason is its nearest existing parent (read-only file system,
 * no permission): a recursive mkdir on a read-only disk says only ENOENT.
 */
function existingAncestorCode(dir: string): string | undefined {
  for (let d = resolve(dir), up = dirname(d); up !== d; d = up, up = dirname(d)) {
    if (!existsSync(up)) continue;
    // A file in the path (data_dir: /srv/app.log/data): permission bits would misname it as EACCES.
    if (!statSync(up).isDirectory()) return 'ENOTDIR';
    try {
      accessSync(up, constants.W_OK | constants.X_OK);
      return undefined;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code;
    }
  }
  return undefined;
}

/** A failed `listen` as one line naming the fix. */
export function listenError(e: unknown, host: string, port: number): AnomalogError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new AnomalogError('ANOMALOG_ERR_SERVE_LISTEN', `Port ${port} on ${host} is already in use by another process.`, {
      hint: 'Stop the other process (`ss -ltnp` shows it) or choose another port with --port (server.port).',
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new AnomalogError('ANOMALOG_ERR_SERVE_LISTEN', `Not allowed to listen on ${host}:${port}.`, { hint: 'Use a port above 1023 with --port, or grant the capability to bind low ports.' });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new AnomalogError('ANOMALOG_ERR_SERVE_LISTEN', `${host} is not an address of this machine.`, { hint: 'Use --host 127.0.0.1 (default), 0.0.0.0 for every interface, or an address `ip addr` lists.' });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new AnomalogError('ANOMALOG_ERR_SERVE_LISTEN', `Cannot listen on ${host}:${port}: ${msg}`, { hint: 'Check --host and --port (server.host, server.port).' });
}

/** The http sources' own tokens: each opens the ingest routes (not the API). */
export function ingestTokens(config: ServeConfig): string[] {
  const out: string[] = [];
  for (const s of config.sources as { type: string; token?: unknown }[]) if (s.type === 'http' && typeof s.token === 'string') out.push(s.token);
  return out;
}

/**
 * Why the service is degraded though running: a file source whose paths match no file (a typo, or
 * a log not created yet: it keeps watching), or match files it cannot open. Empty when all is well.
 */
export function sourceWarnings(configs: readonly unknown[], stats: readonly { id: string; stats: Record<string, unknown> }[]): string[] {
  const out: string[] = [];
  stats.forEach((s, i) => {
    const cfg = configs[i] as { type?: string; paths?: string[] } | undefined;
    if (cfg?.type === 'file_tail' && s.stats.matched_files === 0) {
      out.push(`${s.id}: no file matches ${(cfg.paths ?? []).map((p) => JSON.stringify(p)).join(', ')}; watching for it to appear (check the path).`);
    }
    const unreadable = Number(s.stats.unreadable_files ?? 0);
    if (cfg?.type === 'file_tail' && unreadable > 0) {
      out.push(`${s.id}: ${unreadable} matched file${unreadable === 1 ? '' : 's'} cannot be read (the log names ${unreadable === 1 ? 'it' : 'them'}); retrying each poll — let the user running anomalog read ${unreadable === 1 ? 'it' : 'them'}.`);
    }
  });
  return out;
}

/** Sources named in full by `floodWarnings`; the rest are counted. */
const FLOOD_WARNINGS_NAMED = 10;

/**
 * Record sources in flood mode now (the miner's cardinality guard, src/parsers/drain/flood-guard.ts):
 * their lines are almost all new message types and most are not mined. One warning per source (at
 * most 10 named, then a count): the store's anomaly cap is for the logs' anomalies, not this.
 * `serve`'s /api/health and `anomalog worker`'s `stats()` give these same warnings; `metrics: false`
 * (a worker, which serves no /metrics) leaves out the metric names.
 */
export function floodWarnings(streams: readonly StreamCounters[], o: { metrics?: boolean } = {}): string[] {
  const metrics = o.metrics ?? true;
  const flooding = streams.filter((s) => s.flooding === true);
  const out = flooding
    .slice(0, FLOOD_WARNINGS_NAMED)
    .map((s) => `${s.source}: flood of new message types — ${s.overflowLines ?? 0} lines matched no template and were not mined (1 in 16 still is)${metrics ? '; see anomalog_miner_overflow_lines_total' : ''}. Turn off with parser.flood_guard: false.`);
  if (flooding.length > FLOOD_WARNINGS_NAMED) out.push(`${flooding.length - FLOOD_WARNINGS_NAMED} more sources are in flood mode${metrics ? ' (anomalog_miner_flooding)' : ''}.`);
  return out;
}
