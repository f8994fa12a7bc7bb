import { describe, expect, it } from 'vitest';
import { errorCode as code } from '../../test/harness/errors.js';
import { loadSessions } from '../../test/fixtures/hdfs/sessions.js';
import { MODEL_KINDS, createModel, modelFromJSON } from './index.js';
import type { ModelKind } from './index.js';

const s = loadSessions();


describe('createModel / modelFromJSON', () => {
  for (const kind of MODEL_KINDS) {
    it(`creates, fits and reloads '${kind}' through the kind map with identical scores`, () => {
      const model = createModel(kind as ModelKind);
      expect(model.kind).toBe(kind);
      model.fit(s.X);
      const art = JSON.parse(JSON.stringify(model.toJSON()));
      expect(art.kind).toBe(kind);
      const copy = modelFromJSON(art);
      expect(copy.kind).toBe(kind);
      expect(Array.from(copy.score(s.X))).toEqual(Array.from(model.score(s.X)));
      expect(copy.threshold).toBe(model.threshold);
      expect(copy.trainingStats).toEqual(model.trainingStats);
    });
  }

  it('passes options to the model schema', () => {
    expect(createModel('if', { n_trees: 3 }).options.n_trees).toBe(3);
    expect(code(() => createModel('pca', { variance: 0 }))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
  });

  it('rejects unknown kinds', () => {
    expect(code(() => createModel('lof' as ModelKind))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(code(() => modelFromJSON({ kind: 'lof', version: 1, params: {} }))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(code(() => modelFromJSON('if'))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(code(() => modelFromJSON({ kind: 'toString', version: 1 }))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
  });
});
