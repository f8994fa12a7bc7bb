/**
 * @module cli/train
 * `anomalog train`: fit features, a model and a label-free threshold on unlabeled sessions or
 * windows, and write one versioned JSON artifact.
 */
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { AnomalogError } from '../core/errors.js';
import { DEFAULT_MODEL, SequenceDetector, type NoveltyGate, type ThresholdRule } from '../detectors/model/detector.js';
import { collectWindows } from '../detectors/model/events.js';
import { BATCH_MODEL_KINDS, isBatchModelKind, type BatchModelKind, type ModelOptions } from '../detectors/model/models.js';
import type { VectorizerOptions } from '../features/vectorize.js';
import { addModelInputOptions, parseFiles, sequencesFrom, windowingFrom, type ModelInputOptions } from './model-input.js';

export interface TrainCliOptions extends ModelInputOptions {
  model?: string;
  output: string;
  threshold: 'auto' | 'spot' | 'contamination' | 'model';
  risk: number;
  contamination: number;
  tfidf?: boolean;
  sublinear?: boolean;
  scaling: VectorizerOptions['scaling'];
  transitions: VectorizerOptions['bigrams'];
  markov?: boolean;
  novelty?: boolean | string;
  modelOptions?: string;
}

function num(flag: string, lo: number, hi: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n > lo && n < hi)) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `${flag} must be in (${lo}, ${hi}), got '${v}'.`);
    return n;
  };
}

export function thresholdRuleFrom(o: Pick<TrainCliOptions, 'threshold' | 'risk' | 'contamination'>): ThresholdRule {
  if (o.threshold === 'auto') return { rule: 'auto', q: o.risk, level: 0.98, contamination: o.contamination };
  if (o.threshold === 'contamination') return { rule: 'contamination', contamination: o.contamination };
  if (o.threshold === 'model') return { rule: 'model' };
  return { rule: 'spot', q: o.risk, level: 0.98 };
}

export function featureOptionsFrom(o: TrainCliOptions): Partial<VectorizerOptions> {
  return { tfidf: Boolean(o.tfidf), sublinear: Boolean(o.sublinear), scaling: o.scaling, bigrams: o.transitions, markov: Boolean(o.markov) };
}

/** `--novelty` alone = any unseen template; `--novelty severe`; `--novelty off`. */
export function noveltyFrom(v: boolean | string | undefined, fallback: NoveltyGate = false): NoveltyGate {
  if (v === undefined) return fallback;
  if (v === true || v === 'any') return 'any';
  if (v === 'severe') return 'severe';
  if (v === false || v === 'off') return false;
  throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `--novelty takes any, severe or off, got '${String(v)}'.`, {
    hint: 'A log file right after a bare --novelty is read as its mode: write --novelty any, or put the files first.',
  });
}

function modelOptionsFrom(text: string | undefined): ModelOptions {
  if (!text) return {};
  try {
    return JSON.parse(text) as ModelOptions;
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `--model-options is not valid JSON: ${(e as Error).message}`, { hint: `e.g. '{"if":{"n_trees":200,"seed":7}}'` });
  }
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('Learn what normal looks like from unlabeled logs or sessions and save the model.')
    .argument('[files...]', 'log files (with --session-key, --session-field or --window)')
    .addOption(new Option('-m, --model <kind>', `model (default: ${DEFAULT_MODEL.model} with --novelty ${DEFAULT_MODEL.novelty})`).choices([...BATCH_MODEL_KINDS]))
    .requiredOption('-o, --output <file>', 'where to write the model artifact (JSON)')
    .addOption(
      new Option('--threshold <rule>', 'label-free threshold: auto (SPOT on a continuous score tail, the contamination quantile on a tied one), EVT/SPOT for a false-alarm risk, a contamination quantile, or the model’s own (PCA Q-statistic, IF 0.5, OCSVM 0)')
        .choices(['auto', 'spot', 'contamination', 'model'])
        .default('auto'),
    )
    .addOption(new Option('--risk <q>', 'SPOT false-alarm risk per session/window (spot, auto)').default(1e-3).argParser(num('--risk', 0, 0.02)))
    .addOption(new Option('--contamination <c>', 'expected share of anomalies (contamination, auto on tied scores)').default(0.03).argParser(num('--contamination', 0, 0.5)))
    .option('--tfidf', 'weight template counts by inverse document frequency')
    .option('--sublinear', 'log1p template counts')
    .addOption(new Option('--scaling <kind>', 'column scaling learned at fit').choices(['standard', 'minmax', 'none']).default('standard'))
    .addOption(new Option('--transitions <mode>', 'order features: count of transitions unseen at fit, one column per transition, or none').choices(['unseen', 'columns', 'off']).default('unseen'))
    .option('--markov', 'add max/mean transition surprisal under a Markov model of template order')
    .option('--novelty [mode]', 'novelty gate: a session/window holding a template unseen at training is anomalous whatever its score; mode any (the default of the flag), severe (only unseen templates logged at error or worse; any when the input has no levels) or off')
    .option('--model-options <json>', 'per-model options, e.g. \'{"if":{"n_trees":200,"seed":7},"ocsvm":{"nu":0.05}}\'');
  addModelInputOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Labels are never used: a Label column in --sequences is ignored for fitting.
