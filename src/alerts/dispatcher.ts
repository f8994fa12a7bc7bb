/**
 * @module alerts/dispatcher
 * Delivers one sink's outbox off the pipeline thread's critical path: a timer-driven loop takes due
 * rows in batches, calls `sink.write`, and marks them sent, retried later (exponential back-off with
 * jitter) or given up (`reject`, or `max_attempts` reached). While the receiver fails, the whole sink
 * pauses for the same back-off (one probe request per interval, not one per batch), and logs at the
 * 1st, 2nd, 4th, 8th… failure in a row; the first success after failures makes every retrying row
 * due at once, so a receiver that comes back gets the backlog without waiting out each row's timer.
 * A rate limit (token bucket) delays rows, it never drops them. A sink that throws is counted and
 * retried; nothing escapes the loop. Rows are sent at least once: a crash between `write` and
 * `markSent` sends them again.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/component.js';
import type { Alert, Sink, WriteResult } from '../core/sink.js';
import type { Outbox, OutboxItem } from '../store/outbox.js';
import { RESOLVE_KEY_PREFIX } from './policy.js';

export interface DispatcherOptions {
  batchSize: number;
  /** Requests per minute at most; 0 = unlimited. */
  ratePerMinute: number;
  retryInitialMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  /** Idle poll interval (real time). */
  pollMs: number;
}

export interface DispatcherDeps {
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  /** Uniform in [0, 1): jitter (tests pass a fixed one). */
  random?: () => number;
  /** Told the sink's backlog after each delivery (the policy's cap). */
  onBacklog?: (pending: number) => void;
}

export interface DispatcherStats {
  /** Alerts delivered. */
  sent: number;
  /** Failed attempts that will be retried. */
  retries: number;
  /** Alerts given up (rejected, or out of attempts). */
  dropped: number;
  /** Failed writes (retry, reject or a throw). */
  errors: number;
  /** Pending alerts after the last delivery. */
  pending: number;
}

export class Dispatcher {
  readonly stats: DispatcherStats = { sent: 0, retries: 0, dropped: 0, errors: 0, pending: 0 };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inflight: Promise<number> | null = null;
  private stopped = false;
  private tokens: number;
  private refilledAt: number;
  /** Failed writes in a row (`retry`), and until when the sink is paused because of them. */
  private failures = 0;
  private pausedUntil = -Infinity;

  constructor(
    readonly sink: Sink,
    private readonly opts: DispatcherOptions,
    private readonly deps: DispatcherDeps,
  ) {
    this.tokens = opts.ratePerMinute;
    this.refilledAt = deps.clock.now();
  }

  /** For `/api/health` and the UI: is the receiver taking alerts right now, and what is waiting. */
  health(): { name: string; status: 'ok' | 'failing'; failuresInARow: number; lastError?: string } & DispatcherStats {
    const status = this.failures > 0 ? 'failing' : 'ok';
    const lastError = status === 'failing' ? this.sink.lastError?.slice(0, 300) : undefined;
    return { name: this.sink.name, status, failuresInARow: this.failures, ...(lastError ? { lastError } : {}), ...this.stats };
  }

  /** Checks the receiver (logged, not fatal) and starts the loop. */
  start(): void {
    // Retries a clock that was ahead scheduled beyond any back-off would wait out the difference.
    const stale = this.deps.outbox.retryStale(this.sink.name, this.deps.clock.now(), this.opts.retryMaxMs);
    if (stale > 0) this.deps.logger.warn('Alert retries were scheduled by a clock ahead of this one; they are due now.', { sink: this.sink.name, alerts: stale });
    this.stats.pending = this.deps.outbox.depth(this.sink.name);
    this.sink.healthcheck().catch((e: unknown) => {
      this.deps.logger.warn('Alert sink is not reachable yet; alerts wait in the outbox.', { sink: this.sink.name, error: String(e) });
    });
    this.schedule(0);
  }

