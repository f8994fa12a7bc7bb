/**
 * @module bench/bgl-split
 * The BGL_20k (Loghub) time-ordered 60/40 split of issue 14's batch target, shared by
 * bench/batch-defaults.bench.ts and bench/bgl-peers.bench.ts: lines sorted by their epoch seconds
 * (the file is not in time order: its last ~2,300 lines are from June), the label token stripped,
 * the first 60 % of lines written to a train file and the rest to a test file. The labels stay
 * here: a window is anomalous iff it holds an alert line (label token other than '-').
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Loghub BGL header layout (after the label token is stripped). */
export const BGL_LAYOUT = '<Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>';

export interface BglSplit {
  trainFile: string;
  testFile: string;
  /** Test window start (epoch ms, windows of `windowMs` aligned to the epoch) → 1 if it holds an alert line. */
  testLabels: Map<number, number>;
}

export function writeBglSplit(datasetDir: string, outDir: string, windowMs = 3_600_000, trainShare = 0.6): BglSplit {
  mkdirSync(outDir, { recursive: true });
  const lines = readFileSync(join(datasetDir, 'bgl/BGL_20k.log'), 'utf8').split('\n').filter((l) => l.length > 0);
  const ts = (l: string) => Number(l.split(' ')[1]);
  const sorted = lines.map((l, i) => [l, i] as const).sort((a, b) => ts(a[0]) - ts(b[0]) || a[1] - b[1]).map((x) => x[0]);
  const cut = Math.floor(sorted.length * trainShare);
  const strip = (l: string) => l.slice(l.indexOf(' ') + 1);
  const trainFile = join(outDir, 'bgl-train.log');
  const testFile = join(outDir, 'bgl-test.log');
  writeFileSync(trainFile, sorted.slice(0, cut).map(strip).join('\n') + '\n');
  writeFileSync(testFile, sorted.slice(cut).map(strip).join('\n') + '\n');
  const testLabels = new Map<number, number>();
  for (const l of sorted.slice(cut)) {
    const k = Math.floor((ts(l) * 1000) / windowMs) * windowMs;
    testLabels.set(k, Math.max(testLabels.get(k) ?? 0, l.startsWith('- ') ? 0 : 1));
  }
  return { trainFile, testFile, testLabels };
}
