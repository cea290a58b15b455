-- migrate:revision 7a2c4d6e9f86
-- migrate:revises 6f1b3c5d8e75
-- migrate:message Track last login and index accounts by user
-- migrate:created 2026-11-21T10:30:00Z

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN last_login_at timestamp NULL;
CREATE INDEX ix_accounts_user_id ON accounts (user_id);

-- migrate:downgrade
DROP INDEX ix_accounts_user_id;
ALTER TABLE accounts DROP COLUMN last_login_at;

-- migrate:downgrade mysql
DROP INDEX ix_accounts_user_id ON accounts;
ALTER TABLE accounts DROP COLUMN last_login_at;
