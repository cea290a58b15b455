"""Autogenerate / introspection section of bench/run.py: `migrate check` and
`migrate diff` against `alembic revision --autogenerate`, on models of M
tables (bench/gen_models.py) with the database already at the models (the CI
case: both must find no difference, so both read the whole schema)."""
import os
import subprocess


def apply_models(R, db, path):
    if db.dialect == "sqlite":
        db.reset()
        R.run1(["sqlite3", "-bail", db.path], stdin=path)
    elif db.dialect == "postgresql":
        db.reset()
        db.psql(db.db, "-f", path)
    else:
        db.reset()
        R.run1(db.client(db.db), env=db.env(), stdin=path)


def scratch_script(db, models, work):
    """The raw client applying the models to a scratch space and dropping
    it: what migrate must do before it can compare (DESIGN: models are
    normalised by the database itself)."""
    text = open(models).read()
    if db.dialect == "sqlite":
        return ["sqlite3", "-bail", ":memory:"], models, {}
    path = os.path.join(work, "scratch_%s.sql" % db.dialect)
    with open(path, "w") as f:
        if db.dialect == "postgresql":
            f.write("BEGIN;\nCREATE SCHEMA bench_scratch;\nSET search_path = bench_scratch;\n")
            f.write(text)
            f.write("\nROLLBACK;\n")
            return (["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db.migrate_url, "-f", path],
                    None, {})
        f.write("CREATE DATABASE bench_scratch;\nUSE bench_scratch;\n")
        f.write(text)
        f.write("\nDROP DATABASE bench_scratch;\n")
        return db.client(), path, db.env()


def run(b, R):
    """b: the Bench of run.py; R: the run.py module (its helpers)."""
    r = b.rep
    r.h("Autogenerate: `migrate check` / `migrate diff` vs `alembic revision --autogenerate`")
    r.p("Models of M tables, 8 columns, a primary key, 2 indexes and 1 foreign key each "
        "(bench/gen_models.py: models.sql for migrate, SQLAlchemy Table objects in models.py "
        "for Alembic's env.py `target_metadata`). The database already holds the same schema, "
        "so each tool reads the whole schema and finds nothing to do (checked: `migrate check` "
        "exits 0, the Alembic revision has no `op.` call). migrate also applies models.sql to "
        "a scratch space first (a temporary schema on PostgreSQL, a temporary database on "
        "MariaDB, `:memory:` on SQLite); the \"raw client applies models.sql\" row is that "
        "step alone with the plain client, the floor under `check` and `diff`. Alembic's "
        "generated file is deleted after each run (untimed), and its `alembic_version` table dropped "
        "before `check` is run again. At M >= 2,000 there is no warm-up run, and only `check` is "
        "timed (`diff` does the same work minus the version checks; see M=500).")
    rows = []
    for db in b.dbs:
        for m in b.a.model_sizes:
            d = os.path.join(b.work, "models%d" % m)
            if not os.path.exists(d):
                R.run1([R.PY, os.path.join(R.HERE, "gen_models.py"), str(m), d])
            mdir, adir = os.path.join(d, "migrate"), os.path.join(d, "alembic")
            R.log("autogen %s M=%d: applying the models" % (db.name, m))
            apply_models(R, db, os.path.join(mdir, "models.sql"))
            if db.count_tables() != m:
                raise R.Failed("models: %d tables in the database, expected %d" % (db.count_tables(), m))
            ini = os.path.join(mdir, "migrate.ini")
            env = db.migrate_env()
            runs, warm = b.a.runs, (b.a.warmup if m < 2000 else 0)

            def clean():
                vd = os.path.join(adir, "versions")
                for f in os.listdir(vd):
                    if f.endswith(".py"):
                        os.unlink(os.path.join(vd, f))

            R.log("autogen %s M=%d: migrate check" % (db.name, m))
            chk = R.measure([b.bin, "-c", ini, "check"], env=env, runs=runs, warmup=warm)
            dif = raw = None
            if m in b.a.diff_sizes:     # diff does check's work minus the version checks
                R.log("autogen %s M=%d: migrate diff" % (db.name, m))
                dif = R.measure([b.bin, "-c", ini, "diff"], env=env, runs=runs, warmup=warm)
            R.log("autogen %s M=%d: alembic revision --autogenerate" % (db.name, m))
            al = R.measure(R.ALEMBIC + ["revision", "--autogenerate", "-m", "bench"],
                           env=db.alembic_env(), cwd=adir, runs=runs, warmup=warm, prepare=clean)
            vfiles = [f for f in os.listdir(os.path.join(adir, "versions")) if f.endswith(".py")]
            al_ops = sum(open(os.path.join(adir, "versions", f)).read().count("op.") for f in vfiles)
            clean()
            db.sql("DROP TABLE IF EXISTS alembic_version")    # Alembic created it
            if m in b.a.diff_sizes:
                argv, stdin, senv = scratch_script(db, os.path.join(mdir, "models.sql"), b.work)
                R.log("autogen %s M=%d: raw client applies models.sql" % (db.name, m))
                raw = R.measure(argv, env=senv, stdin=stdin, runs=runs, warmup=warm)
            e = dict(os.environ)
            e.update(env)
            rc = subprocess.run([b.bin, "-c", ini, "check"], env=e, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode
            for label, st in (("migrate check", chk), ("migrate diff", dif),
                              ("alembic revision --autogenerate", al),
                              ("raw client applies models.sql", raw)):
                r.cmd("%s, %s M=%d" % (label, db.name, m), st)
            rows.append([db.name, "{:,}".format(m), chk.cell(), dif.cell() if dif else "—",
                         al.cell(), raw.cell() if raw else "—",
                         R.ratio(al, chk), R.ratio(al, dif),
                         "check exit %d; alembic: %d op. calls" % (rc, al_ops),
                         "%d MiB" % (max(chk.rss, dif.rss if dif else 0) // 1024)])
            b.results[("autogen", db.name, m)] = (chk, dif, al, raw)
            db.reset()
    r.table(["database", "M tables", "migrate check", "migrate diff", "alembic --autogenerate",
             "raw client applies models.sql", "alembic / check", "alembic / diff", "result",
             "migrate max RSS"], rows)
