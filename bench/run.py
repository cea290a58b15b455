#!/usr/bin/python3
"""Side-by-side benchmark of migrate and Alembic; writes bench/RESULTS.md.

Run it through bench/run.sh, which installs what is missing, builds migrate
and provides database servers. Every timing is the wall time of one process
(fork to exit, output to /dev/null), run `--runs` times after `--warmup`
untimed runs; RESULTS.md gives median, min and max, and every ratio is taken
between medians measured in the same run of this script. Peak memory is the
child's maximum resident set size (getrusage, what /usr/bin/time -v prints).

usage: run.py --bin MIGRATE [--quick] [--out FILE] [--only SECTION,...]
sections: graph current offline run autogen memory
"""
import argparse
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"          # Debian's python, where Debian's Alembic lives
ALEMBIC = (["/usr/bin/alembic"] if os.path.exists("/usr/bin/alembic")
           else [PY, "-m", "alembic"])
SECRETS = []                      # strings never written out (passwords)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def mask(s):
    for p in SECRETS:
        if p:
            s = s.replace(p, "***")
    return s


def show(argv, env=None, stdin=None, cwd=None):
    """The command as a reader would type it."""
    parts = []
    if cwd:
        parts.append("cd %s &&" % shlex.quote(cwd))
    for k, v in (env or {}).items():
        parts.append("%s=%s" % (k, shlex.quote(v)))
    parts += [shlex.quote(a) for a in argv]
    if stdin:
        parts.append("< " + shlex.quote(stdin))
    return mask(" ".join(parts))


class Failed(Exception):
    pass


def run1(argv, env=None, cwd=None, stdin=None, check=True, capture=False):
    """Runs one process; returns (seconds, maxrss KiB, stdout or None)."""
    e = dict(os.environ)
    e.update(env or {})
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    errf = tempfile.TemporaryFile()
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, env=e, cwd=cwd, stdin=fin, stdout=out, stderr=errf)
        data = p.stdout.read() if capture else None
        _, status, ru = os.wait4(p.pid, 0)
        t = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdin:
            fin.close()
    if check and p.returncode != 0:
        errf.seek(0)
        raise Failed("%s: exit %d: %s" % (show(argv, env, stdin, cwd), p.returncode,
                                          mask(errf.read().decode(errors="replace")[-600:])))
    errf.close()
    return t, ru.ru_maxrss, data


class Stat:
    def __init__(self, times, rss, cmd):
        self.times, self.rss, self.cmd = times, rss, cmd

    @property
    def med(self):
        return statistics.median(self.times)

    def cell(self):
        return "%s (%s–%s)" % (ms(self.med), ms(min(self.times)), ms(max(self.times)))


def ms(t):
    t *= 1000
    if t >= 1000:
        return "%.2f s" % (t / 1000)
    if t >= 100:
        return "%.0f ms" % t
    if t >= 10:
        return "%.1f ms" % t
    return "%.2f ms" % t


def measure(argv, env=None, cwd=None, stdin=None, runs=5, warmup=1, prepare=None, check=True):
    times, rss = [], 0
    for k in range(warmup + runs):
        if prepare:
            prepare()
        t, r, _ = run1(argv, env, cwd, stdin, check=check)
        if k >= warmup:
            times.append(t)
            rss = max(rss, r)
    return Stat(times, rss, show(argv, env, stdin, cwd))


def ratio(a, b, digits=1):
    return "%.*fx" % (digits, a.med / b.med) if a and b else "—"


# ---------------------------------------------------------------- databases

class Db:
    """One target database: URLs for both tools, the raw client, a reset."""
    name = ""

    def alembic_env(self):
        return {"BENCH_ALEMBIC_URL": self.alembic_url}

    def migrate_env(self):
        return {"BENCH_MIGRATE_URL": self.migrate_url}

    def settle(self):
        """Untimed, before each timed run: leave the server as the previous run's debris would not."""