Without --model: the autoencoder with --novelty severe; without --threshold: auto.

Examples:
  anomalog train --sequences ../shared/datasets/hdfs/HDFS_100k.sessions.csv --split train -o model.json
  anomalog train --sequences ../shared/datasets/hdfs/HDFS_100k.sessions.csv --split train --model if -o model.json
  anomalog train --sequences sessions.csv --model ensemble --threshold contamination --contamination 0.03 -o model.json
  anomalog train HDFS.log --format '<Date> <Time> <Pid> <Level> <Component>: <Content>' --session-key 'blk_-?\\d+' --model pca -o model.json
  anomalog train app.log --window 10m,1m --model ae -o model.json
  anomalog train bgl.log --window 1h --model pca --novelty -o model.json`,
  );
  cmd.action(async (files: string[], o: TrainCliOptions) => {
    const model = o.model ?? DEFAULT_MODEL.model;
    if (!isBatchModelKind(model)) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `Unknown model ${model}.`);
    const novelty = noveltyFrom(o.novelty, o.model === undefined ? DEFAULT_MODEL.novelty : false);
    const opts = { model: model as BatchModelKind, threshold: thresholdRuleFrom(o), features: featureOptionsFrom(o), modelOptions: modelOptionsFrom(o.modelOptions), novelty };
    let det: SequenceDetector;
    let parser: unknown;
    if (o.sequences) {
      if (files.length) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', 'Give either --sequences or log files, not both.');
      det = SequenceDetector.train(sequencesFrom(o), { ...opts, windowing: { mode: 'sequences' } });
    } else {
      const w = windowingFrom(o);
      if (!w) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', 'Log files need --session-key, --session-field or --window.', { hint: "e.g. --session-key 'blk_-?\\d+' or --window 1h" });
      const parsed = await parseFiles(files, o);
      const windows = await collectWindows(parsed.batches, w);
      // A model learns from many normal examples; two is the least any of them can fit.
      if (windows.length < 2) {
        const what = o.window ? `window of ${o.window}` : 'session';
        throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `The training input holds ${windows.length === 0 ? 'no' : 'only one'} closed ${what}; a model needs at least two (dozens to be useful).`, {
          hint: o.window ? 'Use a shorter --window, or train on more log.' : 'Check --session-key/--session-field against the lines, or train on more log.',
        });
      }
      det = SequenceDetector.train(windows, { ...opts, windowing: { ...w, format: o.format ?? null, multiline: o.multiline } });
      parser = parsed.minerState;
    }
    const artifact = { ...det.toJSON(), ...(parser === undefined ? {} : { parser }) };
    writeFileSync(o.output, JSON.stringify(artifact));
    const t = det.training;
    process.stderr.write(
      `anomalog: trained ${det.kind}${novelty ? ` with the ${novelty === 'severe' ? 'severe ' : ''}novelty gate` : ''} on ${t.sessions} sessions/windows (${t.templates} templates, ${t.columns} features); ` +
        `threshold ${o.threshold === 'auto' ? `auto → ${det.threshold.kind}` : det.threshold.kind} ${det.threshold.threshold.toPrecision(4)} flags ${t.flagged} of them. Wrote ${o.output}.\n`,
    );
  });
}
