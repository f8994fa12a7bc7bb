/**
 * @module sources/file-tail/file-tail
 * Tails files like Fluent Bit's in_tail / Filebeat: configured paths and globs (rescanned each
 * poll, so files that appear later are picked up), stat polling, identity by dev:ino, rotation
 * by rename (the old file is read to EOF, then the new one from 0), copytruncate and truncation
 * (size below the read position → restart at 0, counted), deleted files read to EOF and closed.
 *
 * Each path is one stream with its own source id (`file:<path>`) and one checkpoint. A batch holds
 * the complete lines of one read of one file; its cursor `{ kind: 'file', id: '<dev>:<ino>', offset }`
 * points just past its last complete line. A partial last line is held until its newline (or the
 * idle timeout). Checkpoints are written only for acknowledged lines. On restart a file whose identity matches
 * its checkpoint resumes there; a file rotated while the source was down is found by identity
 * among the matched paths and finished first. Memory: one shared read buffer, one splitter per
 * open file (bounded by `max_line_bytes`), at most `max_open_files` open files.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/component.js';
import type { Cursor } from '../../core/event.js';
import type { CheckpointStore, RawBatch, RawRecord, Source, SourceStats } from '../../core/source.js';
import type { FileTailConfig } from './config.js';
import { compilePattern, expandPattern, globToRegExpSource, type CompiledPattern } from './glob.js';
import { CursorMetas } from './cursor-metas.js';
import { Handovers, latestPerFile } from './resume.js';
import { TailedFile, countLines, fileId, type ReadResult } from './state.js';

/** Reads of one file per round before the next file gets its turn (fairness). */
const READS_PER_TURN = 16;

export interface FileTailStats extends SourceStats {
  /** Lines cut at `max_line_bytes`. */
  truncated_lines: number;
  /** Files found shorter than the read position (copytruncate, truncation) and restarted at 0. */
  truncations: number;
  /** Rotations (rename or deletion) seen. */
  rotations: number;
  /** Rotated files read on by the stream of their new name (a matched name). */
  handovers: number;
  /** Partial last lines emitted after the idle timeout or when their file went away. */
  partial_flushed: number;
  /** Files that could not be opened because `max_open_files` was reached (per attempt). */
  skipped_files: number;
  open_files: number;
  /** Files the configured paths match now (-1 before the first scan): 0 means waiting for a file to appear (health: degraded). */
  matched_files: number;
  /** Matched files that cannot be opened (permissions…): warned once each, retried each poll (health: degraded). */
  unreadable_files: number;
}

export interface FileTailDeps {
  checkpoints: CheckpointStore;
  clock?: Clock;
  logger?: Logger;
  /** Source id of the whole source (stats, logs); each path has its own `file:<path>` record source. */
  id?: string;
  /** Base for relative paths. */
  cwd?: string;
}

/** One configured-path stream: a path, its checkpoint, the file at it and rotated files to finish first. */
interface Stream {
  readonly path: string;
  readonly sourceId: string;
  active: TailedFile | null;
  /** Rotated-away or deleted files, oldest first, read to EOF before `active`. */
  draining: TailedFile[];
  /** Identity at the path at the last stat (null when missing). */
  seenId: string | null;
  /** The checkpoint loaded when the stream was created; cleared once a file is opened for it. */
  cp: Cursor | undefined;
  nextEpoch: number;
  savedEpoch: number;
  savedOffset: number;
}

interface CursorMeta {
  stream: Stream;
  epoch: number;
}

export class FileTailSource implements Source {
  readonly id: string;
  private readonly cfg: FileTailConfig;
  private readonly checkpoints: CheckpointStore;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly patterns: CompiledPattern[];
  private readonly excludes: RegExp[];
  private readonly streams = new Map<string, Stream>();
  /** Open files by identity (a rotated file must not be opened twice under two names). */
  private readonly owners = new Map<string, TailedFile>();
  private readonly metas = new CursorMetas<CursorMeta>();
  /** Heirs whose checkpoint waits for an ack of the lines their old stream emitted. */
  private readonly handovers = new Handovers<Stream>();
  private readonly buf: Buffer;
  private started = false;
  private readonly st: FileTailStats = {
    received: 0, bytes: 0, dropped: 0, errors: 0, truncated_lines: 0, truncations: 0, rotations: 0, handovers: 0,
    partial_flushed: 0, skipped_files: 0, matched_files: -1, open_files: 0, unreadable_files: 0,
  };
  private readonly unreadable = new Set<string>();

