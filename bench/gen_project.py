#!/usr/bin/env python3
"""Writes the same N-revision project twice: for migrate and for Alembic.

  DIR/migrate/migrate.ini + versions/<rev>_step_<i>.sql
  DIR/alembic/alembic.ini + env.py + script.py.mako + versions/<rev>_step_<i>.py

Both read the database URL from the environment (BENCH_MIGRATE_URL,
BENCH_ALEMBIC_URL), so one project serves SQLite, PostgreSQL and MariaDB.
Every revision does real, portable DDL and its inverse:

  upgrade:   CREATE TABLE t_i (...); ALTER TABLE t_i ADD COLUMN note ...;
             CREATE INDEX ix_t_i_name ON t_i (name);
  downgrade: DROP TABLE t_i;  (column and index go with their table)

The downgrade does not drop the column and index one by one: DROP INDEX is
spelled differently on MySQL, and SQLite's ALTER TABLE ... DROP COLUMN checks
the whole schema again (O(tables) per statement: 25 s for N=1,000 with the
plain sqlite3 client), which would measure SQLite rather than the tools.

The Alembic revisions run the very same statements with op.execute(), and its
env.py commits once per revision (transaction_per_migration=True), as migrate
does by default.

Shapes: "linear" (each revision revises the previous one) and "team" (about
every 50 revisions a side branch starts, takes every third revision, and is
merged back about 10 revisions later by a two-parent merge revision, the
shape bench/gen_graph.py writes). Revision ids are 12 hex digits from a
seeded generator, so a given (N, shape) always gives the same project.

usage: gen_project.py N DIR [linear|team]
"""
import os
import random
import sys


def graph(n, shape):
    """Yields (index, rev_id, [parents])."""
    rnd = random.Random(n * 2 + (shape == "team"))
    used = set()
    trunk = side = side_merge_at = None
    for i in range(n):
        rid = "%012x" % rnd.getrandbits(48)
        while rid in used:
            rid = "%012x" % rnd.getrandbits(48)
        used.add(rid)
        if shape == "linear":
            parents = [trunk] if trunk else []
            trunk = rid
        elif side is not None and i == side_merge_at:
            parents = [trunk, side]
            side = None
            trunk = rid
        elif side is None and i % 50 == 25 and trunk is not None and i + 12 < n:
            parents = [trunk]
            side = rid
            side_merge_at = i + 10
        elif side is not None and i % 3 == 0:
            parents = [side]
            side = rid
        else:
            parents = [trunk] if trunk else []
            trunk = rid
        yield i, rid, parents


def ddl(i):
    up = ["CREATE TABLE t_%d (id integer PRIMARY KEY, name varchar(50) NOT NULL)" % i,
          "ALTER TABLE t_%d ADD COLUMN note varchar(100)" % i,
          "CREATE INDEX ix_t_%d_name ON t_%d (name)" % (i, i)]
    down = ["DROP TABLE t_%d" % i]
    return up, down


MIGRATE_INI = """[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
version_table = migrate_version
default_db = bench

[db:bench]
url = ${BENCH_MIGRATE_URL:-sqlite:///bench.db}
"""

ALEMBIC_INI = """[alembic]
script_location = %(here)s
sqlalchemy.url = sqlite:///bench.db

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""

# Alembic's generic env.py, with the URL from the environment and one
# transaction per revision.
ENV_PY = '''import os
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool
from alembic import context

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
url = os.environ.get("BENCH_ALEMBIC_URL") or config.get_main_option("sqlalchemy.url")
config.set_main_option("sqlalchemy.url", url)
target_metadata = None


def run_migrations_offline():
    context.configure(url=url, target_metadata=target_metadata,
                      literal_binds=True, transaction_per_migration=True,
                      dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = engine_from_config(config.get_section(config.config_ini_section),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
'''


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    n, out = int(sys.argv[1]), sys.argv[2]
    shape = sys.argv[3] if len(sys.argv) == 4 else "team"
    if shape not in ("linear", "team"):
        sys.exit(__doc__)
    mdir, adir = os.path.join(out, "migrate"), os.path.join(out, "alembic")
    os.makedirs(os.path.join(mdir, "versions"), exist_ok=True)
    os.makedirs(os.path.join(adir, "versions"), exist_ok=True)
    write(os.path.join(mdir, "migrate.ini"), MIGRATE_INI)
    write(os.path.join(adir, "alembic.ini"), ALEMBIC_INI)
    write(os.path.join(adir, "env.py"), ENV_PY)
    write(os.path.join(adir, "script.py.mako"), MAKO)
    for i, rid, parents in graph(n, shape):
        up, down = ddl(i)
        created = "2026-01-01T%02d:%02d:%02dZ" % (i // 3600 % 24, i // 60 % 60, i % 60)
        m = ["-- migrate:revision %s" % rid]
        if parents:
            m.append("-- migrate:revises %s" % ", ".join(parents))
        m += ["-- migrate:message Step %d of the schema" % i,
              "-- migrate:created %s" % created, "",
              "-- migrate:upgrade"] + [s + ";" for s in up] + \
             ["", "-- migrate:downgrade"] + [s + ";" for s in down]
        write(os.path.join(mdir, "versions", "%s_step_%d.sql" % (rid, i)), "\n".join(m) + "\n")
        if not parents:
            down_rev = "None"
        elif len(parents) == 1:
            down_rev = repr(parents[0])
        else:
            down_rev = repr(tuple(parents))
        a = ['"""Step %d of the schema' % i, "",
             "Revision ID: %s" % rid,
             "Revises: %s" % ", ".join(parents),
             "Create Date: %s" % created.replace("T", " ").rstrip("Z"),
             '"""',
             "from alembic import op", "",
             "revision = %r" % rid,
             "down_revision = %s" % down_rev,
             "branch_labels = None",
             "depends_on = None", "", "",
             "def upgrade():"] + ["    op.execute(%r)" % s for s in up] + \
            ["", "", "def downgrade():"] + ["    op.execute(%r)" % s for s in down]
        write(os.path.join(adir, "versions", "%s_step_%d.py" % (rid, i)), "\n".join(a) + "\n")


if __name__ == "__main__":
    main()
