/**
 * @module eval/stream/episodes
 * What a labelled log's alerts are, as `eval stream` counts them: **episodes**. On line-labelled
 * logs (BGL, Thunderbird: the first token is `-` or an alert category) an episode is a run of alert
 * lines of one category and source **in time order** whose consecutive lines are at most one hour
 * apart (`EPISODE_GAP_MS`); it starts at its earliest line's time and ends at its latest, so
 * `start <= end` always holds and two episodes of one category never overlap. The first episode of
 * each category is the one holding the category's first line *in reading order* (what the pipeline
 * meets first; on BGL_20k its message was never seen before). Loaders of other kinds (HDFS block
 * labels, the demo's incidents) build their episodes directly.
 *
 * Why time order: a log sample is not always sorted. BGL_20k jumps back in time five times, by up
 * to five months (lines 17,719 to 20,000), so the same failure's lines sit in several places of the
 * file. Segmented in reading order (`order: 'reading'`,
 * the rule of `../shared/checks/detection-bgl-episodes`, where an episode ends at the *last line read*)
 * BGL_20k has 163 episodes: 12 "end" before they start (empty time spans no anomaly can fall in),
 * 11 join lines months apart, and one failure is counted two or more times where the file revisits
 * its hours (36 of the 132 time-ordered episodes are split that way). In time order it has 132.
 * `reading` is kept to compare with the check and with numbers measured before 2026-12-07.
 *
 * `gap` reads the definition ("consecutive alert lines of one category with gaps ≤ 1 h") with
 * the gap in absolute time: lines are taken in the file's order, as the check does, but a line joins
 * its category's open episode only when it is at most an hour away from the episode's last line read
 * *either way*, so a jump back of months starts a new episode instead of stretching the open one
 * backwards. An episode spans its earliest to its latest line (never inverted). On BGL_20k: 177
 * episodes — more than in reading order, because the lines after a jump back are no longer joined
 * to an episode months later.
 */

/** A labelled input line, label stripped from `text`: what the pipeline sees plus the truth beside it. */
export interface LabelledLine {
  /** Source id the pipeline sees (as `serve` names it). */
  source: string;
  /** The line as a user's file holds it: the label token is not in it. */
  text: string;
  /** 1-based line number within its source. */
  line: number;
  /** Event time from the labelled file (epoch ms), for the truth only. */
  ts: number;
  /** Alert category; null for a normal line. */
  label: string | null;
}

/** One alert episode (or, for block-labelled data, one anomalous block). */
export interface Episode {
  /** Index in the dataset's episode list. */
  index: number;
  category: string;
  source: string;
  /** Event time of its earliest and latest alert line (epoch ms); for a silence, its start and end. */
  start: number;
  end: number;
  /** The first episode of its category. */
  first: boolean;
  /** Line numbers (within `source`) of its alert lines, ascending; empty for a silence (no line to name). */
  lines: number[];
  /** A string an anomaly may name it by (an HDFS block id). */
  key?: string;
}

/** Consecutive alert lines of one category belong to one episode when at most this far apart. */
export const EPISODE_GAP_MS = 3_600_000;

/**
 * `time` (the default): lines sorted by time before they are joined; `reading`: the file's order, as
 * the shared check (a line earlier by any amount joins); `gap`: the file's order, gaps in absolute time.
 */
export type EpisodeOrder = 'time' | 'reading' | 'gap';

export const EPISODE_ORDERS: readonly EpisodeOrder[] = ['time', 'reading', 'gap'];

/** Episodes of line-labelled data (see the module comment), ordered by start time (`reading`, `gap`: by first line read). */
export function segmentEpisodes(lines: readonly LabelledLine[], gapMs = EPISODE_GAP_MS, order: EpisodeOrder = 'time'): Episode[] {
  return order === 'time' ? byTime(lines, gapMs) : byReading(lines, gapMs, order === 'gap');
}

function byTime(lines: readonly LabelledLine[], gapMs: number): Episode[] {
  const groups = new Map<string, LabelledLine[]>();
  for (const l of lines) {
    if (l.label === null) continue;
    const key = `${l.source}\u0000${l.label}`;
    const g = groups.get(key);
    if (g) g.push(l);
    else groups.set(key, [l]);
  }
  const episodes: Episode[] = [];
  for (const g of groups.values()) {
    const sorted = [...g].sort((a, b) => a.ts - b.ts || a.line - b.line);
    let cur: Episode | null = null;
    for (const l of sorted) {
      if (cur !== null && l.ts - cur.end <= gapMs) {
        cur.end = l.ts;
        cur.lines.push(l.line);
      } else {
        cur = { index: 0, category: l.label as string, source: l.source, start: l.ts, end: l.ts, first: false, lines: [l.line] };
        episodes.push(cur);
      }
      // g[0] is the category's first line read: its episode is the first.
      if (l === g[0]) cur.first = true;
    }
  }
  for (const e of episodes) e.lines.sort((a, b) => a - b);
  episodes.sort((a, b) => a.start - b.start || a.lines[0] - b.lines[0]);
  episodes.forEach((e, i) => (e.index = i));
  return episodes;
}

/** `absolute`: the `gap` cut — joined only within `gapMs` of the last line read either way, spans from earliest to latest. */
function byReading(lines: readonly LabelledLine[], gapMs: number, absolute: boolean): Episode[] {
  const episodes: Episode[] = [];
  const last = new Map<string, Episode>();
  /** Per open episode, the time of its last line read (`end` is the latest line in the `gap` cut). */
  const lastTs = new Map<Episode, number>();
  const seen = new Set<string>();
  for (const l of lines) {
    if (l.label === null) continue;
    const key = `${l.source}\u0000${l.label}`;
    const e = last.get(key);
    if (e !== undefined && absolute && Math.abs(l.ts - (lastTs.get(e) ?? e.end)) <= gapMs) {
      lastTs.set(e, l.ts);
      e.start = Math.min(e.start, l.ts);
      e.end = Math.max(e.end, l.ts);
      e.lines.push(l.line);
      continue;
    }
    if (e !== undefined && !absolute && l.ts - e.end <= gapMs) {
      // As the check does: the episode ends at the latest line read, which may be before its start.
      e.end = l.ts;
      e.lines.push(l.line);
      continue;
    }
    if (e !== undefined) lastTs.delete(e);
    const next: Episode = { index: episodes.length, category: l.label, source: l.source, start: l.ts, end: l.ts, first: !seen.has(key), lines: [l.line] };
    seen.add(key);
    episodes.push(next);
    last.set(key, next);
    if (absolute) lastTs.set(next, l.ts);
  }
  return episodes;
}
