/**
 * @module eval/parsing-accuracy
 * Log-parsing accuracy metrics (Loghub / logparser semantics) and a runner over the Loghub 2k systems.
 *
 * - **GA** (grouping accuracy, Zhu et al. ICSE-SEIP 2019): a line counts iff the set of lines in its
 *   predicted group equals exactly the set of lines that share its true EventId.
 * - **FGA** (Loghub-2.0, Jiang et al. ISSTA 2024): F1 over groups; a true group is correct iff some
 *   predicted group holds exactly its lines. PGA = correct / #predicted groups, RGA = correct / #true groups.
 * - **PA** (parsing accuracy): a line counts iff its predicted template equals the true one after
 *   {@link normalizeTemplate} on both sides.
 * - **FTA** (Loghub-2.0): F1 over templates. Lines are grouped by normalised predicted template (as
 *   Loghub-2.0 groups by the template string); a predicted template is correct iff every line in it
 *   has exactly that (normalised) true template. PTA = correct / #predicted templates,
 *   RTA = correct / #true templates.
 *
 * Normalisation (both sides, documented in BENCHMARKS.md): Loghub-2.0's own PA is a plain string
 * comparison (`PA_calculator.py`); its corrected truth was produced by `correct_single_template`,
 * which collapses whitespace and adjacent `<*><*>` (rule CV). We apply exactly: (1) every `<*>` and
 * every typed placeholder `<UPPER_CASE>` (e.g. `<NUM>`, `<IP>`, `<IPV4>`) becomes `<*>`; (2) runs of
 * whitespace become one space, ends trimmed; (3) adjacent placeholders with nothing between them
 * (`<*><*>`) become one `<*>`. Nothing else (no `<*>.<*>` merge, no digit or path rules).
 *
 * @example
 * groupingAccuracy([1, 1, 2], ['E1', 'E1', 'E2']); // 1
 * parsingAccuracy(['Sent <NUM> bytes'], ['Sent <*>  bytes']); // 1
 */
import { AnomalogError } from '../core/errors.js';

export interface GroupingScores {
  /** Grouping accuracy: fraction of lines whose predicted group is exactly their true group. */
  ga: number;
  /** F1 of group-level precision and recall (Loghub-2.0 FGA). */
  fga: number;
  pga: number;
  rga: number;
  correctLines: number;
  predictedGroups: number;
  trueGroups: number;
}

export interface TemplateScores {
  /** Parsing accuracy: fraction of lines with the correct normalised template. */
  pa: number;
  /** F1 of template-level precision and recall (Loghub-2.0 FTA). */
  fta: number;
  pta: number;
  rta: number;
  correctLines: number;
  predictedTemplates: number;
  trueTemplates: number;
}

const PLACEHOLDER = /<\*>|<[A-Z][A-Z0-9_]*>/g;
const WHITESPACE = /\s+/g;
const ADJACENT = /(?:<\*>){2,}/g;

/** Normalise a template for comparison (see the module doc for the exact rules). */
export function normalizeTemplate(template: string): string {
  return template.replace(PLACEHOLDER, '<*>').replace(WHITESPACE, ' ').trim().replace(ADJACENT, '<*>');
}

function checkLengths(a: number, b: number, what: string): void {
  if (a !== b) {
    throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `${what}: ${a} predictions for ${b} ground-truth lines.`, {
      hint: 'Return exactly one prediction per input line, in order.',
    });
  }
}

/** Map arbitrary labels to dense ints 0..k-1; returns the ids and k. */
function denseIds(labels: ArrayLike<number | string>): { ids: Int32Array; count: number } {
  const n = labels.length;
  const ids = new Int32Array(n);
  const map = new Map<number | string, number>();
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    let id = map.get(l);
    if (id === undefined) {
      id = map.size;
      map.set(l, id);
    }
    ids[i] = id;
  }
  return { ids, count: map.size };
}

