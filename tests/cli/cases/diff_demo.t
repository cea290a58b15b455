--- run
src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$(dirname "$(readlink -f "$(command -v migrate)")")/CMakeCache.txt") && mkdir demo && cp -r "$src/migrate.ini" "$src/versions" "$src/models.sql" demo/ && ls demo
--- stdout
migrate.ini
models.sql
versions
--- run
cd demo && migrate check
--- exit 1
--- stdout
database is at base, graph head is 7a2c4d6e9f86: run 'migrate upgrade head'
FAILED: 1 finding
--- run
cd demo && migrate check --format json
--- exit 1
--- stdout
{
  "ok": false,
  "findings": [
    {
      "kind": "not_at_head",
      "message": "database is at base, graph head is 7a2c4d6e9f86: run 'migrate upgrade head'"
    }
  ]
}
--- run
cd demo && migrate -q upgrade head && migrate check
--- stdout
OK: database at head, models match
--- run
cd demo && migrate check --format json
--- stdout
{
  "ok": true,
  "findings": []
}
--- run
cd demo && migrate diff --exit-code
--- stdout
--- stderr
No changes: the database matches the models.
--- run
cd demo && printf 'CREATE TABLE audit_log (\n    id integer NOT NULL PRIMARY KEY,\n    note text\n);\n' >> models.sql && sed -i 's/    last_login_at timestamp NULL,//' models.sql && migrate check
--- exit 1
--- stdout
+ table audit_log
- column accounts.last_login_at: timestamp (destructive DS102: drops the column)
FAILED: models differ from the database (2 differences): run 'migrate diff' to see the SQL, or 'migrate revision --autogenerate -m MSG'
--- run
cd demo && migrate diff --exit-code
--- exit 1
--- stdout-has
CREATE TABLE audit_log (
--- run
cd demo && migrate diff --format json | grep -E '"(kind|object|destructive|differences)"'
--- stdout-has
"differences": 2,
"kind": "create_table",
"object": "audit_log",
"kind": "drop_column",
"object": "accounts.last_login_at",
--- run
cd demo && migrate check --format json | grep -E '"(kind|operation|object)"'
--- stdout
      "kind": "model_difference",
      "operation": "create_table",
      "object": "audit_log",
      "kind": "model_difference",
      "operation": "drop_column",
      "object": "accounts.last_login_at",
--- run
cd demo && printf 'CREATE TABLE broken (\n    id integer REFERENCES\n);\n' >> models.sql && migrate check
--- exit 3
--- stderr-has
models.sql:60: near ")": syntax error (SQLite error 1)
    in statement: CREATE TABLE broken ( ...
