/**
 * @module store
 * The embedded SQLite store (DESIGN §4): checkpoints, parser state, templates, anomalies, model
 * registry and alert outbox in one WAL file. See README.md for the schema and retention.
 * @example
 * const store = openStore(join(dataDir, 'anomalog.db'));
 * store.batch(() => {
 *   const fresh = store.insertAnomalies(anomalies);
 *   store.outbox.enqueue('webhook', fresh);
 *   store.checkpoints.save(source.id, cursor);
 * });
 */
export { openStore, Store, LATEST_VERSION, type StoreOptions, type StoreRetentionResult } from './store.js';
export { storeConfigSchema, DEFAULT_BUSY_TIMEOUT_MS, type StoreConfig } from './config.js';
export type { TemplateRow, TemplateQuery, TemplatePage } from './templates.js';
export type { AnomalyQuery, AnomalyPage, AnomalyCaps, AnomalyCapStats, RetentionPolicy, RetentionResult } from './anomalies.js';
export { MAX_ATTR_FILTERS } from './anomalies.js';
export type { ActiveModel, StoredModel, SaveModel } from './models.js';
export type { OutboxItem } from './outbox.js';
export { type Verdict, type NewFeedback, type FeedbackRow, type FeedbackQuery, type FeedbackPage } from './feedback.js';
export { MAX_PAGE } from './paging.js';
export { WriteFailures, writeFailureReason, storeWriteError, mergeWriteFailures, noWriteFailures, WRITE_FAILURE_REASONS, type WriteFailureReason, type WriteFailureStats } from './write-failures.js';
