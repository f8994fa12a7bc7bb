/**
 * @module alerts/policy
 * Turns newly stored anomalies into outbox rows, inside the anomalies' own transaction (at least
 * once: an anomaly is never stored without its alerts queued). Per (sink, fingerprint = detector +
 * source + template):
 * - severity from the first matching rule, else the detector's; routes pick the sinks;
 * - grouping: the first anomaly opens a row due after `group_wait`; repeats while that row is still
 *   waiting are merged into it (count, highest severity, last time) — dedup by fingerprint;
 * - cooldown: a new row is due no earlier than `cooldown` after the previous one, so repeats during
 *   the cooldown become one follow-up notification with their count;
 * - resolve: a `resolved` row due `resolve_after` after the last repeat, pushed back by each repeat;
 * - backlog: at most `max_pending` pending rows per sink; beyond it new rows are dropped, counted;
 * - withdraw: `noise`/`mute` feedback withdraws the fingerprint's notification still waiting
 *   (group wait, cooldown, retry), and its resolve when that was the episode's only notification.
 * Rows are only rewritten while pending, never attempted and not yet due, so never while a
 * dispatcher sends them. The in-memory index of open rows is bounded (LRU) and rebuilt from the
 * outbox at start; losing it only costs an extra notification, never a lost one.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/component.js';
import { AnomalogError } from '../core/errors.js';
import type { Anomaly, Severity } from '../core/event.js';
import type { Alert } from '../core/sink.js';
import type { Outbox } from '../store/outbox.js';
import { truncate } from '../sinks/shared/http.js';
import type { AlertsConfig } from './config.js';
import { compileRoute, compileRule, type CompiledRoute, type CompiledRule, maxSeverity } from './match.js';

export interface PolicySink {
  name: string;
  sendResolved: boolean;
  maxPending: number;
}

export interface PolicyDeps {
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  /** Base of alert links, read when an alert is made (the port is known only once listening). */
  publicUrl: () => string;
  /** Open (sink, fingerprint) entries kept in memory, default 10 000. */
  maxTracks?: number;
}

export interface PolicyStats {
  /** Notifications queued (new outbox rows, firing and resolved). */
  queued: number;
  /** Anomalies merged into a waiting notification. */
  grouped: number;
  /** Notifications dropped because the sink's backlog was full. */
  dropped: number;
  /** Waiting notifications withdrawn by feedback (`noise`, `mute`). */
  withdrawn: number;
}

interface Row {
  id: number;
  key: string;
  at: number;
  alert: Alert;
}

interface Track {
  lastFireAt: number;
  /** `lastFireAt` before the open row was queued: restored when that row is withdrawn. */
  prevFireAt: number;
  lastSeenAt: number;
  episodeStart: number;
  severity: Severity;
  count: number;
  open?: Row;
  resolve?: Row;
}

/** Outbox keys of resolve notifications (`resolve:<id of the anomaly that scheduled it>`). */
export const RESOLVE_KEY_PREFIX = 'resolve:';

const MAX_IDS = 20;
const MAX_CONTEXT = 10;
const MAX_LINE = 1_000;

export class AlertPolicy {
  readonly stats = new Map<string, PolicyStats>();
  /** Pending rows per sink, kept by the policy (+) and the dispatchers (`setBacklog`). */
  private readonly backlog = new Map<string, number>();
  private readonly full = new Set<string>();
  private readonly tracks = new Map<string, Track>();
  private readonly rules: CompiledRule[];
  private readonly routes: CompiledRoute[];
  private readonly sinks: Map<string, PolicySink>;
  private readonly groupMs: number;
  private readonly cooldownMs: number;
  private readonly resolveMs: number;

