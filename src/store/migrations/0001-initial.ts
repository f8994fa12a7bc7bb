/**
 * @module store/migrations/0001-initial
 * The first schema: checkpoints, parser state, templates, anomalies, model registry, alert outbox.
 * Times are epoch milliseconds; JSON columns hold `JSON.stringify` output.
 */
export const version = 1;
export const name = 'initial';

export const sql = `
CREATE TABLE checkpoints (
  source_id  TEXT PRIMARY KEY,
  cursor     TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE parser_state (
  source     TEXT PRIMARY KEY,
  snapshot   TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE templates (
  source         TEXT NOT NULL,
  template_id    INTEGER NOT NULL,
  template       TEXT NOT NULL,
  count          INTEGER NOT NULL,
  first_seen     INTEGER NOT NULL,
  last_seen      INTEGER NOT NULL,
  example_params TEXT,
  PRIMARY KEY (source, template_id)
);

CREATE TABLE anomalies (
  id           TEXT PRIMARY KEY,
  ts           INTEGER NOT NULL,
  source       TEXT NOT NULL,
  detector     TEXT NOT NULL,
  severity     TEXT NOT NULL,
  score        REAL NOT NULL,
  title        TEXT NOT NULL,
  explanation  TEXT NOT NULL,
  context      TEXT NOT NULL,
  window_start INTEGER,
  window_end   INTEGER,
  session_key  TEXT,
  template_id  INTEGER,
  created_at   INTEGER NOT NULL
);
-- id is in every index so keyset paging on (ts DESC, id DESC) reads the index in order.
CREATE INDEX anomalies_ts ON anomalies (ts, id);
CREATE INDEX anomalies_source_ts ON anomalies (source, ts, id);
CREATE INDEX anomalies_detector_ts ON anomalies (detector, ts, id);

CREATE TABLE models (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  artifact   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  active     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX models_kind_active ON models (kind, active, created_at);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  sink            TEXT NOT NULL,
  anomaly_id      TEXT NOT NULL,
  payload         TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  last_error      TEXT,
  UNIQUE (sink, anomaly_id)
);
CREATE INDEX outbox_due ON outbox (sink, status, next_attempt_at);
`;
