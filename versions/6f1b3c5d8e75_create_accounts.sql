-- migrate:revision 6f1b3c5d8e75
-- migrate:revises 5e0a2b4c7d64
-- migrate:message Create accounts on systems, assigned to users
-- migrate:created 2026-11-21T10:25:00Z

-- migrate:upgrade
CREATE TABLE accounts (
    id integer NOT NULL PRIMARY KEY,
    system_id integer NOT NULL,
    user_id integer,
    login varchar(64) NOT NULL,
    created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_accounts_system_login UNIQUE (system_id, login),
    CONSTRAINT fk_accounts_system FOREIGN KEY (system_id) REFERENCES systems (id) ON DELETE CASCADE,
    CONSTRAINT fk_accounts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
);

-- migrate:downgrade
DROP TABLE accounts;
