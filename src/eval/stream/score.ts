/**
 * @module eval/stream/score
 * Scores a replay's stored anomalies against a labelled log's episodes.
 *
 * **Matching** — an anomaly belongs to an episode (a *hit*) by the dataset's rule:
 * - `time` (BGL, Thunderbird; the rule of `../shared/checks/detection-bgl-episodes`): its ts lies in
 *   [episode start − 1 min, episode end + 5 min]. One anomaly may hit several episodes.
 * - `source` (the demo, several sources at once): `time`, and the anomaly is on the episode's source.
 * - `lines` (HDFS blocks; reported as the *strict* figure everywhere): the anomaly names one of the
 *   episode's lines — some alert line of the episode, on the anomaly's source, has its event time in
 *   the anomaly's window [start, end) (equal to its ts when it has no window) and, when the anomaly
 *   names a template, was mined to that template — or its title names the episode's key (a block
 *   id). This is bench:feedback's hit rule.
 *
 * **False alarm** — a stored anomaly that hits no episode. Per 1,000 normal lines (lines without an
 * alert label) and per hour of log time (first to last line's time).
 *
 * **Detected** — an episode with at least one hit. **Time to detect** of a detected episode: its
 * earliest hit's ts minus the episode's start, 0 when the hit came first (median and p90 over the
 * detected episodes, nearest rank; also over the first episodes of their category, and per detector
 * over the episodes it hit).
 *
 * **Window recall** — the log's time cut into fixed, epoch-aligned one-hour windows (bgl-eval's
 * convention); of the windows that hold an alert line, the share in which that line's episode has a
 * hit with ts in [window start − 1 min, window end + 5 min].
 */
import type { Anomaly } from '../../core/event.js';
import type { Episode, LabelledLine } from './episodes.js';

export type MatchRule = 'time' | 'source' | 'lines';

/** Tolerance of the `time` rule before an episode's first line and after its last (the check's). */
export const BEFORE_MS = 60_000;
export const AFTER_MS = 300_000;
export const WINDOW_MS = 3_600_000;

/** What the pipeline made of each input line: its event time and template (by source, then line). */
export interface MinedLines {
  get(source: string, line: number): { ts: number; templateId: number } | undefined;
}

export interface DetectorScore {
  anomalies: number;
  hits: number;
  falseAlarms: number;
  falseAlarmsPer1kNormal: number;
  episodesDetected: number;
  firstsDetected: number;
  /** Median over the episodes this detector hit of its own time to detect. */
  timeToDetectMedianMs: number | null;
}

/** A stored anomaly that hit no episode (what a developer reads to see why). */
export interface FalseAlarm {
  id: string;
  ts: number;
  kind: string;
  title: string;
}

export interface EpisodeResult {
  index: number;
  category: string;
  start: number;
  end: number;
  first: boolean;
  lines: number;
  detected: boolean;
  timeToDetectMs: number | null;
  detectors: string[];
}

export interface StreamScore {
  rule: MatchRule;
  anomalies: number;
  falseAlarms: number;
  falseAlarmsPer1kNormal: number;
  falseAlarmsPerHour: number;
  episodes: { total: number; detected: number; recall: number | null };
  firsts: { total: number; detected: number; timeToDetect: { medianMs: number; p90Ms: number } | null };
  timeToDetect: { medianMs: number; p90Ms: number } | null;
  windows: { total: number; detected: number; recall: number | null };
  byDetector: Record<string, DetectorScore>;
  /** False alarms per detector/kind (the kind is the first explanation feature; the model's is `window`). */
  falseAlarmsByKind: Record<string, number>;
  falseAlarmList: FalseAlarm[];
  perEpisode: EpisodeResult[];
}

export interface Truth {
  lines: readonly LabelledLine[];
  episodes: readonly Episode[];
}

/** Counts the truth needs once per dataset. */
export function truthStats(lines: readonly LabelledLine[]): { lines: number; normalLines: number; alertLines: number; spanHours: number } {
  let normal = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lines) {
    if (l.label === null) normal++;
    if (l.ts < lo) lo = l.ts;
    if (l.ts > hi) hi = l.ts;
  }
  return { lines: lines.length, normalLines: normal, alertLines: lines.length - normal, spanHours: hi > lo ? (hi - lo) / 3_600_000 : 0 };
}