class Sqlite(Db):
    name, dialect = "SQLite", "sqlite"

    def __init__(self, work):
        self.path = os.path.join(work, "bench.db")
        self.migrate_url = "sqlite:///" + self.path     # absolute: sqlite:////...
        self.alembic_url = "sqlite:///" + self.path

    def reset(self):
        for suffix in ("", "-journal", "-wal", "-shm", ".migrate-lock"):
            if os.path.exists(self.path + suffix):
                os.unlink(self.path + suffix)

    drop_version_tables = reset    # between cycles everything else is gone too

    def version(self):
        return version(["sqlite3", "--version"]).split()[0] + " (file on local disk)"

    def raw(self, script):
        return ["sqlite3", "-bail", self.path], script

    def sql(self, text):
        run1(["sqlite3", self.path, text])

    def count_tables(self):
        _, _, out = run1(["sqlite3", self.path,
                          "SELECT count(*) FROM sqlite_master WHERE type='table' AND name LIKE 't\\_%' ESCAPE '\\'"],
                         capture=True)
        return int(out)


class Postgres(Db):
    name, dialect = "PostgreSQL", "postgresql"

    def __init__(self, url, dbname):
        m = re.match(r"postgres(?:ql)?://([^:@/]+)(?::([^@/]*))?@([^:/]+)(?::(\d+))?/([^?]+)", url)
        if not m:
            raise SystemExit("cannot parse the PostgreSQL URL")
        user, pw, host, port, self.admin_db = m.groups()
        SECRETS.append(pw or "")
        port = port or "5432"
        self.base = "postgresql://%s%s@%s:%s/" % (user, ":" + pw if pw else "", host, port)
        self.db = dbname
        self.migrate_url = self.base + dbname
        self.alembic_url = "postgresql+psycopg2://%s%s@%s:%s/%s" % (
            user, ":" + pw if pw else "", host, port, dbname)

    def psql(self, db, *args, stdin=None, capture=False):
        return run1(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.base + db] + list(args),
                    stdin=stdin, capture=capture)

    def reset(self):
        self.psql(self.admin_db, "-c", "SET client_min_messages = warning",
                  "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.db,
                  "-c", "CREATE DATABASE %s" % self.db)

    def version(self):
        try:
            return self.psql(self.admin_db, "-t", "-A", "-c", "SHOW server_version", capture=True)[2].decode().strip()
        except Failed:
            return "?"

    def drop_version_tables(self):
        self.psql(self.db, "-c", "SET client_min_messages = warning; "
                  "DROP TABLE IF EXISTS migrate_version, migrate_version_log, alembic_version")

    def settle(self):
        # Each cycle creates and drops N tables per runner: the catalogs fill
        # with dead rows, and autovacuum and the checkpoint WAL volume calls
        # for would fall on whichever run comes next (the first runner of
        # the next cycle, every time). Vacuum and checkpoint before each
        # run instead, so every run starts from the same server state.
        self.psql(self.db, "-c", "SET client_min_messages = warning", "-c", "VACUUM", "-c", "CHECKPOINT")

    def raw(self, script):
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.migrate_url, "-f", script], None

    def sql(self, text):
        self.psql(self.db, "-c", text)

    def count_tables(self):
        _, _, out = self.psql(self.db, "-t", "-A", "-c",
                              "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\\_%'",
                              capture=True)
        return int(out)


