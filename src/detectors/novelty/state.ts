/**
 * @module detectors/novelty/state
 * The novelty detector's state per source, and how it is written to and read from a snapshot
 * (version 3; versions 1 and 2 are still read). Every part is bounded: templates and never-seen
 * messages by `max_templates`, words by `max_words` (LRU, evictions counted), template texts by
 * {@link MAX_KEPT_TEXT} characters, context lines by `context_lines` × `max_line_chars`.
 */
import type { Snapshot } from '../../core/parser.js';
import { kept } from '../../core/text.js';
import { expectShape, LineRing, snapshotData } from '../shared/common.js';
import { Lru } from '../shared/lru.js';
import type { NoveltyConfig } from './config.js';
import { DiscoveryRate, num } from './discovery.js';
import { MAX_TEXT_CHARS } from './words.js';

/**
 * 4: vocabulary as word hashes; 3: vocabulary as words, template texts; 2: discovery rate, groups,
 * novel messages, fleet knowledge, context times (1–3 are still read).
 */
export const NOVELTY_SNAPSHOT_VERSION = 4;

/**
 * Template texts are kept up to the length the word reader reads (`words.ts`): a change of a longer
 * template is never read for words, so only that it is long is kept (as '').
 */
export const MAX_KEPT_TEXT = MAX_TEXT_CHARS;

export interface TemplateState {
  /** Decayed count as of event index `at`. */
  count: number;
  at: number;
  /** Event index of the last alert for this template (-1: none). */
  lastAlert: number;
  /** A first sighting not reported yet: its score (NaN: none pending) and event time. */
  pending: number;
  firstTs: number;
  /** The template's text when last seen (a change means the miner generalised it for a message); '' when longer than MAX_KEPT_TEXT. */
  text: string;
}

export interface SourceState {
  /** Events of this source so far. */
  events: number;
  /** Decayed total of events (rare half-life). */
  total: number;
  /** Decayed new message types per level class, and events (discovery half-life). */
  discovery: DiscoveryRate;
  /**
   * Event time and event index of the last first-seen type — the group is open within `group_seconds`
   * of it (either side: lines may arrive out of order) and fewer than `discovery_half_life_events`
   * events after it — and the most severe rank reported in the group (-1: none yet).
   */
  groupAt: number;
  groupIdx: number;
  groupRank: number;
  /** First-seen types this source took from the fleet, and those it discovered itself. */
  fromFleet: number;
  own: number;
  templates: Lru<number, TemplateState>;
  /** Never-seen messages absorbed into known templates, by template id and words. */
  messages: Lru<string, true>;
  /**
   * The source's vocabulary: words of its message types (lower case), by {@link wordHash}, → how many
   * types used them. Numbers, not strings: no word is copied or hashed again, and none keeps its line.
   */
  words: Lru<number, number>;
  ring: LineRing;
}

/**
 * A word's key in a vocabulary: FNV-1a of its UTF-16 units, 30 bits (a small integer in V8, so the
 * map stores it unboxed). Two words share a key with odds of about 1 in 200,000 per new word at the
 * default `max_words` (5,000 / 2^30): then the new word counts as known and its type scores one bit
 * less.
 */
export function wordHash(w: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
  return h >>> 2;
}

/** The text kept for a template: bounded, and its own string (not a view of a long line: core/text.ts). */
export function keptText(text: string): string {
  return text.length > MAX_KEPT_TEXT ? '' : kept(text);
}

export function newSource(cfg: NoveltyConfig): SourceState {
  return {
    events: 0,
    total: 0,
    discovery: new DiscoveryRate(),
    groupAt: Number.NaN,
    groupIdx: 0,
    groupRank: -1,
    fromFleet: 0,
    own: 0,
    templates: new Lru(cfg.max_templates),
    messages: new Lru(cfg.max_templates),
    words: new Lru(cfg.max_words),
    ring: new LineRing(cfg.context_lines),
  };
}

