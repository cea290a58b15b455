-- migrate:revision 5e0a2b4c7d64
-- migrate:revises 3c8e0f2a5b42, 4d9f1a3b6c53
-- migrate:message Merge group nesting and systems
-- migrate:created 2026-11-21T10:20:00Z

-- migrate:upgrade

-- migrate:downgrade