class Mariadb(Db):
    name, dialect = "MariaDB", "mysql"

    def __init__(self, url, dbname):
        m = re.match(r"(?:mysql|mariadb)://([^:@/]+)(?::([^@/]*))?@([^:/]+)(?::(\d+))?/([^?]+)", url)
        if not m:
            raise SystemExit("cannot parse the MySQL URL")
        self.user, self.pw, self.host, port, _ = m.groups()
        SECRETS.append(self.pw or "")
        self.port = port or "3306"
        self.db = dbname
        cred = self.user + (":" + self.pw if self.pw else "")
        self.migrate_url = "mysql://%s@%s:%s/%s" % (cred, self.host, self.port, dbname)
        self.alembic_url = "mysql+pymysql://%s@%s:%s/%s" % (cred, self.host, self.port, dbname)

    def client(self, db=None):
        argv = ["mariadb", "--no-defaults", "-h", self.host, "-P", self.port, "-u", self.user]
        return argv + ([db] if db else [])

    def env(self):
        return {"MYSQL_PWD": self.pw or ""}

    def reset(self):
        run1(self.client() + ["-e", "DROP DATABASE IF EXISTS %s; CREATE DATABASE %s" % (self.db, self.db)],
             env=self.env())

    def version(self):
        try:
            return run1(self.client() + ["-N", "-B", "-e", "SELECT VERSION()"], env=self.env(),
                        capture=True)[2].decode().strip()
        except Failed:
            return "?"

    def drop_version_tables(self):
        run1(self.client(self.db) + ["-e", "DROP TABLE IF EXISTS migrate_version, migrate_version_log, alembic_version"],
             env=self.env())

    def raw(self, script):
        return self.client(self.db), script

    def sql(self, text):
        run1(self.client(self.db) + ["-e", text], env=self.env())

    def count_tables(self):
        _, _, out = run1(self.client(self.db) + ["-N", "-B", "-e",
                         "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 't\\_%'"],
                         env=self.env(), capture=True)
        return int(out)


# ---------------------------------------------------------------- the report

class Report:
    def __init__(self):
        self.parts = []
        self.commands = []
        self.findings = []

    def h(self, text):
        self.parts.append("\n## %s\n" % text)

    def p(self, text):
        self.parts.append(text + "\n")

    def table(self, head, rows):
        self.parts.append("| " + " | ".join(head) + " |")
        self.parts.append("|" + "---|" * len(head))
        for r in rows:
            self.parts.append("| " + " | ".join(r) + " |")
        self.parts.append("")

    def cmd(self, label, stat):
        if stat:
            self.commands.append((label, stat.cmd))


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = "%.1f GiB RAM" % (int(line.split()[1]) / 1048576)
    return "%s, %d cores (os.cpu_count), %s, %s %s" % (
        cpu, os.cpu_count(), mem, platform.system(), platform.release())


