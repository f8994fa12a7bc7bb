/**
 * @module detectors/novelty/finding
 * A novelty finding as a person reads it: title, severity, explanation, the source's recent lines,
 * and an id that is the same for the same template, kind and time bucket (one anomaly per bucket).
 */
import type { Anomaly, LogEvent, Severity } from '../../core/event.js';
import { anomalyId, clip, type LevelClass, rawOf } from '../shared/common.js';
import type { NoveltyConfig } from './config.js';
import type { SourceState } from './state.js';

export type FindingKind = 'new' | 'message' | 'rare';

export interface FindingFacts {
  what: FindingKind;
  /** Decayed count before this event (rare); 0 otherwise. */
  prior: number;
  severity: Severity;
  score: number;
  /** Bits of the discovery rate alone: below `min_surprise_bits` the source is still learning. */
  bits: number;
  cls: LevelClass;
  /** Prompt sightings that made a burst (1: reported at first sight). */
  sightings: number;
}

export function noveltyFinding(cfg: NoveltyConfig, e: LogEvent, source: string, s: SourceState, tid: number, f: FindingFacts): Anomaly {
  const { what, prior, bits, cls, sightings } = f;
  const bucketMs = cfg.bucket_seconds * 1000;
  const ts = Number.isFinite(e.ts) ? e.ts : 0;
  const bucket = Math.floor(ts / bucketMs);
  const template = typeof e.template === 'string' && e.template !== '' ? e.template : rawOf(e);
  const level = typeof e.level === 'string' && e.level !== '' ? e.level : undefined;
  const lvl = level ? ` (level ${level})` : cls === 'fatal' || cls === 'error' ? ` (reads as ${cls === 'fatal' ? 'fatal' : 'an error'})` : '';
  const settled = what === 'rare' ? '' : bits >= cfg.min_surprise_bits ? '' : ', while the source is still learning';
  let title: string;
  const times = sightings > 1 ? `, ${sightings} times within ${cfg.bucket_seconds} s` : '';
  if (what === 'new') title = `New message type on ${source}: '${clip(template)}'${lvl}${times}${settled}.`;
  else if (what === 'message') {
    const message = typeof e.message === 'string' && e.message !== '' ? e.message : rawOf(e);
    title = `New message on ${source}: '${clip(message)}', a never-seen variant of '${clip(template, 80)}'${lvl}${settled}.`;
  } else title = `Rare message type on ${source}: '${clip(template)}' seen about ${Math.round(prior)} times in the last ${cfg.rare_half_life_events} events${lvl}.`;
  const feature = what === 'new' ? 'new_template' : what === 'message' ? 'new_message' : 'rare_template';
  return {
    id: anomalyId('novelty', source, what === 'message' ? `${tid}:message:${(e.novel?.words ?? []).join(' ')}` : `${tid}:${what}`, bucket),
    ts,
    source,
    detector: 'novelty',
    score: f.score,
    severity: f.severity,
    title,
    explanation: [{ feature, templateId: tid, template, observed: 1, expected: what === 'rare' ? prior : Math.pow(2, -bits), contribution: f.score }],
    context: s.ring.toArray(ts),
    window: { start: bucket * bucketMs, end: (bucket + 1) * bucketMs },
    templateId: tid,
  };
}