  constructor(
    private readonly config: AlertsConfig,
    sinks: readonly PolicySink[],
    private readonly deps: PolicyDeps,
  ) {
    this.sinks = new Map(sinks.map((s) => [s.name, s]));
    for (const s of sinks) this.stats.set(s.name, { queued: 0, grouped: 0, dropped: 0, withdrawn: 0 });
    config.routes.forEach((r, i) => {
      for (const name of r.sinks) {
        if (!this.sinks.has(name)) {
          throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `alerts.routes[${i}].sinks: no sink is named ${JSON.stringify(name)}.`, {
            hint: `Sinks: ${[...this.sinks.keys()].join(', ') || '(none)'}.`,
          });
        }
      }
    });
    this.rules = config.severity_rules.map(compileRule);
    this.routes =
      config.routes.length > 0
        ? config.routes.map((r) => compileRoute(r, config.min_severity))
        : [compileRoute({ sinks: [...this.sinks.keys()] }, config.min_severity)];
    this.groupMs = config.group_wait_seconds * 1000;
    this.cooldownMs = config.cooldown_seconds * 1000;
    this.resolveMs = config.resolve_after_seconds * 1000;
  }

  /** Rebuilds the index of waiting rows and the backlog counts from the outbox (at start). */
  restore(): void {
    const now = this.deps.clock.now();
    let stale = 0;
    for (const s of this.sinks.values()) {
      const rows = this.deps.outbox.pending(s.name, s.maxPending + 1_000);
      this.backlog.set(s.name, rows.length);
      for (const r of rows) {
        const alert = r.payload as Alert;
        if (typeof alert !== 'object' || alert === null || typeof alert.fingerprint !== 'string') continue;
        const t = this.track(s.name, alert.fingerprint, alert.severity, alert.startsAt);
        // A row never attempted is due at most its own delay after now (group wait or cooldown for a
        // firing one, resolve_after for a resolve); later, a clock that was ahead scheduled it (a
        // wall clock stepped back since): due at that bound instead of late by the size of the step.
        const latest = now + (alert.status === 'firing' ? Math.max(this.groupMs, this.cooldownMs) : this.resolveMs);
        if (r.attempts === 0 && r.nextAttemptAt > latest && this.deps.outbox.reschedule({ id: r.id, sink: s.name, key: r.anomalyId }, alert, latest, now)) {
          r.nextAttemptAt = latest;
          stale++;
        }
        const row: Row = { id: r.id, key: r.anomalyId, at: r.nextAttemptAt, alert };
        const waiting = r.attempts === 0 && r.nextAttemptAt > now;
        if (alert.status === 'firing') {
          t.lastFireAt = Math.max(t.lastFireAt, r.nextAttemptAt);
          // Whether an earlier notification of the episode was sent is not known: keep its resolve.
          if (waiting) {
            t.open = row;
            t.prevFireAt = t.episodeStart;
          }
        } else {
          if (r.attempts === 0) t.lastSeenAt = Math.max(t.lastSeenAt, r.nextAttemptAt - this.resolveMs);
          if (t.resolve === undefined || t.resolve.id < r.id) t.resolve = row;
        }
      }
    }
    if (stale > 0) this.deps.logger.warn('Alert notifications were scheduled by a clock ahead of this one; they are due within their own delay now.', { notifications: stale });
  }

  /** The severity after the rules. */
  severityOf(a: Anomaly): Severity {
    for (const r of this.rules) if (r.test(a)) return r.severity;
    return a.severity;
  }

  /** Sink names an anomaly of this severity goes to. */
  sinksFor(a: Anomaly, severity: Severity): string[] {
    const out = new Set<string>();
    for (const r of this.routes) if (r.test(a, severity)) for (const s of r.sinks) out.add(s);
    return [...out];
  }

  /** Queues alerts for newly stored anomalies; call inside their insert transaction. */
  enqueue(anomalies: readonly Anomaly[]): void {
    const now = this.deps.clock.now();
    for (const a of anomalies) {
      const severity = this.severityOf(a);
      const targets = this.sinksFor(a, severity);
      if (targets.length === 0) continue;
      const fp = fingerprint(a);
      for (const name of targets) this.add(this.sinks.get(name)!, a, severity, fp, now);
    }
  }

  /**
   * Feedback said anomalies like `a` are noise (or muted): withdraws, in every sink, the notification
   * of `a`'s fingerprint that is still waiting (not due, so not being sent) when its first anomaly
   * is `sameKind`; the episode's resolve too when that was its only notification (nothing to
   * resolve then). Notifications already sent stay sent; their resolve still follows. Returns how
   * many rows were withdrawn.
   */
  withdraw(a: Anomaly, sameKind: (first: Anomaly) => boolean = () => true): number {
    const now = this.deps.clock.now();
    const fp = fingerprint(a);
    let n = 0;
    for (const sink of this.sinks.values()) {
      const t = this.tracks.get(`${sink.name}\u0000${fp}`);
      if (t?.open === undefined || !sameKind(t.open.alert.anomaly)) continue;
      if (!this.deps.outbox.supersede({ id: t.open.id, sink: sink.name, key: t.open.key }, now)) continue;
      n += this.withdrawn(sink.name, 1);
      t.open = undefined;
      const only = t.prevFireAt < t.episodeStart;
      t.lastFireAt = t.prevFireAt;
      if (only && t.resolve !== undefined) {
        if (this.deps.outbox.supersede({ id: t.resolve.id, sink: sink.name, key: t.resolve.key }, now)) n += this.withdrawn(sink.name, 1);
        t.resolve = undefined;
        t.count = 0; // the next anomaly opens a new episode
      }
    }
    return n;
  }

  private withdrawn(sink: string, n: number): number {
    this.backlogAdd(sink, -n);
    this.stats.get(sink)!.withdrawn += n;
    return n;
  }

  /** The dispatcher reports the sink's real backlog after each delivery. */
  setBacklog(sink: string, pending: number): void {
    this.backlog.set(sink, pending);
    if (pending < (this.sinks.get(sink)?.maxPending ?? Infinity)) this.full.delete(sink);
  }

  private add(sink: PolicySink, a: Anomaly, severity: Severity, fp: string, now: number): void {
    const t = this.track(sink.name, fp, severity, now);
    if (t.lastSeenAt + this.resolveMs <= now || t.count === 0) {
      // A new episode: a resolve of the last one still waiting for a retry would arrive after this
      // episode's first alert and end it; withdraw it (the new alert supersedes it).
      if (t.resolve !== undefined) {
        if (this.deps.outbox.supersede({ id: t.resolve.id, sink: sink.name, key: t.resolve.key }, now)) this.backlogAdd(sink.name, -1);
        t.resolve = undefined;
      }
      t.episodeStart = now;
      t.severity = severity;
      t.count = 0;
    } else {
      t.severity = maxSeverity(t.severity, severity);
    }
    t.lastSeenAt = now;
    t.count++;
    const stats = this.stats.get(sink.name)!;
    let firing: Alert | undefined;
    if (t.open !== undefined && t.open.at > now) {
      firing = this.merge(t.open.alert, a, severity, now);
      if (this.deps.outbox.reschedule({ id: t.open.id, sink: sink.name, key: t.open.key }, firing, t.open.at, now)) {
        t.open.alert = firing;
        stats.grouped++;
      } else {
        firing = undefined;
      }
    }
    if (firing === undefined) {
      t.open = undefined;
      firing = this.alert(a, severity, fp, t.episodeStart, now);
      const at = Math.max(now + this.groupMs, t.lastFireAt + this.cooldownMs);
      const id = this.insert(sink, a.id, firing, at);
      if (id !== null) {
        t.open = { id, key: a.id, at, alert: firing };
        t.prevFireAt = t.lastFireAt;
        t.lastFireAt = at;
      }
    }
    if (sink.sendResolved) this.scheduleResolve(sink, t, a, firing, now);
  }

  private scheduleResolve(sink: PolicySink, t: Track, a: Anomaly, firing: Alert, now: number): void {
    const at = now + this.resolveMs;
    const resolved: Alert = { ...firing, status: 'resolved', severity: t.severity, count: t.count, endsAt: at };
    if (t.resolve !== undefined && t.resolve.at > now) {
      if (this.deps.outbox.reschedule({ id: t.resolve.id, sink: sink.name, key: t.resolve.key }, resolved, at, now)) {
        t.resolve = { ...t.resolve, at, alert: resolved };
        return;
      }
    }
    const key = `${RESOLVE_KEY_PREFIX}${a.id}`;
    const id = this.insert(sink, key, resolved, at);
    t.resolve = id === null ? undefined : { id, key, at, alert: resolved };
  }

  private insert(sink: PolicySink, key: string, alert: Alert, at: number): number | null {
    const stats = this.stats.get(sink.name)!;
    const pending = this.backlog.get(sink.name) ?? 0;
    if (pending >= sink.maxPending) {
      stats.dropped++;
      if (!this.full.has(sink.name)) {
        this.full.add(sink.name);
        this.deps.logger.warn('Alert backlog is full; new alerts for this sink are dropped.', { sink: sink.name, max_pending: sink.maxPending });
      }
      return null;
    }
    const id = this.deps.outbox.insert(sink.name, key, alert, at);
    if (id !== null) {
      this.backlogAdd(sink.name, 1);
      stats.queued++;
    }
    return id;
  }

  private backlogAdd(sink: string, n: number): void {
    this.backlog.set(sink, Math.max(0, (this.backlog.get(sink) ?? 0) + n));
  }

  private track(sink: string, fp: string, severity: Severity, start: number): Track {
    const k = `${sink}\u0000${fp}`;
    let t = this.tracks.get(k);
    if (t !== undefined) {
      this.tracks.delete(k); // LRU: re-inserted as the newest
    } else {
      t = { lastFireAt: -Infinity, prevFireAt: -Infinity, lastSeenAt: -Infinity, episodeStart: start, severity, count: 0 };
      const cap = this.deps.maxTracks ?? 10_000;
      if (this.tracks.size >= cap) this.tracks.delete(this.tracks.keys().next().value!);
    }
    this.tracks.set(k, t);
    return t;
  }

  private alert(a: Anomaly, severity: Severity, fp: string, startsAt: number, now: number): Alert {
    const alert: Alert = {
      status: 'firing',
      fingerprint: fp,
      detector: a.detector,
      source: a.source,
      severity,
      title: a.title,
      count: 1,
      anomaly: bounded(a),
      anomalyIds: [a.id],
      firstSeen: a.ts,
      lastSeen: a.ts,
      startsAt,
      endsAt: now + this.resolveMs,
      url: `${this.deps.publicUrl().replace(/\/+$/, '')}/#/anomalies/${encodeURIComponent(a.id)}`,
    };
    if (a.templateId !== undefined) alert.templateId = a.templateId;
    return alert;
  }

  private merge(prev: Alert, a: Anomaly, severity: Severity, now: number): Alert {
    return {
      ...prev,
      count: prev.count + 1,
      severity: maxSeverity(prev.severity, severity),
      anomalyIds: prev.anomalyIds.length < MAX_IDS ? [...prev.anomalyIds, a.id] : prev.anomalyIds,
      firstSeen: Math.min(prev.firstSeen, a.ts),
      lastSeen: Math.max(prev.lastSeen, a.ts),
      endsAt: now + this.resolveMs,
    };
  }
}

/** detector + source + template id, hashed to 16 hex digits (stable across restarts). */
export function fingerprint(a: Pick<Anomaly, 'detector' | 'source' | 'templateId'>): string {
  return createHash('sha256')
    .update(`${a.detector}\u0000${a.source}\u0000${a.templateId ?? '-'}`)
    .digest('hex')
    .slice(0, 16);
}

/** The anomaly with its context and explanation cut to what a notification shows. */
function bounded(a: Anomaly): Anomaly {
  return {
    ...a,
    context: a.context.slice(0, MAX_CONTEXT).map((l) => truncate(l, MAX_LINE)),
    explanation: a.explanation.slice(0, 5),
  };
}
