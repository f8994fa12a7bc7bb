/**
 * @module cli/eval-detect
 * `anomalog eval detect`: P/R/F1/ROC-AUC per model under both protocols on labeled sessions.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { AnomalogError } from '../core/errors.js';
import type { ThresholdRule } from '../detectors/model/detector.js';
import { noveltyFrom } from './train.js';
import { BATCH_MODEL_KINDS, isBatchModelKind, type BatchModelKind } from '../detectors/model/models.js';
import { runBglEval } from '../eval/bgl-eval.js';
import { formatDetectReport, formatRows, runDetectEval, type DetectEvalReport, type Protocol } from '../eval/detect-eval.js';
import { parseDuration } from '../detectors/model/events.js';
import type { VectorizerOptions } from '../features/vectorize.js';
import { loadLibsvmWasm } from '../models/one-class-svm/index.js';
import { writeOut } from './output.js';

/** Where the labeled datasets are expected when --dataset is not given (the project's shared/ folder). */
export const DEFAULT_DETECT_DATASET = '../shared/datasets';

interface EvalDetectOptions {
  dataset: string;
  models: string;
  protocols: string;
  thresholds: string;
  risk: number;
  contamination: number;
  tfidf?: boolean;
  scaling: VectorizerOptions['scaling'];
  transitions: VectorizerOptions['bigrams'];
  markov?: boolean;
  novelty?: boolean | string;
  bgl: boolean;
  window: string;
  trainShare: number;
  json?: boolean;
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

export function registerEvalDetect(ev: Command): void {
  ev.command('detect')
    .description('Detection precision, recall, F1 and ROC-AUC per model, unsupervised and semi-supervised, on the held-back test split.')
    .option('--dataset <dir>', 'directory with hdfs/*.sessions.csv (or the CSV itself): BlockId,Split,Label,EventSequence', DEFAULT_DETECT_DATASET)
    .option('--models <list>', `comma-separated, from ${BATCH_MODEL_KINDS.join(', ')}`, BATCH_MODEL_KINDS.join(','))
    .option('--protocols <list>', 'unsupervised, semi-supervised', 'unsupervised,semi-supervised')
    .option('--thresholds <list>', 'label-free rules to report: auto, spot, contamination, model', 'auto,spot,contamination,model')
    .addOption(new Option('--risk <q>', 'SPOT false-alarm risk').default(1e-3).argParser(Number))
    .addOption(new Option('--contamination <c>', 'contamination quantile').default(0.03).argParser(Number))
    .option('--tfidf', 'TF-IDF weighting of template counts')
    .addOption(new Option('--scaling <kind>', 'column scaling').choices(['standard', 'minmax', 'none']).default('standard'))
    .addOption(new Option('--transitions <mode>', 'order features').choices(['unseen', 'columns', 'off']).default('unseen'))
    .option('--markov', 'add Markov transition-surprisal features')
    .option('--novelty [mode]', 'novelty gate: a session/window holding a template unseen at fit is anomalous whatever its score (any, severe: only unseen templates at error severity or worse, off)')
    .option('--no-bgl', 'skip the BGL raw-log evaluation (DIR/bgl/BGL_20k.log)')
    .option('--window <size>', 'BGL time-window size', '1h')
    .addOption(new Option('--train-share <x>', 'BGL time-ordered split: share of lines (earliest first) for training').default(0.8).argParser(Number))
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
HDFS (DIR/hdfs/*.sessions.csv): block sessions with the given train/test split.
BGL (DIR/bgl/BGL_20k.log): raw lines, label token stripped before parsing, fixed time windows on
event time (a window is anomalous iff it holds an alert line), time-ordered split.
Unsupervised: fit on the whole training split (anomalies included, labels unused).
Semi-supervised: fit on the normal sessions/windows of the training split. Both are scored on the test split.
Thresholds come from label-free rules only; test labels are used for the metrics and for the
"sequence ceiling" line (the best F1 any function of the event sequence can reach).
The data is Loghub's HDFS (Zhu et al., ISSRE 2023; Xu et al., SOSP 2009).

Examples:
  anomalog eval detect --dataset ../shared/datasets
  anomalog eval detect --models if,pca --thresholds spot --json`,
    )
    .action(async (o: EvalDetectOptions) => {
      const models = list(o.models);
      for (const m of models) if (!isBatchModelKind(m)) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `Unknown model '${m}'.`, { hint: `Use ${BATCH_MODEL_KINDS.join(', ')}.` });
      const protocols = list(o.protocols) as Protocol[];
      for (const p of protocols) if (p !== 'unsupervised' && p !== 'semi-supervised') throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `Unknown protocol '${p}'.`);
      const thresholds: ThresholdRule[] = list(o.thresholds).map((t) => {
        if (t === 'auto') return { rule: 'auto', q: o.risk, level: 0.98, contamination: o.contamination };
        if (t === 'spot') return { rule: 'spot', q: o.risk, level: 0.98 };
        if (t === 'contamination') return { rule: 'contamination', contamination: o.contamination };
        if (t === 'model') return { rule: 'model' };
        throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `Unknown threshold rule '${t}'.`, { hint: 'Use auto, spot, contamination or model.' });
      });
      const svmEngine = models.some((m) => m === 'ocsvm' || m === 'ensemble') ? await loadLibsvmWasm() : undefined;
      const common = {
        models: models as BatchModelKind[],
        protocols,
        thresholds,
        features: { tfidf: Boolean(o.tfidf), scaling: o.scaling, bigrams: o.transitions, markov: Boolean(o.markov) },
        modelDeps: { svmEngine },
        novelty: noveltyFrom(o.novelty),
        onRow: (r: { dataset: string; protocol: string; model: string; threshold: string; f1: number }) => {
          if (process.stderr.isTTY) process.stderr.write(`${r.dataset} ${r.protocol} ${r.model} ${r.threshold}: F1 ${r.f1.toFixed(3)}\n`);
        },
      };
      const dataset = resolve(o.dataset);
      const hdfs: DetectEvalReport = runDetectEval({ ...common, dataset });
      const bglFile = join(dataset, 'bgl', 'BGL_20k.log');
      const isDir = existsSync(dataset) && statSync(dataset).isDirectory();
      const bgl = o.bgl && isDir && existsSync(bglFile) ? runBglEval({ ...common, file: bglFile, windowMs: parseDuration(o.window), trainShare: o.trainShare }) : null;
      if (o.json) {
        writeOut(JSON.stringify({ hdfs, bgl }, null, 2) + '\n');
        return;
      }
      writeOut(`## HDFS block sessions\n\n${formatDetectReport(hdfs)}\n`);
      if (bgl) writeOut(`\n## BGL time windows\n\n${bgl.summary}\n\n${formatRows(bgl.rows)}\n`);
    });
}
