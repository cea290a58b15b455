--- file migrate.ini
[migrate]
version_locations = %(here)s/versions
[db:t]
url = sqlite:///t.db
--- file versions/aaaa1_one.sql
-- migrate:revision aaaa1
-- migrate:message One

-- migrate:upgrade
CREATE TABLE one (id integer);
-- migrate:downgrade
DROP TABLE one;
--- file versions/bbbb2_two.sql
-- migrate:revision bbbb2
-- migrate:revises aaaa1
-- migrate:message Two

-- migrate:upgrade
CREATE TABLE two (id integer);
INSERT INTO two VALUES (${n});
-- migrate:downgrade
DROP TABLE two;
--- file versions/cccc3_other.sql
-- migrate:revision cccc3
-- migrate:revises aaaa1
-- migrate:branch-labels side
-- migrate:message Side

-- migrate:upgrade
CREATE TABLE side (id integer);
INSERT INTO missing VALUES (1);
-- migrate:downgrade
DROP TABLE side;
--- run
migrate upgrade bbbb2
--- exit 2
--- stderr
migrate: $TMP/versions/bbbb2_two.sql:7: unknown placeholder '${n}' (define it with -x n=VALUE)
--- run
migrate -q upgrade bbbb2 -x n=5
--- stdout
--- run
migrate --format json current
--- stdout
{
  "heads": [
    {
      "revision": "bbbb2",
      "message": "Two",
      "is_head": true
    }
  ],
  "partial": null
}
--- run
migrate upgrade side@head
--- exit 3
--- stderr
migrate: upgrade of revision 'cccc3' failed and was rolled back; the version table holds bbbb2
$TMP/versions/cccc3_other.sql:8: no such table: missing (SQLite error 1)
    in statement: INSERT INTO missing VALUES (1)
--- run
sed -i 's/INSERT INTO missing/INSERT INTO side/' versions/cccc3_other.sql && migrate --format json upgrade heads | sed -E 's/"seconds": [0-9.e-]+/"seconds": S/'
--- stdout
{
  "command": "upgrade",
  "steps": [
    {
      "revision": "cccc3",
      "direction": "upgrade",
      "message": "Side",
      "seconds": S
    }
  ],
  "seconds": S
}
--- run
migrate current
--- stdout
bbbb2 (head)
cccc3 (head)
--- run
migrate downgrade -1
--- exit 2
--- stderr
migrate: relative revision '-1' is ambiguous: the database has several heads (bbbb2, cccc3); use LABEL@-1 or REV-1
--- run
migrate downgrade side@-1 | sed -E 's/[0-9]+ ms/N ms/g'
--- stdout
[1/1] downgrade cccc3 -> aaaa1, Side (N ms)
downgrade: 1 revision in N ms
--- run
sqlite3 t.db "UPDATE migrate_version SET version_num = 'dddd4'" && migrate upgrade head
--- exit 2
--- stderr
migrate: the database is at revision 'dddd4', which no revision file declares (restore its file, or 'migrate stamp --purge' to reset the version table)
--- run
migrate stamp --purge bbbb2 && migrate current
--- stdout
stamped
bbbb2 (head)
--- run
migrate stamp aaaa1:side@head --sql
--- stdout
CREATE TABLE IF NOT EXISTS migrate_version (
    version_num VARCHAR(255) NOT NULL,
    CONSTRAINT migrate_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE IF NOT EXISTS migrate_version_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    revision VARCHAR(255) NOT NULL,
    direction VARCHAR(16) NOT NULL,
    checksum VARCHAR(64),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    db_user VARCHAR(255),
    statements_done INTEGER NOT NULL DEFAULT 0,
    statement_hashes TEXT NOT NULL DEFAULT ''
);

-- Stamping side@head

BEGIN;

UPDATE migrate_version SET version_num = 'cccc3' WHERE version_num = 'aaaa1';

DELETE FROM migrate_version_log WHERE finished_at IS NULL;

INSERT INTO migrate_version_log (revision, direction, checksum, started_at, db_user, statements_done, statement_hashes) VALUES ('cccc3', 'stamp', '7e08cb777123e8efb3ca72d0c0c1e24c340df401', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), NULL, 0, '');

UPDATE migrate_version_log SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE revision = 'cccc3' AND finished_at IS NULL AND direction = 'stamp';

COMMIT;
