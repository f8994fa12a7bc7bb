/**
 * @module store/migrations/0007-anomaly-attrs
 * The attributes of an anomaly's record (`attrs`: Loki labels, OTLP attributes, syslog header, JSON
 * fields — core/attrs.ts) and of each context line (`context_attrs`), as JSON on the row; and the
 * anomaly's pairs once more as rows of `anomaly_attrs`, indexed by (key, value), so
 * `GET /api/anomalies?attr.hostname=web-1` is an index lookup. A trigger removes an anomaly's pairs
 * with it, whichever path deletes it (retention, caps). Rows written before have no attributes.
 */
export const version = 7;
export const name = 'anomaly-attrs';

export const sql = `
ALTER TABLE anomalies ADD COLUMN attrs TEXT;
ALTER TABLE anomalies ADD COLUMN context_attrs TEXT;
CREATE TABLE anomaly_attrs (
  anomaly_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (anomaly_id, key)
) WITHOUT ROWID;
CREATE INDEX anomaly_attrs_key_value ON anomaly_attrs (key, value, anomaly_id);
CREATE TRIGGER anomalies_attrs_delete AFTER DELETE ON anomalies BEGIN
  DELETE FROM anomaly_attrs WHERE anomaly_id = old.id;
END;
`;
