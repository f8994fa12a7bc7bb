/**
 * @module features/vectorizer-format
 * What a vectorizer is made of, as data: its options (batch defaults and serve's count-window
 * options), its stored JSON, the count windows serve closes (`ClosedCounts`), the names of its
 * fixed columns, and the features of models stored before serve used the vectorizer (format 1 of
 * count-features.ts), read into today's format. No behaviour beyond that conversion.
 */
import { AnomalogError } from '../core/errors.js';
import type { MarkovJSON } from './markov.js';
import type { VocabularyJSON } from './vocabulary.js';

export interface VectorizerOptions {
  /** log1p on count columns before TF-IDF/scaling. */
  sublinear: boolean;
  /** Multiply count columns by smooth idf, ln((1+N)/(1+df)) + 1. */
  tfidf: boolean;
  scaling: 'none' | 'standard' | 'minmax';
  /**
   * Order awareness from template transitions (incl. start/end markers): `columns` = one count
   * column per transition seen at fit (the `maxBigrams` most frequent) plus an unseen-transition
   * column; `unseen` = only the count of transitions never seen at fit; `off` = none.
   */
  bigrams: 'off' | 'unseen' | 'columns';
  maxBigrams: number;
  /** Event count, distinct and distinct-unknown template counts. */
  extras: boolean;
  /** Largest and mean transition surprisal under a Markov model learned at fit (markov.ts). */
  markov: boolean;
}

export const DEFAULT_VECTORIZER_OPTIONS: VectorizerOptions = {
  sublinear: false,
  tfidf: false,
  scaling: 'standard',
  bigrams: 'unseen',
  maxBigrams: 4096,
  extras: true,
  markov: false,
};

export interface VectorizerJSON {
  version: 1;
  options: VectorizerOptions;
  vocabulary: VocabularyJSON;
  bigrams: number[];
  bigramDf: number[];
  idf: number[] | null;
  shift: number[] | null;
  scale: number[] | null;
  rawMean: number[];
  rawStd?: number[];
  markov?: MarkovJSON | null;
  /** Error/warn share columns are present (the training sequences carried levels). */
  levels?: boolean;
}

/** A closed count window (serve, count-windows.ts): what the model detector's reservoir keeps and scores. */
export interface ClosedCounts {
  key: string;
  start: number;
  end: number;
  /** Template ids (ascending) and their counts. */
  ids: number[];
  counts: number[];
  events: number;
  errors: number;
  warns: number;
}

/** How serve's count windows are vectorised (`fitCounts`): log1p counts, standard scaling, no transitions. */
export const COUNT_WINDOW_OPTIONS: VectorizerOptions = { sublinear: true, tfidf: false, scaling: 'standard', bigrams: 'off', maxBigrams: 0, extras: true, markov: false };

/**
 * The features of models the streaming model detector stored before it used this class (format 1
 * of count-features.ts): read by `fromJSON`, never written.
 */
export interface CountFeaturesJSON {
  version: 1;
  ids: number[];
  mean: number[];
  std: number[];
  rawMean: number[];
  rawStd: number[];
}

/** Names of the fixed columns (extras, Markov, level shares). */
export const EXTRA_NAMES = ['#events', '#distinct templates', '#new templates'];
export const MARKOV_NAMES = ['max transition surprisal', 'mean transition surprisal'];
export const LEVEL_NAMES = ['error share', 'warn share'];

/** The features of a model stored in format 1 of count-features.ts, as the vectorizer's format (same columns). */
export function countFeaturesToJSON(j: CountFeaturesJSON): VectorizerJSON {
  if (j.version !== 1 || !Array.isArray(j.ids)) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'The model features are malformed.');
  const cols = j.ids.length + 1 + EXTRA_NAMES.length + LEVEL_NAMES.length;
  const arr = (a: unknown) => {
    if (!Array.isArray(a) || a.length !== cols) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'The model feature statistics are malformed.');
    return a as number[];
  };
  return {
    version: 1,
    options: { ...COUNT_WINDOW_OPTIONS },
    vocabulary: { ids: j.ids, df: j.ids.map(() => 0), docs: 0 },
    bigrams: [],
    bigramDf: [],
    idf: null,
    shift: arr(j.mean),
    scale: arr(j.std),
    rawMean: arr(j.rawMean),
    rawStd: arr(j.rawStd),
    levels: true,
    markov: null,
  };
}
