/**
 * @module core/errors
 * Every error anomalog throws carries a stable code. docs/errors.md lists them all,
 * and errors.test.ts fails when this catalogue and the docs drift apart.
 */

export const ERROR_CODES = {
  ANOMALOG_ERR_CLI_USAGE: 'The command line is invalid (unknown option, missing argument).',
  ANOMALOG_ERR_CONFIG_INVALID: 'A configuration value is invalid; the message names the key path.',
  ANOMALOG_ERR_INPUT_NOT_FOUND: 'An input file or directory does not exist or cannot be read.',
  ANOMALOG_ERR_FORMAT_INVALID: 'A `--format` layout cannot be compiled.',
  ANOMALOG_ERR_SNAPSHOT_VERSION: 'A state snapshot or model artifact has an unknown or newer version.',
  ANOMALOG_ERR_SNAPSHOT_INVALID: 'A state snapshot or model artifact is malformed.',
  ANOMALOG_ERR_DATASET_INVALID: 'An evaluation dataset is missing files or has an unexpected shape.',
  ANOMALOG_ERR_MODEL_INVALID: 'A model cannot be fitted or used with the given data or options.',
  ANOMALOG_ERR_STORE_OPEN: 'The store file cannot be opened or created (disk full, locked by another process, read-only), or is not a SQLite database.',
  ANOMALOG_ERR_STORE_SCHEMA: 'The store was written by a newer anomalog (schema version higher than this build knows).',
  ANOMALOG_ERR_STORE_QUERY: 'A store call argument is invalid (malformed paging cursor, bad limit or time, malformed anomaly).',
  ANOMALOG_ERR_DEMO_INGEST: 'The demo could not hand its generated lines to the service (ingest request failed or was refused).',
  ANOMALOG_ERR_ENGINE_THREAD: "The engine's worker thread failed to start or stopped unexpectedly; batches in flight are not acknowledged and are read again after a restart.",
  ANOMALOG_ERR_SERVE_INSECURE: '`serve` refused to listen on a non-loopback address without a token (set server.auth_token, or pass --insecure on a trusted network).',
  ANOMALOG_ERR_SERVE_LISTEN: '`serve` could not listen on its address and port (in use by another process, or not allowed).',
  ANOMALOG_ERR_TLS_INVALID: 'The TLS certificate or key (server.tls) cannot be read or used.',
  ANOMALOG_ERR_DATA_DIR: 'The data directory cannot be created or written (permissions, read-only or full disk).',
  ANOMALOG_ERR_STORE_WRITE: 'The store refuses writes (disk full, locked by another process, read-only, I/O error); the service keeps running, shows it in /api/health, keeps what it found and retries, acknowledging nothing it has not stored.',
  ANOMALOG_ERR_MODEL_REFUSED: 'A published model (models topic) is malformed, too large, or was trained on other windows than the model detector counts; it is not used (a worker counts it and keeps its current model).',
  ANOMALOG_ERR_KAFKA_TOPIC: 'A Kafka topic that `anomalog worker` reads does not exist (create it before starting the workers).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AnomalogError extends Error {
  readonly code: ErrorCode;
  /** How the user can fix it, shown after the message. */
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AnomalogError';
    this.code = code;
    this.hint = options?.hint;
  }

  /** One line for a terminal: what, where, how to fix. */
  toLine(): string {
    return this.hint ? `${this.message} ${this.hint} [${this.code}]` : `${this.message} [${this.code}]`;
  }
}

export function isAnomalogError(e: unknown): e is AnomalogError {
  return e instanceof AnomalogError;
}
