import { describe, expect, it } from 'vitest';
import { parseSequencesCsv, parseTemplateIds, selectSplit, splitCsvLine } from './sequences.js';
import { Vectorizer } from './vectorize.js';

const CSV = [
  'BlockId,Split,Label,NumEvents,EventSequence',
  'blk_1,train,Normal,3,T5 T1 T2',
  'blk_2,train,Anomaly,2,T5 T8',
  'blk_3,test,Normal,3,T5 T1 T2',
  '',
].join('\n');

describe('sequences loader', () => {
  it('reads keys, template ids, labels and splits from a BlockId file', () => {
    const ds = parseSequencesCsv(CSV);
    expect(ds.sequences.map((s) => s.key)).toEqual(['blk_1', 'blk_2', 'blk_3']);
    expect(Array.from(ds.sequences[1].templates)).toEqual([5, 8]);
    expect(Array.from(ds.labels ?? [])).toEqual([0, 1, 0]);
    expect(selectSplit(ds, 'test').sequences.map((s) => s.key)).toEqual(['blk_3']);
  });

  it('accepts SessionId without Label or Split, numeric and loglizer-style ids', () => {
    const ds = parseSequencesCsv('SessionId,Extra,EventSequence\ns1,x,"[\'E5\', \'E22\']"\ns2,y,5 7 5\n');
    expect(ds.labels).toBeNull();
    expect(ds.splits).toBeNull();
    expect(Array.from(ds.sequences[0].templates)).toEqual([5, 22]);
    expect(Array.from(parseTemplateIds('5 7 5'))).toEqual([5, 7, 5]);
    expect(splitCsvLine('a,"b,""c""",d')).toEqual(['a', 'b,"c"', 'd']);
  });

  it('rejects a file without an EventSequence column', () => {
    expect(() => parseSequencesCsv('SessionId,Label\ns1,Normal\n')).toThrow(/EventSequence/);
  });

  it('never lets the label column reach fitting: flipping every label gives the same features', () => {
    const flipped = CSV.replace(/Normal/g, 'TMP').replace(/Anomaly/g, 'Normal').replace(/TMP/g, 'Anomaly');
    const a = parseSequencesCsv(CSV);
    const b = parseSequencesCsv(flipped);
    expect(Array.from(a.labels ?? [])).not.toEqual(Array.from(b.labels ?? []));
    for (const s of a.sequences) expect(Object.keys(s).sort()).toEqual(['key', 'templates']);
    const va = Vectorizer.fit(a.sequences, { tfidf: true });
    const vb = Vectorizer.fit(b.sequences, { tfidf: true });
    expect(vb.toJSON()).toEqual(va.toJSON());
    expect(Array.from(vb.transform(b.sequences).data)).toEqual(Array.from(va.transform(a.sequences).data));
  });
});
