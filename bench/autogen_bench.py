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


def build_introspect(b, R):
    """bench/introspect_catalog.c against the benchmarked build's core
    library: the catalog read alone, without models, scratch space or diff.
    Returns its path, or None when the build has no core library."""
    build = os.path.dirname(os.path.abspath(b.bin))
    core = os.path.join(build, "libmigrate_core.a")
    if not os.path.exists(core):
        return None
    out = os.path.join(b.work, "introspect")
    libs = subprocess.run(["pkg-config", "--libs", "sqlite3", "inih", "jansson", "libmd"],
                          capture_output=True, text=True, check=True).stdout.split()
    root = os.path.dirname(R.HERE)
    R.run1(["cc", "-O2", "-std=c11", "-D_GNU_SOURCE", "-I" + os.path.join(root, "migrate", "include"),
            "-I" + os.path.join(root, "migrate"), "-I" + os.path.join(build, "generated"),
            os.path.join(R.HERE, "introspect_catalog.c"), core] + libs + ["-pthread", "-ldl", "-lm", "-o", out])
    return out


def introspect(b, R, prog, db, runs):
    """Times of `runs` catalog reads of the benchmark database, in seconds."""
    env = {"MIGRATE_MODULE_DIR": os.path.join(os.path.dirname(os.path.abspath(b.bin)), "modules")}
    _, _, out = R.run1([prog, db.migrate_url, "", str(runs)], env=env, capture=True)
    for line in out.decode().splitlines():
        if line.startswith("ms:"):
            return [float(x) / 1000 for x in line[3:].split()]
    raise R.Failed("introspect: no timings in its output")


def normalise(b, R, prog, db, models, connections):
    """Seconds of one normalisation of the models alone (mg_models_load
    without cache: scratch space, models, read back, drop) with at most
    `connections` connections (0: migrate's default)."""
    env = {"MIGRATE_MODULE_DIR": os.path.join(os.path.dirname(os.path.abspath(b.bin)), "modules")}
    _, _, out = R.run1([prog, "--models", models, db.migrate_url, str(connections), "1"], env=env, capture=True)
    for line in out.decode().splitlines():
        if line.startswith("ms:"):
            return float(line[3:].split()[0]) / 1000
    raise R.Failed("normalise: no timing in its output")


