-- migrate:revision 4d9f1a3b6c53
-- migrate:revises 2b7d9e1f4a31
-- migrate:message Create systems
-- migrate:created 2026-11-21T10:12:00Z

-- migrate:upgrade
CREATE TABLE systems (
    id integer NOT NULL PRIMARY KEY,
    hostname varchar(255) NOT NULL,
    environment varchar(16) NOT NULL DEFAULT 'production',
    CONSTRAINT uq_systems_hostname UNIQUE (hostname),
    CONSTRAINT ck_systems_environment CHECK (environment IN ('production', 'staging', 'development'))
);

-- migrate:downgrade
DROP TABLE systems;