  /** Delivers one batch of due rows; returns how many rows it handled (0 = nothing due or rate-limited). */
  runOnce(): Promise<number> {
    if (this.inflight) return this.inflight;
    this.inflight = this.deliver().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** Stops the loop after the batch in flight and closes the sink. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inflight;
    await this.sink.close().catch(() => {});
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce().then((n) => this.schedule(n > 0 ? 0 : this.opts.pollMs));
    }, ms);
  }

  private async deliver(): Promise<number> {
    const now = this.deps.clock.now();
    if (now < this.pausedUntil) return 0;
    const limit = Math.min(this.opts.batchSize, this.allowance(now));
    if (limit < 1) return 0;
    const items = this.deps.outbox.due(this.sink.name, now, limit);
    if (items.length === 0) return 0;
    if (this.opts.ratePerMinute > 0) this.tokens -= 1;
    const result = await this.write(items.map((i) => i.payload as Alert));
    const at = this.deps.clock.now();
    if (result === 'ok') {
      this.stats.sent += this.deps.outbox.markSent(items.map((i) => i.id));
      if (this.failures > 0) this.recovered(at);
    } else {
      this.failed(items, result, at);
    }
    this.stats.pending = this.deps.outbox.depth(this.sink.name);
    this.deps.onBacklog?.(this.stats.pending);
    return items.length;
  }

  private failed(items: OutboxItem[], result: 'retry' | 'reject', at: number): void {
    this.stats.errors++;
    const error = this.sink.lastError ?? result;
    let given = 0;
    const rows = items.map((it) => {
      const last = result === 'reject' || it.attempts + 1 >= this.opts.maxAttempts;
      if (last) given++;
      return { id: it.id, next: last ? null : at + this.backoff(it.attempts) };
    });
    this.deps.outbox.markFailedMany(rows, error);
    this.stats.dropped += given;
    this.stats.retries += items.length - given;
    const fields = { sink: this.sink.name, alerts: items.length, attempts: items[0].attempts + 1, error };
    if (result === 'retry') {
      this.failures++;
      this.pausedUntil = at + this.backoff(this.failures - 1);
      Object.assign(fields, { failures_in_a_row: this.failures });
    }
    if (given > 0) this.deps.logger.error('Alerts were given up for this sink.', { ...fields, given_up: given });
    else if ((this.failures & (this.failures - 1)) === 0) this.deps.logger.warn('Alert delivery failed; it will be retried.', fields);
  }

  private recovered(at: number): void {
    // Resolves keep their own timers: after an outage the firing alerts go first, their resolves
    // follow (a receiver such as Alertmanager then shows and notifies the alert before it ends).
    const rescheduled = this.deps.outbox.retryNow(this.sink.name, at, RESOLVE_KEY_PREFIX);
    this.deps.logger.info('Alert sink recovered; its backlog is sent now.', { sink: this.sink.name, failures_in_a_row: this.failures, rescheduled });
    this.failures = 0;
    this.pausedUntil = -Infinity;
  }

  private async write(batch: Alert[]): Promise<WriteResult> {
    try {
      const r = await this.sink.write(batch);
      return r === 'ok' || r === 'reject' ? r : 'retry';
    } catch (e) {
      this.deps.logger.error('Alert sink threw while writing.', { sink: this.sink.name, error: String(e) });
      return 'retry';
    }
  }

  /** Delay before attempt `attempts + 2`: initial·2^attempts capped, times 0.5–1 (jitter). */
  backoff(attempts: number): number {
    const base = Math.min(this.opts.retryMaxMs, this.opts.retryInitialMs * 2 ** Math.min(attempts, 40));
    return Math.round(base * (0.5 + 0.5 * (this.deps.random ?? Math.random)()));
  }

  /** Requests allowed now (token bucket refilled continuously; burst = one minute's worth). */
  private allowance(now: number): number {
    const rate = this.opts.ratePerMinute;
    if (rate === 0) return Infinity;
    this.tokens = Math.min(rate, this.tokens + ((now - this.refilledAt) * rate) / 60_000);
    this.refilledAt = now;
    return this.tokens >= 1 ? Infinity : 0;
  }
}