/** The `sources` part of a snapshot, least recently seen first. */
export function snapshotSources(sources: Iterable<[string, SourceState]>): unknown[] {
  const out: unknown[] = [];
  for (const [name, s] of sources) {
    const ts: number[] = [];
    const texts: string[] = [];
    for (const [id, t] of s.templates) {
      ts.push(id, t.count, t.at, t.lastAlert, t.pending === t.pending ? t.pending : -1, t.firstTs);
      texts.push(t.text);
    }
    out.push({
      name,
      events: s.events,
      total: s.total,
      found: [...s.discovery.found],
      seen: s.discovery.seen,
      group: [Number.isFinite(s.groupAt) ? s.groupAt : null, s.groupRank, s.groupIdx],
      fleet: [s.fromFleet, s.own],
      messages: [...s.messages.keysOldestFirst()],
      lines: s.ring.toArray(),
      times: s.ring.timesArray(),
      templates: ts,
      texts,
      words: [...s.words],
    });
  }
  return out;
}

/**
 * The sources of a snapshot (any version), in the order saved; `discoveryDecay` rebuilds a version-1
 * source's rate. Throws the snapshot-shape error on a malformed one.
 */
export function restoreSources(snap: Snapshot, cfg: NoveltyConfig, discoveryDecay: number): { sources: [string, SourceState][]; data: Record<string, unknown> } {
  const d = snapshotData(snap, 'novelty', NOVELTY_SNAPSHOT_VERSION);
  expectShape(Array.isArray(d.sources), 'novelty', 'source list');
  const sources: [string, SourceState][] = [];
  for (const raw of d.sources as Record<string, unknown>[]) {
    const ok = raw && typeof raw.name === 'string' && typeof raw.events === 'number' && typeof raw.total === 'number' && Array.isArray(raw.templates);
    expectShape(Boolean(ok), 'novelty', 'source entry');
    const flat = raw.templates as number[];
    const width = snap.version === 1 ? 4 : 6;
    expectShape(flat.length % width === 0, 'novelty', 'template list');
    const s = newSource(cfg);
    for (let i = 0; i < flat.length; i += width) {
      const pending = width === 6 && flat[i + 4] >= 0 ? flat[i + 4] : Number.NaN;
      const text = Array.isArray(raw.texts) && typeof raw.texts[i / width] === 'string' ? keptText(raw.texts[i / width] as string) : '';
      s.templates.set(flat[i], { count: flat[i + 1], at: flat[i + 2], lastAlert: flat[i + 3], pending, firstTs: width === 6 ? flat[i + 5] : 0, text });
    }
    // Versions 1 and 2 kept no vocabulary: the source relearns it (until then no type is a recombination). Version 3 kept words.
    if (Array.isArray(raw.words))
      for (const w of raw.words as unknown[]) {
        if (!Array.isArray(w)) continue;
        const key = typeof w[0] === 'string' ? wordHash(w[0]) : typeof w[0] === 'number' && Number.isInteger(w[0]) ? w[0] : undefined;
        if (key !== undefined) s.words.set(key, num(w[1], 1));
      }
    const events = raw.events as number;
    // Version 1 kept no discovery rate: a source restored from it had a fixed warm-up behind it,
    // so it starts as settled as its event count allows (no new type among its recent events).
    const seenV1 = (1 - Math.pow(discoveryDecay, events)) / (1 - discoveryDecay);
    const group = Array.isArray(raw.group) ? (raw.group as unknown[]) : [];
    const fleet = Array.isArray(raw.fleet) ? (raw.fleet as unknown[]) : [];
    if (Array.isArray(raw.messages)) for (const m of raw.messages) if (typeof m === 'string') s.messages.set(m, true);
    s.events = events;
    s.total = raw.total as number;
    s.discovery = DiscoveryRate.from(raw.found, raw.seen, seenV1);
    s.groupAt = num(group[0], Number.NaN);
    s.groupRank = num(group[1], -1);
    s.groupIdx = num(group[2], events);
    s.fromFleet = num(fleet[0], 0);
    s.own = num(fleet[1], 0);
    s.ring = LineRing.from(cfg.context_lines, raw.lines, cfg.max_line_chars, raw.times);
    sources.push([raw.name as string, s]);
  }
  return { sources, data: d };
}
