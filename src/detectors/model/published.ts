/**
 * @module detectors/model/published
 * A trained model as it travels on the compacted models topic (`anomalog models publish`, read by
 * every `anomalog worker` with the model detector on): an envelope naming its scope (one source,
 * or `default` for every source without one of its own), a version and a digest, around a
 * streaming-model artifact that carries the windows it was trained on and the text of its
 * vocabulary's templates (so a worker whose miner numbered the same templates differently can map
 * them, `remap.ts`).
 *
 * Published models are input like any other: the value is bounded (gzipped and unpacked), parsed
 * with zod, its digest checked, the model restored and scored once on an empty window, and its
 * windows compared with the detector's — anything else is refused with an `AnomalogError` naming
 * what is wrong (`ANOMALOG_ERR_MODEL_REFUSED`), which the worker counts and logs.
 * @example
 * const value = encodePublished(publishedModel(artifact, { scope: 'source:web-1', version: 3 }));
 * const p = decodePublished(value);          // throws on anything malformed
 * checkCompatible(p, detectorWindowSpec);    // throws when the windows differ
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { AnomalogError } from '../../core/errors.js';
import type { WindowSpec } from '../../features/count-windows.js';
import { MODEL_KINDS } from './models.js';
import { STREAM_MODEL_FORMAT, STREAM_MODEL_VERSION, type StreamModelArtifact, TrainedModel } from './training.js';

export const PUBLISHED_MODEL_FORMAT = 'anomalog-published-model';
export const PUBLISHED_MODEL_VERSION = 1;
/** Largest record on the models topic (gzipped); the topic is created with this `max.message.bytes`. */
export const MAX_PUBLISHED_BYTES = 16 << 20;
/** Largest unpacked JSON of one published model (a gzip bomb is refused before it is parsed). */
export const MAX_PUBLISHED_JSON_BYTES = 64 << 20;
/** Columns a model may have (`max_vocabulary` ≤ 5000, plus the fixed columns). */
const MAX_COLUMNS = 6000;
const MAX_SOURCE_CHARS = 200;

/** Who a published model is for: one source, or every source without a model of its own. */
export type ModelScope = 'default' | `source:${string}`;

export interface PublishedModel {
  format: typeof PUBLISHED_MODEL_FORMAT;
  version: typeof PUBLISHED_MODEL_VERSION;
  /** The detector it is for (the only one today: the streaming `model` detector). */
  detector: 'model';
  scope: ModelScope;
  /** Its version on the topic (the publisher's: the latest for its key + 1, unless given). */
  modelVersion: number;
  /** `sha256:<hex>` of the artifact's JSON. */
  digest: string;
  publishedAt: number;
  artifact: StreamModelArtifact;
}

/** What anomalies and snapshots record of a published model. */
export interface PublishedRef {
  scope: ModelScope;
  version: number;
  digest: string;
}

/** The record key on the models topic: detector + scope (compaction keeps the latest per key). */
export function publishedKey(scope: ModelScope): string {
  return `model:${scope}`;
}

/** `default`, or `source:NAME` (checked: a name of at most 200 characters). */
export function parseScope(s: string): ModelScope {
  if (s === 'default') return 'default';
  if (s.startsWith('source:') && s.length > 7 && s.length - 7 <= MAX_SOURCE_CHARS) return s as ModelScope;
  throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `A model scope is "default" or "source:NAME" (NAME at most ${MAX_SOURCE_CHARS} characters), got ${JSON.stringify(s.slice(0, 100))}.`);
}

