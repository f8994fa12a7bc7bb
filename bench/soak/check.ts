/**
 * @module bench/soak/check
 * Judges a soak run. The accounting rules:
 *  - Durable count = the store's template counts, written at each checkpoint together with the
 *    source positions. Without kills every line sent on every transport must be counted exactly once
 *    (checked at the end of the steady phase).
 *  - file: positions follow counts at each checkpoint, so after any number of kill -9s the file's
 *    durable count must equal the lines written, exactly: 0 lost, 0 counted twice. (Not one
 *    transaction: an engine thread saves its counts, then its ack crosses to the main thread, which
 *    saves the file's position. A kill in between — milliseconds of each 1 s interval — counts the
 *    lines of that interval twice — at least once, never lost — and this check fails on it.) What a restart
 *    parses again (at least once) is what the killed process parsed after its last checkpoint:
 *    `reparsed = parsed before the kill − what that process made durable`, at most what one process
 *    parses in one checkpoint interval (more than rate × interval only while it catches up).
 *  - http and syslog have no position to resume from: a 2xx (or a syslog write) means the lines went
 *    through the detectors, not that their counts and detector state were saved. A kill -9 loses the
 *    counts of what arrived after the last checkpoint: per kill at most the lines sent in two
 *    checkpoint intervals (saves are 1–2 intervals apart, run.ts) + 250 ms + the time the sender
 *    took to see the kill (syslog writes into a socket the kernel has already reset are lost too),
 *    and nothing outside kills
 *    (sent − durable ≤ Σ per-kill losses). What a process left durable is read from the store file
 *    while the service is down.
 *  - Anomalies: ids are unique in the store. Alerts: an anomaly id delivered (2xx) in two firing
 *    notifications is a duplicate; retries of undelivered notifications are not (receiver.ts).
 */
import type { SoakResult } from './run.js';
import { type PerTransport, TRANSPORTS } from './readings.js';

export interface Verdict {
  name: string;
  ok: boolean;
  value: string;
  target: string;
  /** Only reported (not a pass/fail of this run): short runs cannot show the 5-minute RSS target. */
  informational?: boolean;
}

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const median = (xs: number[]): number => quantile(xs, 0.5);

export interface RestartSummary {
  kill: number;
  atSeconds: number;
  downMs: number;
  rotatedWhileDown: boolean;
  fileCaughtUpSeconds: number;
  fileReparsed: number;
  lost: PerTransport;
  bound: PerTransport;
}

export interface SoakSummary {
  rss: { firstMiB: number; warmupSeconds: number; baselineMiB: number; endMiB: number; maxMiB: number; growthPct: number; parts: { at: string; heapUsedMiB: number; heapTotalMiB: number; externalMiB: number }[] };
  httpLatencyMs: { p50: number; p99: number; n: number };
  probeLatencyMs: { p50: number; p99: number; seen: number; sent: number };
  unaccountedAtEnd: PerTransport;
  restarts: RestartSummary[];
  anomalies: { stored: number; unique: number; byDetector: Record<string, number>; silent: number };
  alerts: { deliveredNotifications: number; firingIds: number; duplicateIds: number; duplicateResolved: number; retriedIds: number };
  clock: { atSeconds: number; offsetH: number; recordsAdvanced: boolean; deliveredAfter: number }[];
  /** Steady-phase windows in which the receiver answered ok and alerts were due or retrying at the start. */
  okWindows: { from: number; to: number; waiting: number; delivered: number }[];
}