def run(b, R):
    """b: the Bench of run.py; R: the run.py module (its helpers)."""
    r = b.rep
    r.h("Autogenerate: `migrate check` / `migrate diff` vs `alembic revision --autogenerate`")
    r.p("Models of M tables, 8 columns, a primary key, 2 indexes and 1 foreign key each "
        "(bench/gen_models.py: models.sql for migrate, SQLAlchemy Table objects in models.py "
        "for Alembic's env.py `target_metadata`). First the database already holds the same schema, "
        "so each tool reads the whole schema and finds nothing to do (checked: `migrate check` "
        "exits 0, the Alembic revision has no `op.` call). migrate also applies models.sql to "
        "a scratch space (a temporary schema on PostgreSQL, in batches of 500 statements per round trip; "
        "a temporary database on MariaDB, over up to 4 connections at once with the outcome of a run in "
        "file order, models/lanes.h; `:memory:` on SQLite) and reads it back: that is the models' normalisation, "
        "cached by the models' content, dialect and server version. \"check\" is a warm run "
        "(the cache filled by an untimed run before), \"cold check\" runs with `--no-cache` "
        "(the normalisation included). \"raw client applies models.sql\" is the scratch step "
        "alone with the plain client, and \"introspection\" connecting and reading the catalog alone "
        "(bench/introspect_catalog.c linked against the same build, a new connection for each read); "
        "\"normalisation alone\" is the same program calling mg_models_load without the cache (scratch "
        "space, models, read back, drop: the models' side of a cold check). A cold check needs the first "
        "and two of the second (the scratch copy and the database), so its target is that sum; "
        "the cold check and the raw client take turns, run for run, each after an untimed "
        "`VACUUM` and `CHECKPOINT` on PostgreSQL. Alembic's generated file is deleted after each run "
        "(untimed), and its `alembic_version` table dropped before `check` is run again. "
        "`diff` (the same work minus the version checks) is timed at M=500 only; at M >= 2,000 "
        "the cold check, the raw client and Alembic are timed 3 times.")
    rows, empty_rows, lane_rows = [], [], []
    prog = build_introspect(b, R)
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
            runs = b.a.runs
            slow_runs, slow_warm = (3, 0) if m >= 2000 else (runs, b.a.warmup)

            def clean():
                vd = os.path.join(adir, "versions")
                for f in os.listdir(vd):
                    if f.endswith(".py"):
                        os.unlink(os.path.join(vd, f))

            R.log("autogen %s M=%d: migrate check" % (db.name, m))
            chk = R.measure([b.bin, "-c", ini, "check"], env=env, runs=runs, warmup=1)
            dif = None
            if m in b.a.diff_sizes:     # diff does check's work minus the version checks
                R.log("autogen %s M=%d: migrate diff" % (db.name, m))
                dif = R.measure([b.bin, "-c", ini, "diff"], env=env, runs=runs, warmup=1)
            intro = None
            if prog:
                R.log("autogen %s M=%d: introspection alone" % (db.name, m))
                intro = R.Stat(introspect(b, R, prog, db, runs), 0, "introspect_catalog")
            R.log("autogen %s M=%d: alembic revision --autogenerate" % (db.name, m))
            al = R.measure(R.ALEMBIC + ["revision", "--autogenerate", "-m", "bench"],
                           env=db.alembic_env(), cwd=adir, runs=slow_runs, warmup=slow_warm, prepare=clean)
            vfiles = [f for f in os.listdir(os.path.join(adir, "versions")) if f.endswith(".py")]
            al_ops = sum(open(os.path.join(adir, "versions", f)).read().count("op.") for f in vfiles)
            clean()
            db.sql("DROP TABLE IF EXISTS alembic_version")    # Alembic created it
            # The cold check and its floor take turns, so that the server's
            # background work after the previous run (InnoDB flushing what
            # 2,000 CREATE TABLEs wrote) falls on both alike; on PostgreSQL
            # each starts after a VACUUM and CHECKPOINT (each run leaves the
            # catalogs ~2,000 rolled-back tables' worth of dead rows).
            argv, stdin, senv = scratch_script(db, os.path.join(mdir, "models.sql"), b.work)
            cold_t, raw_t, norm_t, one_t, cold_rss = [], [], [], [], 0
            one_conn = db.dialect == "mysql"    # the lanes against one connection
            for k in range(slow_warm + slow_runs):
                R.log("autogen %s M=%d: cold check, raw client, normalisation alone, round %d"
                      % (db.name, m, k + 1))
                db.settle()
                t, rss, _ = R.run1([b.bin, "-c", ini, "check", "--no-cache"], env=env)
                db.settle()
                t2, _, _ = R.run1(argv, env=senv, stdin=stdin)
                t3 = t4 = None
                if prog:
                    db.settle()
                    t3 = normalise(b, R, prog, db, os.path.join(mdir, "models.sql"), 0)
                    if one_conn:
                        db.settle()
                        t4 = normalise(b, R, prog, db, os.path.join(mdir, "models.sql"), 1)
                if k >= slow_warm:
                    cold_t.append(t)
                    raw_t.append(t2)
                    cold_rss = max(cold_rss, rss)
                    if t3 is not None:
                        norm_t.append(t3)
                    if t4 is not None:
                        one_t.append(t4)
            norm = R.Stat(norm_t, 0, "introspect_catalog --models") if norm_t else None
            cold = R.Stat(cold_t, cold_rss, R.show([b.bin, "-c", ini, "check", "--no-cache"], env))
            raw = R.Stat(raw_t, 0, R.show(argv, senv, stdin))
            if one_t:
                one = R.Stat(one_t, 0, "introspect_catalog --models (1 connection)")
                lane_rows.append([db.name, "{:,}".format(m), norm.cell(), one.cell(), R.ratio(one, norm),
                                  raw.cell()])
            e = dict(os.environ)
            e.update(env)
            rc = subprocess.run([b.bin, "-c", ini, "check"], env=e, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode
            for label, st in (("migrate check", chk), ("migrate check --no-cache", cold),
                              ("migrate diff", dif), ("alembic revision --autogenerate", al),
                              ("raw client applies models.sql", raw)):
                r.cmd("%s, %s M=%d" % (label, db.name, m), st)
            rows.append([db.name, "{:,}".format(m), chk.cell(), cold.cell(), dif.cell() if dif else "—",
                         al.cell(), raw.cell(), intro.cell() if intro else "—", norm.cell() if norm else "—",
                         R.ratio(al, chk), R.ratio(al, dif),
                         "check exit %d; alembic: %d op. calls" % (rc, al_ops),
                         "%d MiB" % (max(chk.rss, cold.rss, dif.rss if dif else 0) // 1024)])
            b.results[("autogen", db.name, m)] = (chk, dif, al, raw)
            if m == max(b.a.model_sizes):
                M = "{:,}".format(m)
                if intro:
                    b.results[("autogen-target", db.name, m, "intro")] = (
                        "introspection of the %s-table schema < 1 s (%s)" % (M, db.name),
                        R.ms(intro.med), intro.med < 1.0)
                rr = al.med / chk.med
                b.results[("autogen-target", db.name, m, "warm")] = (
                    "warm `check` >= 10x faster than Alembic's comparison at %s tables (%s)" % (M, db.name),
                    "%.1fx" % rr, rr >= 10)
                if intro:
                    # A cold check reads two catalogs: the scratch copy of
                    # the models and the database.
                    floor = raw.med + 2 * intro.med
                    b.results[("autogen-target", db.name, m, "cold")] = (
                        "cold `check` no slower than the raw client applying the models + the introspection "
                        "of both catalogs (%s, %s tables)" % (db.name, M),
                        "%s against %s + 2 x %s" % (R.ms(cold.med), R.ms(raw.med), R.ms(intro.med)),
                        cold.med <= floor)

            # The same models against an empty database: everything to create.
            db.reset()
            R.log("autogen %s M=%d: against an empty database" % (db.name, m))
            echk = R.measure([b.bin, "-c", ini, "check"], env=env, runs=runs, warmup=1, check=False)
            eal = R.measure(R.ALEMBIC + ["revision", "--autogenerate", "-m", "bench"],
                            env=db.alembic_env(), cwd=adir, runs=slow_runs, warmup=slow_warm, prepare=clean)
            vfiles = [f for f in os.listdir(os.path.join(adir, "versions")) if f.endswith(".py")]
            eal_ops = sum(open(os.path.join(adir, "versions", f)).read().count("op.create_table") for f in vfiles)
            clean()
            db.sql("DROP TABLE IF EXISTS alembic_version")
            rc = subprocess.run([b.bin, "-c", ini, "check"], env=e, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode
            r.cmd("migrate check (empty database), %s M=%d" % (db.name, m), echk)
            r.cmd("alembic revision --autogenerate (empty database), %s M=%d" % (db.name, m), eal)
            empty_rows.append([db.name, "{:,}".format(m), echk.cell(), eal.cell(), R.ratio(eal, echk),
                               "check exit %d; alembic: %d op.create_table calls" % (rc, eal_ops)])
            db.reset()
    r.table(["database", "M tables", "migrate check", "cold check (--no-cache)", "migrate diff",
             "alembic --autogenerate", "raw client applies models.sql", "introspection alone",
             "normalisation alone", "alembic / check", "alembic / diff", "result", "migrate max RSS"], rows)
    if lane_rows:
        r.p("MySQL/MariaDB models over several connections (models/lanes.h): the normalisation alone "
            "with migrate's default (up to 4 connections) and with one connection, statement by "
            "statement, in the same rounds.")
        r.table(["database", "M tables", "normalisation, up to 4 connections", "normalisation, 1 connection",
                 "1 / 4", "raw client applies models.sql"], lane_rows)
    r.p("The same models against an empty database (every table to create): `migrate check` "
        "(warm models cache; exit 1 with the drift listed) against `alembic revision --autogenerate`.")
    r.table(["database", "M tables", "migrate check", "alembic --autogenerate", "alembic / check",
             "result"], empty_rows)
