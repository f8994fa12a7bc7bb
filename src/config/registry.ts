/**
 * @module config/registry
 * The one explicit map from component `type` to its definition. Adding a component means one folder
 * and one line here (STYLE.md §2).
 */
import type { ComponentContext, ComponentDefinition } from '../core/component.js';
import type { StreamDetector } from '../core/detector.js';
import type { Sink } from '../core/sink.js';
import type { Source } from '../core/source.js';
import { definition as invariantsDetector } from '../detectors/invariants/index.js';
import { definition as modelDetector } from '../detectors/model/index.js';
import { definition as noveltyDetector } from '../detectors/novelty/index.js';
import { definition as paramsDetector } from '../detectors/params/index.js';
import { definition as rateDetector } from '../detectors/rate/index.js';
import { definition as sequenceDetector } from '../detectors/sequence/index.js';
import { definition as watchDetector } from '../detectors/watch/index.js';
import { definition as alertmanagerSink } from '../sinks/alertmanager/index.js';
import { definition as fileSink } from '../sinks/file/index.js';
import { definition as slackSink } from '../sinks/slack/index.js';
import { definition as webhookSink } from '../sinks/webhook/index.js';
import { definition as fileTailSource } from '../sources/file-tail/index.js';
import { definition as httpSource } from '../sources/http/index.js';
import { definition as kafkaSource } from '../sources/kafka/index.js';
import { definition as stdinSource } from '../sources/stdin/index.js';
import { definition as syslogSource } from '../sources/syslog/index.js';

// Definitions differ in config type; the schema validates each before `build` sees it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDefinition<T> = ComponentDefinition<any, T>;

export const SOURCES = {
  file_tail: fileTailSource,
  http: httpSource,
  kafka: kafkaSource,
  stdin: stdinSource,
  syslog: syslogSource,
} as const satisfies Record<string, AnyDefinition<Source>>;

export const DETECTORS = {
  novelty: noveltyDetector,
  rate: rateDetector,
  params: paramsDetector,
  model: modelDetector,
  sequence: sequenceDetector,
  invariants: invariantsDetector,
  watch: watchDetector,
} as const satisfies Record<string, AnyDefinition<StreamDetector>>;

export const SINKS = {
  alertmanager: alertmanagerSink,
  slack: slackSink,
  webhook: webhookSink,
  file: fileSink,
} as const satisfies Record<string, AnyDefinition<Sink>>;

export type SourceType = keyof typeof SOURCES;
export type DetectorType = keyof typeof DETECTORS;
export type SinkType = keyof typeof SINKS;

/**
 * The enabled detectors of a `detectors` config section, built through the registry in its order
 * (`ctx` gives each its build context). Detector builds are synchronous.
 */
export function buildDetectors(section: Readonly<Record<string, { enabled: boolean }>>, ctx: (type: DetectorType) => ComponentContext): StreamDetector[] {
  const out: StreamDetector[] = [];
  for (const [type, entry] of Object.entries(section) as [DetectorType, { enabled: boolean } & Record<string, unknown>][]) {
    const { enabled, ...cfg } = entry;
    if (enabled) out.push(DETECTORS[type].build(cfg as never, ctx(type)) as StreamDetector);
  }
  return out;
}