export function summarise(r: SoakResult): SoakSummary {
  const steady = r.samples.filter((s) => s.phase === 'steady');
  const S = r.options.steadySeconds;
  const warmup = Math.min(300, S / 3);
  const inRange = (a: number, b: number) => steady.filter((s) => s.t >= a && s.t < b).map((s) => s.rssMiB);
  const span = Math.min(60, S / 6);
  const baselineMiB = median(inRange(warmup, warmup + span));
  const endMiB = median(inRange(S - span, S + 1));
  // Where the RSS is: all threads' V8 heap in use and held, and external memory (medians, same windows).
  const parts = ([['baseline', warmup, warmup + span], ['end of steady', S - span, S + 1]] as const).map(([at, a, b]) => {
    const w = steady.filter((x) => x.t >= a && x.t < b);
    const sum = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);
    return { at, heapUsedMiB: median(w.map((x) => sum(x.heapMiB))), heapTotalMiB: median(w.map((x) => sum(x.heapTotalMiB))), externalMiB: median(w.map((x) => x.externalMiB)) };
  });
  const restarts: RestartSummary[] = [];
  // What each process left durable: the first ran from the start, each later one from a restart.
  let before: PerTransport = { file: 0, http: 0, syslog: 0 };
  // Sent but not counted, as of the previous kill: what a kill loses is the increase.
  let unaccounted: PerTransport = { file: 0, http: 0, syslog: 0 };
  for (const k of r.restarts) {
    const now = { file: 0, http: k.sentAtKill.http - k.durableAtKill.http, syslog: k.sentAtKill.syslog - k.durableAtKill.syslog };
    const lost = { file: k.fileCaughtUpSeconds >= 0 ? 0 : -1, http: now.http - unaccounted.http, syslog: now.syslog - unaccounted.syslog };
    unaccounted = now;
    restarts.push({
      kill: k.kill,
      atSeconds: k.atSeconds,
      downMs: k.downMs,
      rotatedWhileDown: k.rotatedWhileDown,
      fileCaughtUpSeconds: k.fileCaughtUpSeconds,
      fileReparsed: k.parsedBeforeKill.file - (k.durableAtKill.file - before.file),
      lost,
      bound: k.sentInLastInterval,
    });
    before = k.durableAtKill;
  }
  const byDetector: Record<string, number> = {};
  for (const a of r.anomalies) byDetector[a.detector] = (byDetector[a.detector] ?? 0) + 1;
  const dupIds = r.receiver.firingById.filter(([, n]) => n > 1).length;
  const dupResolved = r.receiver.resolvedByEpisode.filter(([, n]) => n > 1).length;
  const steps = r.clockSteps;
  const clock = steps.map((c, i) => {
    const until = i + 1 < steps.length ? steps[i + 1].atSeconds : c.atSeconds + 30;
    // `records` counts since the process started: a kill inside the window would reset it, so the
    // window ends at the first kill after the step (the last step comes just before the kills).
    const killed = r.restarts.find((k) => k.atSeconds > c.atSeconds)?.atSeconds ?? Infinity;
    const before = r.samples.filter((s) => s.t <= c.atSeconds).at(-1)?.records ?? 0;
    const after = r.samples.filter((s) => s.t > c.atSeconds && s.t < killed && s.t <= Math.min(until, c.atSeconds + 15)).at(-1)?.records ?? before;
    return { atSeconds: c.atSeconds, offsetH: c.offsetMs / 3_600_000, recordsAdvanced: after > before, deliveredAfter: r.receiver.deliveredAtSeconds.filter((t) => t > c.atSeconds && t <= until).length };
  });
  const okWindows: SoakSummary['okWindows'] = [];
  const modes = r.receiverModes;
  for (let i = 0; i + 1 < modes.length; i++) {
    const [from, to] = [modes[i].atSeconds, modes[i + 1].atSeconds];
    if (modes[i].mode !== 'ok' || to > S) continue;
    const at = r.samples.filter((x) => x.t <= from + 0.5).at(-1);
    const waiting = at ? at.due + at.retrying : 0;
    if (waiting > 0) okWindows.push({ from, to, waiting, delivered: r.receiver.deliveredAtSeconds.filter((t) => t >= from && t < to).length });
  }
  // "Went silent" findings: a clock step read as an hour without input would raise one per source.
  const silent = r.anomalies.filter((a) => a.detector === 'rate' && /silent/i.test(a.title));
  return {
    rss: { firstMiB: steady[0]?.rssMiB ?? NaN, warmupSeconds: warmup, baselineMiB, endMiB, maxMiB: Math.max(...r.samples.map((s) => s.rssMiB)), growthPct: (100 * (endMiB - baselineMiB)) / baselineMiB, parts },
    httpLatencyMs: { p50: quantile(r.httpLatencyMs, 0.5), p99: quantile(r.httpLatencyMs, 0.99), n: r.httpLatencyMs.length },
    probeLatencyMs: { p50: quantile(r.probes.latencyMs, 0.5), p99: quantile(r.probes.latencyMs, 0.99), seen: r.probes.seen, sent: r.probes.sent },
    unaccountedAtEnd: { file: r.sent.file - r.durable.file, http: r.sent.http - r.durable.http, syslog: r.sent.syslog - r.durable.syslog },
    restarts,
    anomalies: { stored: r.anomalies.length, unique: new Set(r.anomalies.map((a) => a.id)).size, byDetector, silent: silent.length },
    alerts: { deliveredNotifications: r.receiver.deliveredAlerts, firingIds: r.receiver.firingById.length, duplicateIds: dupIds, duplicateResolved: dupResolved, retriedIds: r.receiver.notAccepted },
    clock,
    okWindows,
  };
}