/** Does anomaly `a` hit episode `e` under `rule`? */
export function hits(a: Anomaly, e: Episode, rule: MatchRule, mined: MinedLines): boolean {
  if (rule === 'time' || rule === 'source') {
    if (rule === 'source' && a.source !== e.source) return false;
    return a.ts >= e.start - BEFORE_MS && a.ts <= e.end + AFTER_MS;
  }
  if (a.source !== e.source) return false;
  if (e.key !== undefined && a.title.includes(e.key)) return true;
  const from = a.window ? a.window.start : a.ts;
  const to = a.window ? a.window.end : a.ts + 1;
  for (const n of e.lines) {
    const m = mined.get(e.source, n);
    if (m === undefined || m.ts < from || m.ts >= to) continue;
    if (a.templateId === undefined || a.templateId === m.templateId) return true;
  }
  return false;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function kindOf(a: Anomaly): string {
  return `${a.detector}/${a.detector === 'model' ? 'window' : (a.explanation[0]?.feature ?? '?')}`;
}

/** Scores `anomalies` against the truth (see the module comment). */
export function scoreStream(anomalies: readonly Anomaly[], truth: Truth, rule: MatchRule, mined: MinedLines): StreamScore {
  const stats = truthStats(truth.lines);
  const per1k = (n: number) => (stats.normalLines > 0 ? (1000 * n) / stats.normalLines : 0);
  const eps = truth.episodes;
  const firstHit = new Array<number>(eps.length).fill(Infinity);
  /** Per episode: each detector's earliest hit. */
  const hitBy = eps.map(() => new Map<string, number>());
  // Alert-line windows per episode (by the label file's time) and those seen detected.
  const lineTs = new Map<string, number>(truth.lines.map((l) => [`${l.source}\u0000${l.line}`, l.ts]));
  const windowsOf = eps.map((e) => new Set(e.lines.map((n) => Math.floor((lineTs.get(`${e.source}\u0000${n}`) ?? e.start) / WINDOW_MS))));
  const allWindows = new Set<number>();
  for (const ws of windowsOf) for (const w of ws) allWindows.add(w);
  const windowsFound = new Set<number>();
  const byDetector: Record<string, DetectorScore> = {};
  const falseAlarmsByKind: Record<string, number> = {};
  const falseAlarmList: FalseAlarm[] = [];
  let falseAlarms = 0;
  for (const a of anomalies) {
    const d = (byDetector[a.detector] ??= { anomalies: 0, hits: 0, falseAlarms: 0, falseAlarmsPer1kNormal: 0, episodesDetected: 0, firstsDetected: 0, timeToDetectMedianMs: null });
    d.anomalies++;
    let hit = false;
    for (const e of eps) {
      if (!hits(a, e, rule, mined)) continue;
      hit = true;
      firstHit[e.index] = Math.min(firstHit[e.index], a.ts);
      hitBy[e.index].set(a.detector, Math.min(hitBy[e.index].get(a.detector) ?? Infinity, a.ts));
      for (const w of windowsOf[e.index]) if (a.ts >= w * WINDOW_MS - BEFORE_MS && a.ts <= (w + 1) * WINDOW_MS + AFTER_MS) windowsFound.add(w);
    }
    if (hit) d.hits++;
    else {
      d.falseAlarms++;
      falseAlarms++;
      const k = kindOf(a);
      falseAlarmsByKind[k] = (falseAlarmsByKind[k] ?? 0) + 1;
      falseAlarmList.push({ id: a.id, ts: a.ts, kind: k, title: a.title });
    }
  }
  const perEpisode: EpisodeResult[] = eps.map((e) => {
    const detected = firstHit[e.index] !== Infinity;
    return { index: e.index, category: e.category, start: e.start, end: e.end, first: e.first, lines: e.lines.length, detected, timeToDetectMs: detected ? Math.max(0, firstHit[e.index] - e.start) : null, detectors: [...hitBy[e.index].keys()].sort() };
  });
  for (const [name, d] of Object.entries(byDetector)) {
    d.falseAlarmsPer1kNormal = per1k(d.falseAlarms);
    d.episodesDetected = perEpisode.filter((p) => p.detectors.includes(name)).length;
    d.firstsDetected = perEpisode.filter((p) => p.first && p.detectors.includes(name)).length;
    const own = eps.flatMap((e) => {
      const t = hitBy[e.index].get(name);
      return t === undefined ? [] : [Math.max(0, t - e.start)];
    });
    d.timeToDetectMedianMs = own.length > 0 ? percentile(own.sort((x, y) => x - y), 0.5) : null;
  }
  const ttdOf = (list: EpisodeResult[]) => {
    const xs = list.flatMap((p) => (p.timeToDetectMs === null ? [] : [p.timeToDetectMs])).sort((x, y) => x - y);
    return xs.length > 0 ? { medianMs: percentile(xs, 0.5), p90Ms: percentile(xs, 0.9) } : null;
  };
  const detected = perEpisode.filter((p) => p.detected).length;
  return {
    rule,
    anomalies: anomalies.length,
    falseAlarms,
    falseAlarmsPer1kNormal: per1k(falseAlarms),
    falseAlarmsPerHour: stats.spanHours > 0 ? falseAlarms / stats.spanHours : 0,
    episodes: { total: eps.length, detected, recall: eps.length > 0 ? detected / eps.length : null },
    firsts: { total: eps.filter((e) => e.first).length, detected: perEpisode.filter((p) => p.first && p.detected).length, timeToDetect: ttdOf(perEpisode.filter((p) => p.first)) },
    timeToDetect: ttdOf(perEpisode),
    windows: { total: allWindows.size, detected: windowsFound.size, recall: allWindows.size > 0 ? windowsFound.size / allWindows.size : null },
    byDetector,
    falseAlarmsByKind,
    falseAlarmList,
    perEpisode,
  };
}
