/**
 * @module detectors/model/sequence-models
 * Models that score template-id sequences rather than feature vectors — today `next`, the
 * count-based next-event model (models/next-event) — wrapped so the batch detector can hold them
 * where it holds a vector model. Only the batch detector (`anomalog train --model next`) uses them:
 * the serve-side `model` detector keeps to vector models, the streaming `sequence` detector uses
 * the next-event model directly.
 */
import { AnomalogError } from '../../core/errors.js';
import type { FeatureContribution, Matrix, Model, ModelArtifact } from '../../core/model.js';
import { END, NEXT_EVENT_KIND, NextEventModel, type NextEventOptions } from '../../models/next-event/index.js';

export const SEQUENCE_KINDS = Object.freeze([NEXT_EVENT_KIND] as const);
export type SequenceKind = (typeof SEQUENCE_KINDS)[number];

export function isSequenceKind(k: unknown): k is SequenceKind {
  return typeof k === 'string' && (SEQUENCE_KINDS as readonly string[]).includes(k);
}

/** A missed event, for explanations. */
export interface Miss {
  position: number;
  /** Template id, or −2 for the session end. */
  template: number;
  expected: number[];
}

/** A sequence model in the batch detector's `Model` slot; the vector methods refuse. */
export class SequenceModel implements Model {
  constructor(readonly inner: NextEventModel) {}

  get kind(): string {
    return this.inner.kind;
  }

  /** The model's own threshold (next-event: 0.5, one missed event). */
  get threshold(): number {
    return this.inner.threshold;
  }

  fitSequences(seqs: ReadonlyArray<ArrayLike<number>>): void {
    this.inner.fitSequences(seqs);
  }

  scoreSequences(seqs: ReadonlyArray<ArrayLike<number>>): Float64Array {
    return this.inner.scoreSequences(seqs);
  }

  misses(seq: ArrayLike<number>): Miss[] {
    return this.inner.explainSequence(seq);
  }

  fit(_X: Matrix): void {
    throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `The ${this.kind} model scores event sequences, not feature vectors.`);
  }

  score(_X: Matrix): Float64Array {
    throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `The ${this.kind} model scores event sequences, not feature vectors.`);
  }

  explain(_x: Float64Array): FeatureContribution[] {
    return [];
  }

  toJSON(): ModelArtifact {
    return this.inner.toJSON();
  }
}

export function isSequenceModel(m: Model): m is SequenceModel {
  return m instanceof SequenceModel;
}

export function createSequenceModel(kind: SequenceKind, options?: NextEventOptions): SequenceModel {
  if (kind !== NEXT_EVENT_KIND) throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `Unknown sequence model kind ${JSON.stringify(kind)}.`);
  return new SequenceModel(new NextEventModel(options));
}

export function restoreSequenceModel(a: ModelArtifact): SequenceModel {
  return new SequenceModel(NextEventModel.fromJSON(a));
}

/** `T8 after T1 (expected T2, T3)` or `end after T1 (expected …)`. */
export function describeMiss(m: Miss, before: number | undefined): string {
  const name = (t: number) => (t === END ? 'end' : t === -1 ? 'start' : `T${t}`);
  const after = before === undefined ? 'at start' : `after ${name(before)}`;
  return `${name(m.template)} ${after} (expected ${m.expected.length ? m.expected.map(name).join(', ') : 'nothing learned'})`;
}
