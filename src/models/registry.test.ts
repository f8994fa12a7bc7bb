import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensembleConfigSchema } from './ensemble/index.js';
import { FEATURE_MODEL_KINDS, MODEL_KINDS, MODELS, readsCounts } from './registry.js';
import { BASE_KINDS, BATCH_MODEL_KINDS, MODEL_KINDS as DETECTOR_KINDS } from '../detectors/model/models.js';
import { modelDetectorConfigSchema } from '../detectors/model/config.js';

describe('model registry (models/registry.ts)', () => {
  it('has one entry per model folder, keyed by the kind its definition declares', () => {
    const folders = readdirSync(new URL('.', import.meta.url), { withFileTypes: true })
      // next-event scores template sequences, not vectors: the batch detector's sequence kinds (detectors/model/sequence-models.ts).
      .filter((d) => d.isDirectory() && !['threshold', 'ensemble', 'next-event'].includes(d.name))
      .map((d) => d.name);
    expect(Object.keys(MODELS)).toHaveLength(folders.length);
    for (const [kind, def] of Object.entries(MODELS)) expect(def.kind).toBe(kind);
  });

  it('is where every list of kinds comes from, in its order', () => {
    expect(MODEL_KINDS).toEqual(['if', 'pca', 'ae', 'ocsvm', 'invariants']);
    // invariants reads raw template counts: not an ensemble member, not a serve model-detector choice; a batch model.
    expect(MODEL_KINDS.filter(readsCounts)).toEqual(['invariants']);
    expect(FEATURE_MODEL_KINDS).toEqual(['if', 'pca', 'ae', 'ocsvm']);
    expect(BASE_KINDS).toEqual(FEATURE_MODEL_KINDS);
    expect(DETECTOR_KINDS).toEqual([...FEATURE_MODEL_KINDS, 'ensemble']);
    expect(BATCH_MODEL_KINDS).toEqual([...FEATURE_MODEL_KINDS, 'ensemble', 'invariants', 'next']);
    expect(ensembleConfigSchema.parse({}).members).toEqual(FEATURE_MODEL_KINDS);
    for (const kind of DETECTOR_KINDS) expect(modelDetectorConfigSchema.parse({ model: kind }).model).toBe(kind);
    expect(() => modelDetectorConfigSchema.parse({ model: 'nope' })).toThrow();
  });
});