export function verdicts(r: SoakResult, s: SoakSummary, opts: { rssTarget: boolean }): Verdict[] {
  const v: Verdict[] = [];
  const add = (name: string, ok: boolean, value: string, target: string, informational = false) => v.push({ name, ok, value, target, informational });
  for (const tr of TRANSPORTS) {
    const d = r.settled.sent[tr] - r.settled.durable[tr];
    add(`steady phase, ${tr}: lines sent − counted`, d === 0, `${r.settled.sent[tr]} − ${r.settled.durable[tr]} = ${d}`, '0');
  }
  add('after all kills, file: lines written − counted', s.unaccountedAtEnd.file === 0, `${r.sent.file} − ${r.durable.file} = ${s.unaccountedAtEnd.file}`, '0 (exact)');
  add('file: every restart caught up with the lines written before its kill', s.restarts.every((k) => k.fileCaughtUpSeconds >= 0), s.restarts.map((k) => k.fileCaughtUpSeconds.toFixed(1)).join(', ') + ' s', 'all ≥ 0');
  for (const tr of ['http', 'syslog'] as const) {
    const over = s.restarts.filter((k) => k.lost[tr] > k.bound[tr]);
    add(`${tr}: counts lost per kill ≤ lines sent in 2 checkpoint intervals before it`, over.length === 0, s.restarts.map((k) => `${k.lost[tr]}/${k.bound[tr]}`).join(', '), 'each lost ≤ bound');
    const sumLost = s.restarts.reduce((a, k) => a + Math.max(0, k.lost[tr]), 0);
    add(`${tr}: nothing lost outside kills (sent − counted ≤ Σ per-kill losses)`, s.unaccountedAtEnd[tr] <= sumLost, `${s.unaccountedAtEnd[tr]} ≤ ${sumLost}`, 'holds');
  }
  add('anomaly ids unique in the store', s.anomalies.unique === s.anomalies.stored, `${s.anomalies.unique} of ${s.anomalies.stored}`, 'all unique');
  add('anomaly ids delivered twice (firing, 2xx)', s.alerts.duplicateIds === 0, String(s.alerts.duplicateIds), '0');
  add('resolved episodes delivered twice', s.alerts.duplicateResolved === 0, String(s.alerts.duplicateResolved), '0');
  add('alerts delivered', s.alerts.firingIds > 0, `${s.alerts.deliveredNotifications} notifications, ${s.alerts.firingIds} anomaly ids`, '> 0');
  const e = r.sinkAtEnd;
  add('outbox at the end: nothing due or retrying, nothing dropped', r.drained && e !== undefined && e.due === 0 && e.retrying === 0 && e.dropped === 0, e ? `due ${e.due}, retrying ${e.retrying}, dropped ${e.dropped} (scheduled for later: ${e.pending - e.due})` : 'no answer', 'due 0, retrying 0, dropped 0');
  add('no unexpected exit', r.unexpectedExits.length === 0, r.unexpectedExits.join('; ') || 'none', 'none');
  add('processing continues after every clock step', s.clock.every((c) => c.recordsAdvanced), s.clock.map((c) => `${c.offsetH > 0 ? '+' : ''}${c.offsetH} h: ${c.recordsAdvanced ? 'yes' : 'NO'}`).join(', '), 'all');
  add('"went silent" findings (steady traffic on every source: a clock step must not read as silence)', s.anomalies.silent === 0, String(s.anomalies.silent), '0');
  const idle = s.okWindows.filter((w) => w.delivered === 0);
  add('every ok window of the receiver with alerts waiting delivered some (retry timers run, clock steps included)', idle.length === 0, `${s.okWindows.length - idle.length} of ${s.okWindows.length}${idle.length ? `; idle at ${idle.map((w) => w.from.toFixed(0)).join(', ')} s` : ''}`, 'all');
  add('RSS growth after warm-up', s.rss.growthPct < 10, `${s.rss.baselineMiB} → ${s.rss.endMiB} MiB (${s.rss.growthPct.toFixed(1)} %)`, '< 10 %', !opts.rssTarget);
  return v;
}
