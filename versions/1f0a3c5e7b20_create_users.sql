-- migrate:revision 1f0a3c5e7b20
-- migrate:message Create users
-- migrate:created 2026-11-21T10:00:00Z

-- migrate:upgrade
CREATE TABLE users (
    id integer NOT NULL PRIMARY KEY,
    username varchar(64) NOT NULL,
    email varchar(255) NOT NULL,
    created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_users_username UNIQUE (username)
);

-- migrate:downgrade
DROP TABLE users;