export function digestOf(artifact: StreamModelArtifact): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(artifact)).digest('hex')}`;
}

/** The envelope of `artifact` for `scope` at `version` (the artifact's own `modelVersion` is set to it). */
export function publishedModel(artifact: StreamModelArtifact, o: { scope: ModelScope; version: number; at: number }): PublishedModel {
  if (!artifact.windowing) throw refused('the artifact does not say which windows it was trained on (train it with `anomalog models train`)');
  if (!artifact.templates) throw refused('the artifact has no template texts (train it with `anomalog models train`)');
  const a: StreamModelArtifact = { ...artifact, modelVersion: o.version };
  return { format: PUBLISHED_MODEL_FORMAT, version: PUBLISHED_MODEL_VERSION, detector: 'model', scope: o.scope, modelVersion: o.version, digest: digestOf(a), publishedAt: o.at, artifact: a };
}

/** The record value: gzipped JSON, refused when it exceeds `maxBytes`. */
export function encodePublished(p: PublishedModel, maxBytes = MAX_PUBLISHED_BYTES): Buffer {
  const json = JSON.stringify(p);
  if (json.length > MAX_PUBLISHED_JSON_BYTES) throw refused(`the model is ${mib(json.length)} as JSON; at most ${mib(MAX_PUBLISHED_JSON_BYTES)} is read`);
  const value = gzipSync(json);
  if (value.length > maxBytes) {
    throw new AnomalogError('ANOMALOG_ERR_MODEL_REFUSED', `The model is ${mib(value.length)} gzipped; the models topic takes at most ${mib(maxBytes)} per record.`, {
      hint: 'Train with a smaller detectors.model.max_vocabulary or reservoir_size, or a smaller model kind (if, pca).',
    });
  }
  return value;
}

const windowSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('time'), size_ms: z.number().positive() }).strict(),
  z
    .object({
      mode: z.literal('session'),
      key_regex: z.string().max(500).optional(),
      key_field: z.string().max(200).optional(),
      inactivity_ms: z.number().positive(),
      max_duration_ms: z.number().positive(),
      max_open: z.number().int().positive(),
    })
    .strict(),
]);

const columns = z.array(z.number()).max(MAX_COLUMNS);

/** The artifact's outer shape; the features, model and threshold are checked by restoring them. */
const artifactSchema = z
  .object({
    format: z.literal(STREAM_MODEL_FORMAT),
    version: z.literal(STREAM_MODEL_VERSION),
    source: z.string().max(1000),
    modelVersion: z.number().int().min(1),
    modelKind: z.enum(MODEL_KINDS),
    features: z.record(z.string(), z.unknown()),
    model: z.looseObject({ kind: z.string().max(50), version: z.number() }),
    threshold: z.looseObject({ kind: z.string().max(50) }),
    templates: z.record(z.string().regex(/^-?\d{1,12}$/), z.string().max(10_000)).refine((t) => Object.keys(t).length <= MAX_COLUMNS, 'at most 6000 template texts'),
    range: z.object({ min: columns, max: columns }).strict().refine((r) => r.min.length === r.max.length, 'range.min and range.max differ in length'),
    training: z.looseObject({ windows: z.number().int().min(0), templates: z.number().int().min(0), columns: z.number().int().min(0), flagged: z.number().int().min(0), scores: z.record(z.string(), z.unknown()) }),
    windowing: windowSchema,
  })
  .strict();

const envelopeSchema = z
  .object({
    format: z.literal(PUBLISHED_MODEL_FORMAT),
    version: z.literal(PUBLISHED_MODEL_VERSION),
    detector: z.literal('model'),
    scope: z.string().regex(/^(default|source:[\s\S]{1,200})$/),
    modelVersion: z.number().int().min(1),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    publishedAt: z.number().int().min(0),
    artifact: z.unknown(),
  })
  .strict();

/** A published model read back, with its model restored once (shared by every source it serves). */
export interface ReceivedModel {
  published: PublishedModel;
  model: TrainedModel;
}

/** Reads a record value of the models topic; throws `ANOMALOG_ERR_MODEL_REFUSED` naming what is wrong. */
export function decodePublished(value: Buffer, maxBytes = MAX_PUBLISHED_BYTES): ReceivedModel {
  if (value.length > maxBytes) throw refused(`the record is ${mib(value.length)}; at most ${mib(maxBytes)} is read`);
  let json: string;
  try {
    json = gunzipSync(value, { maxOutputLength: MAX_PUBLISHED_JSON_BYTES }).toString('utf8');
  } catch (e) {
    throw refused(`the value is not gzipped JSON of at most ${mib(MAX_PUBLISHED_JSON_BYTES)} (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw refused('the value is not JSON');
  }
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) throw refused(`the envelope is not a published model: ${issues(env.error)}`);
  const art = artifactSchema.safeParse(env.data.artifact);
  if (!art.success) throw refused(`the artifact is malformed: ${issues(art.error)}`);
  const artifact = env.data.artifact as StreamModelArtifact;
  if (artifact.modelVersion !== env.data.modelVersion) throw refused(`the artifact says version ${artifact.modelVersion}, the envelope ${env.data.modelVersion}`);
  if (digestOf(artifact) !== env.data.digest) throw refused('the digest does not match the artifact');
  let model: TrainedModel;
  try {
    model = TrainedModel.fromArtifact(artifact);
    if (artifact.range.min.length !== model.features.columns) throw new Error(`the range has ${artifact.range.min.length} columns, the features ${model.features.columns}`);
    // One score of an empty window: a model whose parts do not fit together fails here, not on live windows.
    const s = model.score({ key: '', start: 0, end: 1, ids: [], counts: [], events: 0, errors: 0, warns: 0 });
    if (Number.isNaN(s.score)) throw new Error('it scores NaN');
  } catch (e) {
    throw refused(`the model cannot be used: ${(e as Error).message}`);
  }
  return { published: { ...(env.data as Omit<PublishedModel, 'artifact'>), artifact }, model };
}

/** Throws when the model was trained on other windows than the detector counts (`spec`). */
export function checkCompatible(p: PublishedModel, spec: WindowSpec): void {
  const w = p.artifact.windowing as WindowSpec;
  const same =
    w.mode === spec.mode &&
    (w.mode === 'time'
      ? w.size_ms === (spec as { size_ms: number }).size_ms
      : spec.mode === 'session' && w.key_regex === spec.key_regex && w.key_field === spec.key_field && w.inactivity_ms === spec.inactivity_ms && w.max_duration_ms === spec.max_duration_ms);
  if (!same) throw refused(`it was trained on ${describeWindows(w)}; this worker's model detector counts ${describeWindows(spec)}`);
}

export function describeWindows(w: WindowSpec): string {
  return w.mode === 'time' ? `${w.size_ms / 1000} s windows` : `sessions (${w.key_regex !== undefined ? `key_regex ${JSON.stringify(w.key_regex)}` : `key_field ${String(w.key_field)}`}, inactivity ${w.inactivity_ms / 1000} s)`;
}

export function refOf(p: PublishedModel): PublishedRef {
  return { scope: p.scope, version: p.modelVersion, digest: p.digest };
}

function refused(why: string): AnomalogError {
  return new AnomalogError('ANOMALOG_ERR_MODEL_REFUSED', `A published model was refused: ${why}.`);
}

function issues(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
    .join('; ');
}

function mib(n: number): string {
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}