  constructor(cfg: FileTailConfig, deps: FileTailDeps) {
    this.cfg = cfg;
    this.checkpoints = deps.checkpoints;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.id = deps.id ?? 'file_tail';
    this.patterns = cfg.paths.map((p) => compilePattern(p, deps.cwd));
    this.excludes = cfg.exclude_paths.map((p) => new RegExp(`^${globToRegExpSource(path.resolve(deps.cwd ?? process.cwd(), p))}$`));
    this.buf = Buffer.allocUnsafe(cfg.read_bytes);
  }

  stats(): FileTailStats {
    return { ...this.st, open_files: this.owners.size };
  }

  async run(emit: (batch: RawBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        const progress = await this.round(emit, signal);
        if (!progress && !signal.aborted) await sleep(this.cfg.poll_interval_ms, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      for (const f of this.owners.values()) await f.close();
      this.owners.clear();
      for (const s of this.streams.values()) {
        s.active = null;
        s.draining = [];
      }
    }
  }

  ack(cursor: Cursor): void {
    if (cursor.kind !== 'file') return;
    const meta = this.metas.get(cursor);
    if (meta === undefined) {
      this.st.errors++;
      this.logger.warn('Ignored an acknowledgement for a cursor this source did not emit.', { cursor });
      return;
    }
    for (const d of this.handovers.settle(cursor, meta.stream, meta.epoch)) this.checkpoints.save(d.heir.sourceId, { kind: 'file', id: d.id, offset: d.offset });
    const s = meta.stream;
    if (meta.epoch < s.savedEpoch || (meta.epoch === s.savedEpoch && cursor.offset <= s.savedOffset)) return;
    s.savedEpoch = meta.epoch;
    s.savedOffset = cursor.offset;
    this.checkpoints.save(s.sourceId, { kind: 'file', id: cursor.id, offset: cursor.offset });
  }

  /** One poll: rescan, stat, then read every stream. True when any bytes were read. */
  private async round(emit: (batch: RawBatch) => Promise<void>, signal: AbortSignal): Promise<boolean> {
    const paths = new Set<string>();
    for (const p of this.patterns) await expandPattern(p, paths);
    if (this.excludes.length > 0) for (const p of paths) if (this.excludes.some((x) => x.test(p))) paths.delete(p);
    const ids = new Map<string, string>();
    for (const p of paths) if (!this.streams.has(p)) this.newStream(p);
    for (const s of this.streams.values()) {
      s.seenId = paths.has(s.path) ? await this.statId(s.path) : null;
      if (s.seenId !== null) ids.set(s.seenId, s.path);
    }
    this.st.matched_files = ids.size;
    for (const p of this.unreadable) if (this.streams.get(p)?.seenId == null) this.unreadable.delete(p);
    const startup = !this.started;
    this.started = true;
    // A mistyped path looks exactly like a file that does not exist yet: say so once.
    if (startup && ids.size === 0) this.logger.warn('No file matches the configured paths yet; tailing starts when one appears.', { paths: this.cfg.paths });
    if (startup) await this.claimRotatedWhileDown(ids);
    for (const s of this.streams.values()) await this.refresh(s, startup);
    this.st.unreadable_files = this.unreadable.size;
    let progress = false;
    for (const s of [...this.streams.values()]) {
      if (signal.aborted) break;
      if (await this.readStream(s, emit, signal)) progress = true;
      if (s.active === null && s.draining.length === 0 && !paths.has(s.path)) this.streams.delete(s.path);
    }
    return progress;
  }

  private newStream(path: string): Stream {
    const s: Stream = {
      path,
      sourceId: `file:${path}`,
      active: null,
      draining: [],
      seenId: null,
      cp: this.checkpoints.load(`file:${path}`),
      nextEpoch: 1,
      savedEpoch: 0,
      savedOffset: -1,
    };
    this.streams.set(path, s);
    return s;
  }

  private async statId(path: string): Promise<string | null> {
    try {
      const st = await stat(path);
      return st.isFile() ? fileId(st) : null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.st.errors++;
        this.logger.warn('Cannot stat a tailed path.', { path, error: String(e) });
      }
      return null;
    }
  }