/** GA and FGA of predicted group ids against true event ids. */
export function groupingScores(predictedGroupIds: ArrayLike<number | string>, trueEventIds: ArrayLike<string>): GroupingScores {
  const n = trueEventIds.length;
  checkLengths(predictedGroupIds.length, n, 'groupingScores');
  const p = denseIds(predictedGroupIds);
  const t = denseIds(trueEventIds);
  const predSize = new Int32Array(p.count);
  const trueSize = new Int32Array(t.count);
  const pair = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    predSize[p.ids[i]]++;
    trueSize[t.ids[i]]++;
    const key = p.ids[i] * t.count + t.ids[i];
    pair.set(key, (pair.get(key) ?? 0) + 1);
  }
  // A (predicted, true) pair is an exact match iff it covers both groups entirely.
  let correctLines = 0;
  let correctGroups = 0;
  for (const [key, count] of pair) {
    const pg = Math.floor(key / t.count);
    const tg = key - pg * t.count;
    if (count === predSize[pg] && count === trueSize[tg]) {
      correctLines += count;
      correctGroups++;
    }
  }
  const pga = p.count === 0 ? 0 : correctGroups / p.count;
  const rga = t.count === 0 ? 0 : correctGroups / t.count;
  return {
    ga: n === 0 ? 0 : correctLines / n,
    fga: pga + rga === 0 ? 0 : (2 * pga * rga) / (pga + rga),
    pga,
    rga,
    correctLines,
    predictedGroups: p.count,
    trueGroups: t.count,
  };
}

/** Grouping accuracy (standard loghub/logparser semantics). 0 for empty input. */
export function groupingAccuracy(predictedGroupIds: ArrayLike<number | string>, trueEventIds: ArrayLike<string>): number {
  return groupingScores(predictedGroupIds, trueEventIds).ga;
}

function normalizeAll(templates: ArrayLike<string>): string[] {
  const cache = new Map<string, string>();
  const out = new Array<string>(templates.length);
  for (let i = 0; i < templates.length; i++) {
    const raw = templates[i];
    let norm = cache.get(raw);
    if (norm === undefined) {
      norm = normalizeTemplate(raw);
      cache.set(raw, norm);
    }
    out[i] = norm;
  }
  return out;
}

/** PA and FTA of predicted templates against true templates (both normalised). */
export function templateScores(predictedTemplates: ArrayLike<string>, trueTemplates: ArrayLike<string>): TemplateScores {
  const n = trueTemplates.length;
  checkLengths(predictedTemplates.length, n, 'templateScores');
  const pred = normalizeAll(predictedTemplates);
  const truth = normalizeAll(trueTemplates);
  let correctLines = 0;
  // For each predicted template: is every line's true template equal to it?
  const pure = new Map<string, boolean>();
  const trueSet = new Set<string>();
  for (let i = 0; i < n; i++) {
    const ok = pred[i] === truth[i];
    if (ok) correctLines++;
    pure.set(pred[i], (pure.get(pred[i]) ?? true) && ok);
    trueSet.add(truth[i]);
  }
  let correctTemplates = 0;
  for (const ok of pure.values()) if (ok) correctTemplates++;
  const pta = pure.size === 0 ? 0 : correctTemplates / pure.size;
  const rta = trueSet.size === 0 ? 0 : correctTemplates / trueSet.size;
  return {
    pa: n === 0 ? 0 : correctLines / n,
    fta: pta + rta === 0 ? 0 : (2 * pta * rta) / (pta + rta),
    pta,
    rta,
    correctLines,
    predictedTemplates: pure.size,
    trueTemplates: trueSet.size,
  };
}

/** Parsing accuracy: fraction of lines whose normalised predicted template equals the true one. */
export function parsingAccuracy(predictedTemplates: ArrayLike<string>, trueTemplates: ArrayLike<string>): number {
  return templateScores(predictedTemplates, trueTemplates).pa;
}

export interface TemplateMismatch {
  predicted: string;
  truth: string;
  /** Lines with this (normalised predicted, normalised true) pair. */
  lines: number;
}

/** The most frequent (predicted, true) template pairs that differ after normalisation, most lines first. */
export function topMismatches(predictedTemplates: ArrayLike<string>, trueTemplates: ArrayLike<string>, limit = 10): TemplateMismatch[] {
  checkLengths(predictedTemplates.length, trueTemplates.length, 'topMismatches');
  const pred = normalizeAll(predictedTemplates);
  const truth = normalizeAll(trueTemplates);
  const counts = new Map<string, TemplateMismatch>();
  for (let i = 0; i < pred.length; i++) {
    if (pred[i] === truth[i]) continue;
    const key = `${pred[i]}\u0000${truth[i]}`;
    const m = counts.get(key);
    if (m) m.lines++;
    else counts.set(key, { predicted: pred[i], truth: truth[i], lines: 1 });
  }
  return [...counts.values()].sort((a, b) => b.lines - a.lines || (a.truth < b.truth ? -1 : 1)).slice(0, limit);
}