def version(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except Exception:
        return "?"


# ---------------------------------------------------------------- sections

class Bench:
    def __init__(self, args, work):
        self.a = args
        self.work = work
        self.rep = Report()
        self.bin = os.path.abspath(args.bin)
        self.dbs = [Sqlite(os.path.join(work, "sqlite"))]
        os.makedirs(os.path.join(work, "sqlite"), exist_ok=True)
        if os.environ.get("MIGRATE_TEST_PG_URL"):
            self.dbs.append(Postgres(os.environ["MIGRATE_TEST_PG_URL"], "bench_migrate"))
        if os.environ.get("MIGRATE_TEST_MYSQL_URL"):
            self.dbs.append(Mariadb(os.environ["MIGRATE_TEST_MYSQL_URL"], "bench_migrate"))
        self.projects = {}
        self.results = {}        # key -> Stat, for the summary
        self.load = []           # (section, 1-minute load average at its start)

    def project(self, n, shape):
        key = (n, shape)
        if key not in self.projects:
            d = os.path.join(self.work, "p%d_%s" % (n, shape))
            run1([PY, os.path.join(HERE, "gen_project.py"), str(n), d, shape])
            # Let Alembic compile its revision files once, as a user's checkout has.
            run1(ALEMBIC + ["heads"], cwd=os.path.join(d, "alembic"))
            # Likewise migrate's revision-header cache, which takes only files
            # older than 2 s (git's racy rule): files just generated would
            # measure a first run after a checkout, not the usual one.
            time.sleep(3)
            run1(self.mg(d, "heads"))
            self.projects[key] = d
        return self.projects[key]

    def mg(self, d, *args):
        return [self.bin, "-c", os.path.join(d, "migrate", "migrate.ini")] + list(args)

    def al(self, *args):
        return ALEMBIC + list(args)

    # -- heads / history on both shapes, no database needed
    def graph(self):
        r = self.rep
        r.h("Graph commands (no database)")
        r.p("`heads` and `history` load every revision file (migrate: its header cache, filled once). Alembic's revision files "
            "are compiled once beforehand (`__pycache__`), as in a user's checkout.")
        rows = []
        for shape in ("linear", "team"):
            for n in self.a.graph_sizes:
                d = self.project(n, shape)
                for cmd in ("heads", "history"):
                    log("graph %s %s %d" % (cmd, shape, n))
                    warm = self.a.warmup if n < 5000 else 0
                    m = measure(self.mg(d, cmd), runs=self.a.runs, warmup=max(warm, 1))
                    al = measure(self.al(cmd), cwd=os.path.join(d, "alembic"),
                                 runs=self.a.runs, warmup=warm)
                    self.results[("graph", cmd, shape, n)] = (m, al)
                    r.cmd("migrate %s, %s N=%d" % (cmd, shape, n), m)
                    r.cmd("alembic %s, %s N=%d" % (cmd, shape, n), al)
                    rows.append([cmd, shape, "{:,}".format(n), m.cell(), al.cell(),
                                 ratio(al, m), "%d" % (m.rss // 1024) + " MiB"])
        r.table(["command", "shape", "N", "migrate median (min–max)", "alembic median (min–max)",
                 "alembic / migrate", "migrate max RSS"], rows)

    # -- current on each database, stamped at head
    def current(self):
        r = self.rep
        r.h("`current` (database stamped at head, team shape)")
        r.p("Each tool stamps the database at head with its own version table first "
            "(untimed); then `current` is timed.")
        rows = []
        for db in self.dbs:
            db.reset()
            for n in self.a.current_sizes:
                d = self.project(n, "team")
                log("current %s %d" % (db.name, n))
                db.drop_version_tables()
                run1(self.mg(d, "stamp", "head"), env=db.migrate_env())
                run1(self.al("stamp", "head"), env=db.alembic_env(), cwd=os.path.join(d, "alembic"))
                warm = self.a.warmup if n < 5000 else 0
                m = measure(self.mg(d, "current"), env=db.migrate_env(), runs=self.a.runs, warmup=warm)
                # Alembic's `current` grows faster than linearly (~40 s at N=10,000):
                # beyond 5,000 only migrate is timed, for its linearity.
                al = measure(self.al("current"), env=db.alembic_env(), cwd=os.path.join(d, "alembic"),
                             runs=self.a.runs, warmup=warm) if n <= 5000 else None
                self.results[("current", db.name, n)] = (m, al)
                r.cmd("migrate current, %s N=%d" % (db.name, n), m)
                r.cmd("alembic current, %s N=%d" % (db.name, n), al)
                rows.append([db.name, "{:,}".format(n), m.cell(), al.cell() if al else "not timed", ratio(al, m),
                             "%.3f" % (m.med * 1000 / n * 1000)])
        r.table(["database", "N", "migrate median (min–max)", "alembic median (min–max)",
                 "alembic / migrate", "migrate ms per 1,000 revisions"], rows)

    # -- upgrade head --sql
    def offline(self):
        r = self.rep
        r.h("Offline `upgrade head --sql` (no connection)")
        rows = []
        for db in self.dbs:
            sizes = self.a.offline_sizes if db.dialect == "postgresql" else \
                [n for n in self.a.offline_sizes if n <= 1000]
            for n in sizes:
                d = self.project(n, "team")
                log("offline %s %d" % (db.name, n))
                m = measure(self.mg(d, "upgrade", "head", "--sql"), env=db.migrate_env(),
                            runs=self.a.runs, warmup=self.a.warmup)
                al = measure(self.al("upgrade", "head", "--sql"), env=db.alembic_env(),
                             cwd=os.path.join(d, "alembic"), runs=self.a.runs, warmup=self.a.warmup)
                self.results[("offline", db.name, n)] = (m, al)
                r.cmd("migrate upgrade head --sql, %s N=%d" % (db.name, n), m)
                r.cmd("alembic upgrade head --sql, %s N=%d" % (db.name, n), al)
                rows.append([db.name, "{:,}".format(n), m.cell(), al.cell() if al else "not timed", ratio(al, m),
                             "%d MiB" % (m.rss // 1024)])
        r.table(["dialect", "N", "migrate median (min–max)", "alembic median (min–max)",
                 "alembic / migrate", "migrate max RSS"], rows)

    # -- upgrade head / downgrade base against the raw clients
    def online(self):
        r = self.rep
        r.h("`upgrade head` from empty and `downgrade base` (team shape)")
        r.p("One cycle = drop the version tables (untimed; nothing else is left), "
            "`upgrade head` (timed), `downgrade base` (timed). The raw client runs "
            "the script `migrate upgrade head --sql` / `migrate downgrade HEAD:base --sql` "
            "print for that dialect: the same statements, version-table and log "
            "writes, and the same commit boundaries (`BEGIN`/`COMMIT` per revision on "
            "SQLite and PostgreSQL; on MariaDB DDL commits by itself and the script "
            "records each statement, as migrate does online). \"one transaction\" = "
            "`migrate upgrade head --transaction all` against the "
            "`--transaction all` script (one `BEGIN`/`COMMIT`), SQLite and PostgreSQL "
            "only. Alembic runs with `transaction_per_migration=True`. Each tool's "
            "first cycle checks that N tables exist after the upgrade and none after the downgrade. "
            "Runners take turns in an order that shifts by one each cycle, and on PostgreSQL "
            "each timed run follows an untimed `VACUUM` and `CHECKPOINT`, so that catalog "
            "cleanup after the previous run's thousands of tables falls on no runner.")
        rows = []
        try:
            self.online_rows(rows)
        finally:
            r.table(["database", "N", "runner", "upgrade head median (min–max)",
                     "downgrade base median (min–max)", "upgrade / raw", "downgrade / raw",
                     "alembic / migrate up", "alembic / migrate down", "max RSS"], rows)

    def online_rows(self, rows):
        r = self.rep
        for db in self.dbs:
            for n in self.a.run_sizes:
                d = self.project(n, "team")
                head = subprocess.run(self.mg(d, "heads"), capture_output=True,
                                      text=True).stdout.split()[0]
                sdir = os.path.join(self.work, "scripts")
                os.makedirs(sdir, exist_ok=True)
                scripts = {}
                wanted = [("up", ["upgrade", "head", "--sql"]),
                          ("down", ["downgrade", head + ":base", "--sql"])]
                if db.dialect != "mysql":
                    wanted.append(("up_all", ["upgrade", "head", "--sql", "--transaction", "all"]))
                for key, args in wanted:
                    path = os.path.join(sdir, "%s_%s_%d.sql" % (db.dialect, key, n))
                    _, _, out = run1(self.mg(d, *args), env=db.migrate_env(), capture=True)
                    with open(path, "wb") as f:
                        f.write(out)
                    scripts[key] = path
                db.reset()
                runs = self.a.runs
                warm = self.a.warmup if n <= 100 else 0
                menv = db.migrate_env()
                renv = db.env() if isinstance(db, Mariadb) else {}
                raw_up, raw_up_in = db.raw(scripts["up"])
                raw_all, raw_all_in = db.raw(scripts.get("up_all", ""))
                raw_dn, raw_dn_in = db.raw(scripts["down"])
                variants = [
                    ("migrate", dict(argv=self.mg(d, "upgrade", "head", "-q"), env=menv),
                     dict(argv=self.mg(d, "downgrade", "base", "-q"), env=menv)),
                    ("raw client", dict(argv=raw_up, env=renv, stdin=raw_up_in),
                     dict(argv=raw_dn, env=renv, stdin=raw_dn_in)),
                    ("alembic", dict(argv=self.al("upgrade", "head"), env=db.alembic_env(),
                                     cwd=os.path.join(d, "alembic")),
                     dict(argv=self.al("downgrade", "base"), env=db.alembic_env(),
                          cwd=os.path.join(d, "alembic"))),
                ]
                if db.dialect != "mysql":
                    variants += [
                        ("migrate --transaction all",
                         dict(argv=self.mg(d, "upgrade", "head", "--transaction", "all", "-q"), env=menv),
                         None),
                        ("raw client, one transaction",
                         dict(argv=raw_all, env=renv, stdin=raw_all_in), None),
                    ]
                # Round robin: cycle k runs every variant once, so that load from
                # elsewhere on the machine falls on all of them alike.
                # The order turns by one each cycle, so no runner always
                # follows the same one.
                acc = {name: ([], [], 0) for name, _, _ in variants}
                for k in range(warm + runs):
                    turn = k % len(variants)
                    for name, up, down in variants[turn:] + variants[:turn]:
                        log("run %s N=%d cycle %d/%d: %s" % (db.name, n, k + 1, warm + runs, name))
                        db.drop_version_tables()
                        db.settle()
                        t, rr, _ = run1(up["argv"], up.get("env"), up.get("cwd"), up.get("stdin"))
                        if k == 0 and db.count_tables() != n:
                            raise Failed("%s: %d tables after upgrade, expected %d"
                                         % (name, db.count_tables(), n))
                        if down is None:    # measured above already; a quick reset instead
                            db.reset()
                            t2, rr2 = None, 0
                        else:
                            db.settle()
                            t2, rr2, _ = run1(down["argv"], down.get("env"), down.get("cwd"), down.get("stdin"))
                        if k == 0 and db.count_tables() != 0:
                            raise Failed("%s: tables left after downgrade" % name)
                        if k >= warm:
                            ups, downs, rss = acc[name]
                            ups.append(t)
                            downs.append(t2)
                            acc[name] = (ups, downs, max(rss, rr, rr2))
                got = {}
                for name, up, down in variants:
                    ups, downs, rss = acc[name]
                    got[name] = (Stat(ups, rss, show(up["argv"], up.get("env"), up.get("stdin"), up.get("cwd"))),
                                 Stat(downs, rss, show(down["argv"], down.get("env"), down.get("stdin"), down.get("cwd")))
                                 if down else None)
                    r.cmd("%s upgrade, %s N=%d" % (name, db.name, n), got[name][0])
                    r.cmd("%s downgrade, %s N=%d" % (name, db.name, n), got[name][1])
                db.drop_version_tables()
                self.results[("online", db.name, n)] = got
                for name, _, _ in variants:
                    u, dn = got[name]
                    base = "raw client, one transaction" if "all" in name else "raw client"
                    rel_u = ratio(u, got[base][0], 2) if name.startswith("migrate") else ""
                    rel_d = ratio(dn, got["raw client"][1], 2) if name == "migrate" else ""
                    al_u = ratio(got["alembic"][0], u) if name == "migrate" else ""
                    al_d = ratio(got["alembic"][1], dn) if name == "migrate" else ""
                    rows.append([db.name, "{:,}".format(n), name, u.cell(), dn.cell() if dn else "(not timed again)",
                                 rel_u, rel_d, al_u, al_d,
                                 "%d MiB" % (u.rss // 1024) if name.startswith("migrate") else ""])

    # -- peak memory with /usr/bin/time -v
    def memory(self):
        r = self.rep
        r.h("Peak memory (`/usr/bin/time -v`, Maximum resident set size)")
        rows = []
        n = max(self.a.graph_sizes)
        d = self.project(n, "team")
        db = self.dbs[0]
        db.reset()
        run1(self.mg(d, "stamp", "head"), env=db.migrate_env())
        cases = [("heads", self.mg(d, "heads"), {}),
                 ("history", self.mg(d, "history"), {}),
                 ("current (SQLite)", self.mg(d, "current"), db.migrate_env()),
                 ("upgrade head --sql (PostgreSQL dialect)", self.mg(d, "upgrade", "head", "--sql"),
                  {"BENCH_MIGRATE_URL": "postgresql://nobody@127.0.0.1:1/x"})]
        db.reset()
        # SQLite's ALTER TABLE is O(tables): 10,000 revisions take ~8 minutes
        # there, so the run at N=10,000 goes to PostgreSQL when it is available.
        rdb = next((x for x in self.dbs if x.dialect == "postgresql"), db)
        rdb.reset()
        cases.append(("upgrade head (%s, from empty)" % rdb.name, self.mg(d, "upgrade", "head", "-q"),
                      rdb.migrate_env()))
        cases.append(("downgrade base (%s)" % rdb.name, self.mg(d, "downgrade", "base", "-q"),
                      rdb.migrate_env()))
        for label, argv, env in cases:
            log("memory %s" % label)
            e = dict(os.environ)
            e.update(env)
            p = subprocess.run(["/usr/bin/time", "-v"] + argv, env=e, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
            kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
            el = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", p.stderr)
            rows.append([label, "{:,}".format(n), "%.1f MiB" % (int(kb.group(1)) / 1024) if kb else "?",
                         el.group(1) if el else "?", str(p.returncode)])
            self.results[("memory", label)] = int(kb.group(1)) if kb else None
            r.commands.append(("memory: " + label, show(["/usr/bin/time", "-v"] + argv, env)))
        db.reset()
        rdb.reset()
        r.table(["migrate command", "N", "max RSS", "elapsed", "exit"], rows)

    # -- models: migrate check/diff vs alembic revision --autogenerate
    def autogen(self):
        import autogen_bench
        autogen_bench.run(self, sys.modules[__name__])


def summary(b):
    """Targets against what was measured."""
    res, a = b.results, b.a
    rows = []

    def add(target, got, ok):
        rows.append([target, got, "met" if ok else ("**missed**" if ok is False else "n/a")])

    big = 1000
    for cmd in ("heads", "history"):
        for shape in ("linear", "team"):
            v = res.get(("graph", cmd, shape, big))
            if v:
                rr = v[1].med / v[0].med
                add("`%s` >= 50x faster than Alembic at N=1,000 (%s)" % (cmd, shape), "%.1fx" % rr, rr >= 50)
            v = res.get(("graph", cmd, shape, 10000))
            if v:
                add("`%s` < 100 ms at N=10,000 (%s)" % (cmd, shape), ms(v[0].med), v[0].med < 0.1)
    for db in b.dbs:
        n = 5000 if ("current", db.name, 5000) in res else max(
            [k[2] for k in res if k[0] == "current" and k[1] == db.name] or [0])
        v = res.get(("current", db.name, n))
        if v:
            rr = v[1].med / v[0].med
            add("`current` >= 100x faster than Alembic at N=%s (%s)" % ("{:,}".format(n), db.name),
                "%.1fx" % rr, rr >= 100)
        pts = sorted((k[2], v[0].med) for k, v in res.items() if k[0] == "current" and k[1] == db.name)
        if len(pts) >= 3:
            # linear: time(N) ~ a + b*N; compare the growth between the two largest
            # sizes with the growth between the two smallest, per revision.
            (n0, t0), (n1, t1), (n2, t2) = pts[0], pts[-2], pts[-1]
            slope_lo = (t1 - t0) / (n1 - n0)
            slope_hi = (t2 - t1) / (n2 - n1)
            lin = slope_hi <= 2 * max(slope_lo, 1e-9)
            add("`current` linear in N (%s)" % db.name,
                "%.3f ms/1k revs (%s–%s), %.3f ms/1k revs (%s–%s)" % (
                    slope_lo * 1e6, n0, n1, slope_hi * 1e6, n1, n2), lin)
    for k, v in sorted(res.items(), key=lambda kv: str(kv[0])):
        if k[0] == "offline":
            rr = v[1].med / v[0].med
            add("`upgrade head --sql` >= 20x faster than Alembic (%s, N=%s)" % (k[1], "{:,}".format(k[2])),
                "%.1fx" % rr, rr >= 20)
    for k, got in res.items():
        if k[0] != "online":
            continue
        _, dbn, n = k
        m, raw = got["migrate"], got["raw client"]
        rr = m[0].med / raw[0].med
        add("`upgrade head` within 1.2x of the raw client (%s, N=%s)" % (dbn, "{:,}".format(n)), "%.2fx" % rr, rr <= 1.2)
        rr = m[1].med / raw[1].med
        add("`downgrade base` within 1.2x of the raw client (%s, N=%s)" % (dbn, "{:,}".format(n)), "%.2fx" % rr, rr <= 1.2)
        if "migrate --transaction all" in got:
            rr = got["migrate --transaction all"][0].med / got["raw client, one transaction"][0].med
            add("`--transaction all` within 1.2x of the raw client in one transaction (%s, N=%s)"
                % (dbn, "{:,}".format(n)), "%.2fx" % rr, rr <= 1.2)
    for k, v in res.items():
        if k[0] == "memory" and v:
            add("peak memory < 32 MiB at N=%s: %s" % ("{:,}".format(max(a.graph_sizes)), k[1]),
                "%.1f MiB" % (v / 1024), v < 32 * 1024)
    for k, v in res.items():
        if k[0] == "autogen-target":
            add(*v)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--only", default="graph,current,offline,online,memory,autogen")
    ap.add_argument("--notes", default="", help="a file whose text goes under the summary")
    a = ap.parse_args()
    if a.quick:
        a.runs, a.warmup = 5, 0
        a.graph_sizes, a.current_sizes = [100, 1000, 10000], [100, 1000, 5000]
        a.offline_sizes, a.run_sizes, a.model_sizes = [100, 1000], [100], [500]
        a.diff_sizes = [500]
    else:
        a.runs, a.warmup = 5, 1
        a.graph_sizes = [100, 1000, 10000]
        a.current_sizes = [100, 1000, 5000, 10000]
        a.offline_sizes, a.run_sizes, a.model_sizes = [100, 1000, 10000], [100, 1000], [500, 2000]
        a.diff_sizes = [500]
    sys.path.insert(0, HERE)
    work = tempfile.mkdtemp(prefix="migrate-bench-")
    started = time.time()
    b = Bench(a, work)
    sections = a.only.split(",")
    errors = []
    try:
        for s in ("graph", "current", "offline", "online", "memory", "autogen"):
            if s in sections:
                try:
                    b.load.append((s, open("/proc/loadavg").read().split()[0]))
                    getattr(b, s)()
                except Failed as e:
                    log("FAILED in %s: %s" % (s, e))
                    errors.append("%s: %s" % (s, e))
                    b.rep.p("\n**This section failed:** `%s`\n" % mask(str(e)).replace("`", "'"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.time() - started
    out = ["# migrate vs Alembic: benchmark results", "",
           "Written by `bash bench/run.sh%s` (bench/run.py); do not edit by hand." % (" --quick" if a.quick else ""),
           "", "- Machine: " + machine(),
           "- migrate: `%s` (%s), built with CMAKE_BUILD_TYPE=Release" % (os.path.relpath(b.bin, os.path.dirname(HERE)), version([b.bin, "--version"])),
           "- Alembic: %s; SQLAlchemy %s; Python %s" % (
               version(ALEMBIC + ["--version"]),
               version([PY, "-c", "import sqlalchemy; print(sqlalchemy.__version__)"]),
               version([PY, "-c", "import sys; print(sys.version.split()[0])"])),
           "- Databases: " + ", ".join("%s %s" % (db.name, db.version()) for db in b.dbs) + "; servers on 127.0.0.1",
           "- Runs: %d timed runs per figure after %d warm-up run(s) (none for Alembic and databases at N >= 1,000 / 5,000; migrate's graph commands always 1); "
           "figures are median (min–max) wall time of the whole process; ratios are between medians of this run." % (a.runs, a.warmup),
           "- Total time of this run: %.0f s" % elapsed,
           "- 1-minute load average when each section started (other work on the machine adds noise; "
           "compare min with median): " + ", ".join("%s %s" % x for x in b.load), ""]
    out.append("## Targets")
    out.append("")
    srows = summary(b)
    out.append("| target | measured | |")
    out.append("|---|---|---|")
    for r in srows:
        out.append("| " + " | ".join(r) + " |")
    out.append("")
    if a.notes and os.path.exists(a.notes):
        out.append(open(a.notes).read())
    if errors:
        out.append("## Failures\n")
        for e in errors:
            out.append("- `%s`" % mask(e).replace("`", "'"))
        out.append("")
    out += b.rep.parts
    out.append("\n## Every command\n")
    out.append("Temporary folders are shown as they were; passwords as `***`.\n")
    for label, c in b.rep.commands:
        out.append("- %s: `%s`" % (label, c))
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")
    log("wrote %s in %.0f s" % (a.out, elapsed))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