  /**
   * Start-up: a checkpointed file no longer at its path but matched elsewhere is finished first.
   * A file handed over names two checkpoints (its old stream's and its heir's): both resume from
   * the later one, which only acknowledged lines reach (resume.ts), whatever order the names sort in.
   */
  private async claimRotatedWhileDown(ids: Map<string, string>): Promise<void> {
    const latest = latestPerFile([...this.streams.values()].map((s) => s.cp));
    for (const s of this.streams.values()) if (s.cp !== undefined) s.cp = latest.get(s.cp.id);
    for (const s of this.streams.values()) {
      const cp = s.cp;
      if (cp === undefined || cp.id === s.seenId || this.owners.has(cp.id)) continue;
      const where = ids.get(cp.id);
      if (where === undefined) {
        if (s.seenId !== null) this.logger.warn('The checkpointed file is gone; reading the new file from the start.', { path: s.path });
        continue;
      }
      const f = await this.openFile(where, cp.id, s);
      if (f === null) continue;
      await this.position(f, cp.offset);
      f.rotatedAt = this.clock.now();
      s.draining.push(f);
      this.st.rotations++;
    }
  }

  /** Reconciles a stream with what is at its path now: rotation, deletion, truncation, new file. */
  private async refresh(s: Stream, startup: boolean): Promise<void> {
    const a = s.active;
    if (a !== null && a.id === s.seenId) {
      const size = await a.fh.stat().then((st) => st.size, () => a.readOffset);
      if (size < a.readOffset) {
        this.st.truncations++;
        this.logger.info('A tailed file was truncated; reading it from the start.', { path: s.path });
        a.seek(0, 0);
        a.epoch = s.nextEpoch++;
      }
      return;
    }
    if (a !== null) {
      a.rotatedAt = this.clock.now();
      s.draining.push(a);
      s.active = null;
      this.st.rotations++;
    }
    if (s.seenId === null || this.owners.has(s.seenId)) return; // missing, or a rotated file still owned elsewhere
    const cp = s.cp;
    const f = await this.openFile(s.path, s.seenId, s);
    if (f === null) return;
    s.cp = undefined;
    if (cp !== undefined && cp.id === f.id) await this.position(f, cp.offset);
    else if (startup && cp === undefined && this.cfg.start_at === 'end') await this.position(f, (await f.fh.stat()).size);
    s.active = f;
  }

