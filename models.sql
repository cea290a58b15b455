-- The demo's declared models: the schema the revisions in versions/ build.
-- `migrate check` and `migrate diff` compare the database against this.
CREATE TABLE users (
    id integer NOT NULL PRIMARY KEY,
    username varchar(64) NOT NULL,
    email varchar(255) NOT NULL,
    created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_users_username UNIQUE (username)
);

CREATE TABLE user_groups (
    id integer NOT NULL PRIMARY KEY,
    name varchar(64) NOT NULL,
    description varchar(255),
    CONSTRAINT uq_user_groups_name UNIQUE (name)
);

CREATE TABLE group_members (
    group_id integer NOT NULL,
    user_id integer NOT NULL,
    PRIMARY KEY (group_id, user_id),
    CONSTRAINT fk_group_members_group FOREIGN KEY (group_id) REFERENCES user_groups (id) ON DELETE CASCADE,
    CONSTRAINT fk_group_members_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE group_nesting (
    parent_id integer NOT NULL,
    child_id integer NOT NULL,
    PRIMARY KEY (parent_id, child_id),
    CONSTRAINT fk_group_nesting_parent FOREIGN KEY (parent_id) REFERENCES user_groups (id) ON DELETE CASCADE,
    CONSTRAINT fk_group_nesting_child FOREIGN KEY (child_id) REFERENCES user_groups (id) ON DELETE CASCADE,
    CONSTRAINT ck_group_nesting_not_self CHECK (parent_id <> child_id)
);

CREATE TABLE systems (
    id integer NOT NULL PRIMARY KEY,
    hostname varchar(255) NOT NULL,
    environment varchar(16) NOT NULL DEFAULT 'production',
    CONSTRAINT uq_systems_hostname UNIQUE (hostname),
    CONSTRAINT ck_systems_environment CHECK (environment IN ('production', 'staging', 'development'))
);

CREATE TABLE accounts (
    id integer NOT NULL PRIMARY KEY,
    system_id integer NOT NULL,
    user_id integer,
    login varchar(64) NOT NULL,
    created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login_at timestamp NULL,
    CONSTRAINT uq_accounts_system_login UNIQUE (system_id, login),
    CONSTRAINT fk_accounts_system FOREIGN KEY (system_id) REFERENCES systems (id) ON DELETE CASCADE,
    CONSTRAINT fk_accounts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
);

CREATE INDEX ix_accounts_user_id ON accounts (user_id);
