/**
 * @module store/migrations/0003-feedback
 * Feedback on anomalies (who said what, when) and each anomaly's latest verdict as its `status`.
 * A feedback row copies the fingerprint of its anomaly (detector, source, template or title shape),
 * so the feedback policy is rebuilt from this table at start, even after the anomaly itself aged out.
 */
export const version = 3;
export const name = 'feedback';

export const sql = `
CREATE TABLE feedback (
  id          INTEGER PRIMARY KEY,
  anomaly_id  TEXT NOT NULL,
  verdict     TEXT NOT NULL CHECK (verdict IN ('real', 'noise', 'mute', 'learn')),
  comment     TEXT,
  user        TEXT,
  mute_until  INTEGER,
  created_at  INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  detector    TEXT NOT NULL,
  source      TEXT NOT NULL,
  template_id INTEGER,
  feature     TEXT,
  observed    REAL
);
CREATE INDEX feedback_anomaly ON feedback (anomaly_id, id);
CREATE INDEX feedback_fingerprint ON feedback (fingerprint, id);
CREATE INDEX feedback_created ON feedback (created_at, id);

ALTER TABLE anomalies ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
CREATE INDEX anomalies_status_ts ON anomalies (status, ts, id);
`;