  /** Opens `path` if it still is `id`; registers it for `s`. */
  private async openFile(path: string, id: string, s: Stream): Promise<TailedFile | null> {
    if (this.owners.size >= this.cfg.max_open_files) {
      this.st.skipped_files++;
      return null;
    }
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && !this.unreadable.has(path)) {
        this.unreadable.add(path);
        this.st.errors++;
        this.logger.warn('Cannot open a tailed file; retrying each poll. Let the user running anomalog read it (permissions; for /var/log often group adm).', { path, error: String(e) });
      }
      return null;
    }
    this.unreadable.delete(path);
    const st = await fh.stat().catch(() => null);
    if (st === null || fileId(st) !== id) {
      await fh.close();
      return null; // replaced between stat and open: next round
    }
    const f = new TailedFile(id, path, fh, this.cfg.max_line_bytes);
    f.epoch = s.nextEpoch++;
    f.lastDataAt = this.clock.now();
    this.owners.set(id, f);
    return f;
  }

  /** Moves a just-opened file to a resume offset (0 when the file is now shorter: truncated while down). */
  private async position(f: TailedFile, offset: number): Promise<void> {
    const size = (await f.fh.stat()).size;
    if (offset > size) {
      this.st.truncations++;
      offset = 0;
    }
    if (offset > 0) f.seek(offset, await countLines(f.fh, offset, this.buf));
  }

  /** Reads the stream's current file (oldest rotated one first). True when bytes were read. */
  private async readStream(s: Stream, emit: (batch: RawBatch) => Promise<void>, signal: AbortSignal): Promise<boolean> {
    let progress = false;
    let f = s.draining[0] ?? s.active;
    let reads = 0;
    while (f !== null && f !== undefined && reads < READS_PER_TURN && !signal.aborted) {
      const r = await this.readSafely(f);
      if (r === null) break; // I/O error: counted, retried next round
      reads++;
      const now = this.clock.now();
      if (r.bytes > 0) {
        progress = true;
        f.lastDataAt = now;
        this.st.bytes += r.bytes;
        if (r.lines.length > 0) await this.emitLines(s, f, r, emit);
        continue;
      }
      if (f !== s.active) {
        // A rotated file at EOF: closed once rotate_wait has passed since the rotation was seen.
        if (now - (f.rotatedAt ?? now) < this.cfg.rotate_wait_ms) break;
        await this.release(s, f, emit);
        f = s.draining[0] ?? s.active;
        continue;
      }
      const timeout = this.cfg.partial_line_timeout_ms;
      if (timeout > 0 && f.pendingBytes > 0 && now - f.lastDataAt >= timeout) {
        this.st.partial_flushed++;
        await this.emitLines(s, f, f.flushPartial(), emit);
      }
      break;
    }
    return progress;
  }

  /** A read; an I/O error is counted and logged (never escapes the source), and the file is retried next round. */
  private async readSafely(f: TailedFile): Promise<ReadResult | null> {
    try {
      return await f.read(this.buf);
    } catch (e) {
      this.st.errors++;
      this.logger.warn('Cannot read a tailed file.', { path: f.path, error: String(e) });
      return null;
    }
  }

  /** A rotated file is done: hand it to the stream now at its path (renamed into a matched name), or close it. */
  private async release(s: Stream, f: TailedFile, emit: (batch: RawBatch) => Promise<void>): Promise<void> {
    s.draining.shift();
    const heir = [...this.streams.values()].find((o) => o !== s && o.seenId === f.id && o.active === null);
    if (heir !== undefined) {
      this.st.handovers++;
      const [acked, oldEpoch] = [f.lastEnd <= f.seekedTo || (s.savedEpoch === f.epoch && s.savedOffset >= f.lastEnd), f.epoch];
      f.epoch = heir.nextEpoch++;
      f.path = heir.path;
      f.rotatedAt = null;
      heir.cp = undefined;
      heir.active = f;
      // Lines up to here went out under the old stream; the heir resumes after them (even after a
      // restart), its checkpoint written once they are acknowledged.
      heir.savedEpoch = f.epoch;
      heir.savedOffset = f.lastEnd;
      if (acked) this.checkpoints.save(heir.sourceId, { kind: 'file', id: f.id, offset: f.lastEnd });
      else this.handovers.add(f.id, heir, f.lastEnd, s, oldEpoch);
      return;
    }
    if (f.pendingBytes > 0) {
      this.st.partial_flushed++;
      await this.emitLines(s, f, f.flushPartial(), emit);
    }
    this.owners.delete(f.id);
    await f.close();
  }

  /** One batch: the lines of one read; each record carries its line number and start offset. */
  private async emitLines(s: Stream, f: TailedFile, r: ReadResult, emit: (batch: RawBatch) => Promise<void>): Promise<void> {
    const lines = r.lines;
    if (lines.length === 0) return;
    const arrivalTs = this.clock.now();
    const records: RawRecord[] = new Array(lines.length);
    let start: number | undefined = r.start;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.truncated) this.st.truncated_lines++;
      const rec: RawRecord = { source: s.sourceId, text: l.text, arrivalTs };
      if (l.line >= 0) rec.line = l.line;
      if (l.end !== undefined && start !== undefined) rec.offset = start;
      start = l.end;
      records[i] = rec;
    }
    this.st.received += lines.length;
    const cursor: Cursor = Object.freeze({ kind: 'file', id: f.id, offset: f.lastEnd });
    this.metas.set(cursor, { stream: s, epoch: f.epoch });
    await emit({ records, cursor });
  }
}
