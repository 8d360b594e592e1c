/**
 * The SQLite schema as an ordered list of migrations. The database's `user_version` pragma records how
 * many have been applied; opening a database applies the rest, each in its own transaction. Append new
 * migrations; never edit an applied one.
 */

export interface Migration {
  /** 1-based, consecutive. */
  readonly version: number
  readonly description: string
  readonly sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'GuardDuty detectors, Inspector account state, idempotency tokens',
    sql: `
      CREATE TABLE gd_detector (
        account_id  TEXT    NOT NULL,
        region      TEXT    NOT NULL,
        detector_id TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        body        TEXT    NOT NULL,
        PRIMARY KEY (account_id, region, detector_id)
      ) STRICT, WITHOUT ROWID;
      CREATE UNIQUE INDEX gd_detector_one_per_scope ON gd_detector (account_id, region);

      CREATE TABLE i2_account (
        account_id TEXT    NOT NULL,
        region     TEXT    NOT NULL,
        updated_at INTEGER NOT NULL,
        body       TEXT    NOT NULL,
        PRIMARY KEY (account_id, region)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE idempotency_token (
        account_id  TEXT    NOT NULL,
        region      TEXT    NOT NULL,
        operation   TEXT    NOT NULL,
        token       TEXT    NOT NULL,
        fingerprint TEXT    NOT NULL,
        answer      TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, operation, token)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'scoped resource documents (filters, lists, publishing destinations, ...)',
    sql: `
      CREATE TABLE resource (
        account_id TEXT    NOT NULL,
        region     TEXT    NOT NULL,
        kind       TEXT    NOT NULL,
        parent_id  TEXT    NOT NULL,
        id         TEXT    NOT NULL,
        sort_key   TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        body       TEXT    NOT NULL,
        PRIMARY KEY (account_id, region, kind, parent_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX resource_listing ON resource (account_id, region, kind, parent_id, sort_key, id);
      CREATE INDEX resource_parent ON resource (account_id, region, parent_id);
    `,
  },
  {
    version: 3,
    description: 'GuardDuty findings: promoted columns and an attribute index',
    sql: `
      CREATE TABLE gd_finding (
        pk            INTEGER PRIMARY KEY,
        account_id    TEXT    NOT NULL,
        region        TEXT    NOT NULL,
        detector_id   TEXT    NOT NULL,
        id            TEXT    NOT NULL,
        type          TEXT    NOT NULL,
        severity      REAL    NOT NULL,
        confidence    REAL    NOT NULL,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        archived      INTEGER NOT NULL,
        body          TEXT    NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX gd_finding_key ON gd_finding (account_id, region, detector_id, id);
      CREATE INDEX gd_finding_by_id ON gd_finding (region, id);
      CREATE INDEX gd_finding_by_updated ON gd_finding (region, account_id, updated_at, pk);
      CREATE INDEX gd_finding_by_severity ON gd_finding (region, account_id, severity, pk);
      CREATE INDEX gd_finding_by_type ON gd_finding (region, account_id, archived, type, severity);

      CREATE TABLE gd_finding_attr (
        finding_pk INTEGER NOT NULL REFERENCES gd_finding (pk) ON DELETE CASCADE,
        key        TEXT    NOT NULL,
        v          ANY     NOT NULL,
        PRIMARY KEY (finding_pk, key, v)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX gd_finding_attr_value ON gd_finding_attr (key, v, finding_pk);
    `,
  },
  {
    version: 4,
    description: 'GuardDuty findings: one-tree attribute index of chosen keys, resource columns',
    sql: `
      DROP TABLE gd_finding_attr;
      DROP INDEX gd_finding_key;
      DROP INDEX gd_finding_by_id;
      DELETE FROM gd_finding WHERE pk NOT IN (
        SELECT MAX(pk) FROM gd_finding GROUP BY region, account_id, id);
      CREATE UNIQUE INDEX gd_finding_key ON gd_finding (region, account_id, id);
      ALTER TABLE gd_finding ADD COLUMN resource_type TEXT NOT NULL DEFAULT '';
      ALTER TABLE gd_finding ADD COLUMN resource_id TEXT NOT NULL DEFAULT '';
      CREATE INDEX gd_finding_by_resource
        ON gd_finding (region, account_id, resource_type, resource_id, updated_at);

      CREATE TABLE gd_attr_key (
        k    INTEGER PRIMARY KEY,
        name TEXT    NOT NULL UNIQUE
      ) STRICT;
      CREATE TABLE gd_finding_attr (
        k  INTEGER NOT NULL,
        v  ANY     NOT NULL,
        pk INTEGER NOT NULL,
        PRIMARY KEY (k, v, pk)
      ) STRICT, WITHOUT ROWID;
      -- The indexed key set the attribute index was built for; a different set rebuilds it.
      CREATE TABLE gd_finding_index_state (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        signature TEXT    NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 5,
    description: 'Inspector findings: promoted columns and an attribute index',
    sql: `
      -- Timestamps are epoch milliseconds; resource_* and ecr_* describe the first resource and
      -- component_type the first network path step (for sorting and grouping).
      CREATE TABLE i2_finding (
        pk                        INTEGER PRIMARY KEY,
        region                    TEXT    NOT NULL,
        account_id                TEXT    NOT NULL,
        arn                       TEXT    NOT NULL,
        type                      TEXT,
        severity                  TEXT,
        severity_rank             INTEGER,
        status                    TEXT,
        title                     TEXT,
        inspector_score           REAL,
        epss_score                REAL,
        first_observed_at         INTEGER,
        last_observed_at          INTEGER,
        updated_at                INTEGER,
        fix_available             TEXT,
        exploit_available         TEXT,
        vulnerability_id          TEXT,
        vulnerability_source      TEXT,
        vendor_severity           TEXT,
        network_protocol          TEXT,
        component_type            TEXT,
        resource_type             TEXT,
        resource_id               TEXT,
        ecr_image_pushed_at       INTEGER,
        ecr_image_repository_name TEXT,
        ecr_image_registry        TEXT,
        body                      TEXT    NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX i2_finding_arn ON i2_finding (arn);
      CREATE INDEX i2_finding_by_last_observed ON i2_finding (region, account_id, last_observed_at, pk);
      CREATE INDEX i2_finding_by_severity ON i2_finding (region, account_id, severity_rank, pk);
      CREATE INDEX i2_finding_by_status ON i2_finding (region, account_id, status, severity_rank);
      CREATE INDEX i2_finding_by_score ON i2_finding (region, account_id, inspector_score, pk);
      CREATE INDEX i2_finding_by_vulnerability ON i2_finding (region, vulnerability_id);

      CREATE TABLE i2_attr_key (
        k    INTEGER PRIMARY KEY,
        name TEXT    NOT NULL UNIQUE
      ) STRICT;
      CREATE TABLE i2_finding_attr (
        k  INTEGER NOT NULL,
        v  ANY     NOT NULL,
        pk INTEGER NOT NULL,
        PRIMARY KEY (k, v, pk)
      ) STRICT, WITHOUT ROWID;
      -- The indexed key set the attribute index was built for; a different set rebuilds it.
      CREATE TABLE i2_finding_index_state (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        signature TEXT    NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 6,
    description: 'Change feed of findings, output cursors and dead letters',
    sql: `
      -- Every write of a finding takes the next change number: the outbox the outputs read, written
      -- in the finding's own transaction.
      ALTER TABLE gd_finding ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
      UPDATE gd_finding SET change_seq = pk;
      CREATE INDEX gd_finding_by_change ON gd_finding (change_seq);
      ALTER TABLE i2_finding ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
      UPDATE i2_finding SET change_seq = pk;
      CREATE INDEX i2_finding_by_change ON i2_finding (change_seq);

      -- How far each output (sink or publishing destination) has delivered each feed.
      CREATE TABLE output_cursor (
        output     TEXT    NOT NULL,
        feed       TEXT    NOT NULL,
        seq        INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (output, feed)
      ) STRICT;
      -- Events an output gave up on after its retries, kept for listing and replay.
      CREATE TABLE output_dead_letter (
        id        INTEGER PRIMARY KEY,
        output    TEXT    NOT NULL,
        event_id  TEXT    NOT NULL,
        event     TEXT    NOT NULL,
        error     TEXT    NOT NULL,
        attempts  INTEGER NOT NULL,
        failed_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX output_dead_letter_by_output ON output_dead_letter (output, id);
    `,
  },
  {
    version: 7,
    description: 'Processed-object ledger of the detection ingestion',
    sql: `
      -- One row per log object ingestion has read: s3://bucket/key or file://<absolute path>.
      -- An object is processed when location, size (bytes) and modified_at (epoch ms) all match.
      CREATE TABLE ingest_object (
        location     TEXT    NOT NULL PRIMARY KEY,
        size         INTEGER NOT NULL,
        modified_at  INTEGER NOT NULL,
        source       TEXT,
        events       INTEGER NOT NULL,
        malformed    INTEGER NOT NULL,
        processed_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 8,
    description: 'GuardDuty findings: a covering index for statistics by finding type',
    sql: `
      -- Counts, latest update and highest severity per type (and the archived filter) come from
      -- the index alone.
      DROP INDEX gd_finding_by_type;
      CREATE INDEX gd_finding_by_type
        ON gd_finding (region, account_id, archived, type, severity, updated_at);
    `,
  },
]
