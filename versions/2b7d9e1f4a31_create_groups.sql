-- migrate:revision 2b7d9e1f4a31
-- migrate:revises 1f0a3c5e7b20
-- migrate:message Create groups and their members
-- migrate:created 2026-11-21T10:05:00Z

-- migrate:upgrade
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

-- migrate:downgrade
DROP TABLE group_members;
DROP TABLE user_groups;
