/**
 * @module core/event
 * The data that crosses every seam of the pipeline (DESIGN.md §2). Types only, no I/O.
 */
import type { Attrs } from './attrs.js';

/** Where a source can resume from: a file id + byte offset, or a Kafka partition + offset. */
export interface Cursor {
  readonly kind: 'file' | 'kafka' | 'stream';
  /** File identity (device:inode) or topic:partition. */
  readonly id: string;
  /** Byte offset or Kafka offset just past the record. */
  readonly offset: number;
}

/** One log record as extracted from its source and format (before template mining). */
export interface LogRecord {
  /** Event time in epoch ms (from the record when it has one, arrival time otherwise). */
  ts: number;
  source: string;
  level?: string;
  message: string;
  /** Structured fields: header fields of a layout, JSON keys, logfmt pairs, syslog parts. */
  fields?: Record<string, unknown>;
  raw: string;
  cursor?: Cursor;
  /** 1-based number of the first input line of this record (multi-line events span several). */
  line?: number;
  /** True when the record's time came from arrival, not from the line. */
  tsFromArrival?: boolean;
  /**
   * What the transport carried beside the text (`RawRecord.attrs`: Loki labels, OTLP attributes, HEC
   * metadata, the syslog connection), as the source gave it: kept by reference, bounded only when
   * stored (core/attrs.ts).
   */
  attrs?: Readonly<Record<string, unknown>>;
}

/** How a mined template changed with this event (Drain3's change types). */
export type TemplateChange = 'created' | 'updated' | 'none';

/** A record with its mined template. */
export interface LogEvent extends LogRecord {
  templateId: number;
  template: string;
  params: string[];
  change?: TemplateChange;
  /**
   * Set when the message was absorbed into an existing template although, as a message, it was never
   * seen before: the miner turned a constant word of the template into a wildcard for it
   * (`generalised`), or it put a never-seen value into a wildcard position that had only ever held a
   * handful of values (`new-value`). `words` are the message's words at those positions (bounded).
   * The novelty detector reports such events as first seen (issue 13: no silent generalisation).
   */
  novel?: { kind: 'generalised' | 'new-value'; words: string[] };
}

/** Severities, lowest first (a rank is an index here). */
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Contribution {
  feature: string;
  templateId?: number;
  template?: string;
  observed: number;
  expected: number;
  contribution: number;
}

/** A flagged deviation with enough context for a person to act on it. */
/** Which model scored an anomaly. */
export interface ModelRef {
  kind: string;
  version: number;
  /** A published model's scope (`default` or `source:NAME`) and `sha256:` digest; absent for a model the detector trained itself. */
  scope?: string;
  digest?: string;
}

export interface Anomaly {
  /** Deterministic: hash of detector + source + window/session + template. */
  id: string;
  ts: number;
  source: string;
  detector: string;
  score: number;
  severity: Severity;
  /** One human sentence. */
  title: string;
  explanation: Contribution[];
  context: string[];
  window?: { start: number; end: number };
  sessionKey?: string;
  templateId?: number;
  /**
   * The trained model that scored it (the `model` detector): its kind and version, and for a model
   * published on the models topic (`anomalog models publish`) its scope and digest. Carried on the
   * anomalies topic; the store keeps it in the title.
   */
  model?: ModelRef;
  /** Latest feedback verdict of a stored anomaly (`open` when none); set on reads from the store. */
  status?: AnomalyStatus;
  /**
   * The attributes of the record the anomaly is about (its template's latest record in the context),
   * or, for an anomaly about no one template, those every context record shares (core/attrs.ts).
   */
  attrs?: Attrs;
  /** Per `context` line, that record's attributes (null: none); same length as `context` when set. */
  contextAttrs?: (Attrs | null)[];
}

/** What a person can say of an anomaly (src/feedback): the one list the API, the store and the policy use. */
export const VERDICTS = ['real', 'noise', 'mute', 'learn'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** `open` (no feedback yet) or the latest verdict given. */
export const STATUSES = ['open', ...VERDICTS] as const;
export type AnomalyStatus = (typeof STATUSES)[number];
