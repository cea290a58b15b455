-- migrate:revision 3c8e0f2a5b42
-- migrate:revises 2b7d9e1f4a31
-- migrate:message Groups in groups
-- migrate:created 2026-11-21T10:10:00Z

-- migrate:upgrade
CREATE TABLE group_nesting (
    parent_id integer NOT NULL,
    child_id integer NOT NULL,
    PRIMARY KEY (parent_id, child_id),
    CONSTRAINT fk_group_nesting_parent FOREIGN KEY (parent_id) REFERENCES user_groups (id) ON DELETE CASCADE,
    CONSTRAINT fk_group_nesting_child FOREIGN KEY (child_id) REFERENCES user_groups (id) ON DELETE CASCADE,
    CONSTRAINT ck_group_nesting_not_self CHECK (parent_id <> child_id)
);

-- migrate:downgrade
DROP TABLE group_nesting;
