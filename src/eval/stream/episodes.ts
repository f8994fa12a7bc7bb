/**
 * @module eval/stream/episodes
 * What a labelled log's alerts are, as `eval stream` counts them: **episodes**. On line-labelled
 * logs (BGL, Thunderbird: the first token is `-` or an alert category) an episode is a run of alert
 * lines of one category with gaps of at most one hour (`EPISODE_GAP_MS`), in the order the lines
 * are read; the first episode of each category is marked `first` (on BGL_20k its message was never
 * seen before). This is exactly the segmentation of `../shared/checks/detection-bgl-episodes`.
 * Loaders of other kinds (HDFS block labels, the demo's incidents) build their episodes directly.
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
  /** Event time of its first and last alert line (epoch ms); for a silence, its start and end. */
  start: number;
  end: number;
  /** The first episode of its category. */
  first: boolean;
  /** Line numbers (within `source`) of its alert lines; empty for a silence (no line to name). */
  lines: number[];
  /** A string an anomaly may name it by (an HDFS block id). */
  key?: string;
}

/** Consecutive alert lines of one category belong to one episode when at most this far apart. */
export const EPISODE_GAP_MS = 3_600_000;

/** Episodes of line-labelled data (see the module comment); lines in reading order. */
export function segmentEpisodes(lines: readonly LabelledLine[], gapMs = EPISODE_GAP_MS): Episode[] {
  const episodes: Episode[] = [];
  const last = new Map<string, Episode>();
  const seen = new Set<string>();
  for (const l of lines) {
    if (l.label === null) continue;
    const key = `${l.source}\u0000${l.label}`;
    const e = last.get(key);
    if (e !== undefined && l.ts - e.end <= gapMs) {
      // As the check does: the episode ends at the latest line read (a sample is not always sorted).
      e.end = l.ts;
      e.lines.push(l.line);
      continue;
    }
    const next: Episode = { index: episodes.length, category: l.label, source: l.source, start: l.ts, end: l.ts, first: !seen.has(key), lines: [l.line] };
    seen.add(key);
    episodes.push(next);
    last.set(key, next);
  }
  return episodes;
}
