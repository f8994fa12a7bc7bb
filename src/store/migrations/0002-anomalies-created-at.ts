/**
 * @module store/migrations/0002-anomalies-created-at
 * Retention by age counts from when an anomaly was stored (`created_at`), not from its event time:
 * replayed or late logs carry old timestamps and must not be deleted as soon as they are detected.
 */
export const version = 2;
export const name = 'anomalies-created-at';

export const sql = `
CREATE INDEX anomalies_created_at ON anomalies (created_at);
`;
