--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions

[db:dev]
url = sqlite:///%(here)s/dev.db
--- file bundled.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
bundle = %(here)s/out/deploy.so

[db:dev]
url = sqlite:///%(here)s/dev.db
--- file versions/r1_account.c
#include <migrate/revision.h>

MIGRATE_REVISION(
	.revision = "r1",
	.message = "account",
);

/* The same static name in two revisions: each is compiled on its own. */
static int undo(migrate_op *op) { return migrate_drop_table(op, "account"); }

int upgrade(migrate_op *op)
{
	return migrate_create_table(op, "account",
				    migrate_column("id", "integer", MIGRATE_PRIMARY_KEY | MIGRATE_AUTOINCREMENT),
				    migrate_column("name", "varchar(50)", MIGRATE_NOT_NULL));
}

int downgrade(migrate_op *op)
{
	return undo(op);
}
--- file versions/r2_email.c
#include <migrate/revision.h>

MIGRATE_REVISION(
	.revision = "r2",
	.revises = "r1",
	.message = "email",
);

static int undo(migrate_op *op) { return migrate_drop_column(op, "account", "email"); }

int upgrade(migrate_op *op)
{
	return migrate_add_column(op, "account", migrate_column("email", "varchar(80)"));
}

int downgrade(migrate_op *op)
{
	return undo(op);
}
--- file versions/r3_index.c
#include <migrate/revision.h>

MIGRATE_REVISION(
	.revision = "r3",
	.revises = "r2",
	.message = "index",
);

int upgrade(migrate_op *op)
{
	return migrate_create_index(op, "ix_account_email", "account", "email", MIGRATE_INDEX_UNIQUE, NULL);
}

int downgrade(migrate_op *op)
{
	return migrate_drop_index(op, "ix_account_email", "account");
}
--- run
migrate compile --help
--- stdout
usage: migrate [global options] compile [options]

Compile every C revision into one bundle, for hosts without a compiler.

  -o, --output PATH            the bundle to write (default: 'bundle' in migrate.ini, else <script_location>/migrate-bundle.so); the manifest goes beside it as .json
  -h, --help                   show this help

Global options: -c FILE, -x KEY=VALUE, --db LABEL, --format text|json, -q
--- run
migrate compile
--- stdout
Compiled r1 ($TMP/versions/r1_account.c)
Compiled r2 ($TMP/versions/r2_email.c)
Compiled r3 ($TMP/versions/r3_index.c)
Wrote $TMP/migrate-bundle.so (3 C revisions), manifest $TMP/migrate-bundle.json
--- run
cat migrate-bundle.json
--- stdout
{
  "format": 1,
  "api_version": 1,
  "bundle": "migrate-bundle.so",
  "revisions": [
    {
      "revision": "r1",
      "file": "versions/r1_account.c",
      "content_hash": "123a634d12cd1bb663c2eded5f5df64c718e7cea"
    },
    {
      "revision": "r2",
      "file": "versions/r2_email.c",
      "content_hash": "234c805dca5e91f061a929504548fbc2acf011ac"
    },
    {
      "revision": "r3",
      "file": "versions/r3_index.c",
      "content_hash": "725944096670ad4180864a11f9da67b2786b0d3d"
    }
  ]
}
--- run
git hash-object versions/r1_account.c versions/r2_email.c versions/r3_index.c
--- stdout
123a634d12cd1bb663c2eded5f5df64c718e7cea
234c805dca5e91f061a929504548fbc2acf011ac
725944096670ad4180864a11f9da67b2786b0d3d
--- run
cp migrate-bundle.so first.so && migrate -q compile && cmp first.so migrate-bundle.so && echo same bytes
--- stdout
same bytes
--- run
ls -a | grep -c migrate-compile
--- exit 1
--- stdout
0
--- run
(unset CC; export XDG_CACHE_HOME=$PWD/.cache PATH=$PWD/.bin; migrate upgrade)
--- exit 3
--- stderr
migrate: $TMP/versions/r1_account.c: no C compiler found (set CC or install cc), and no bundle is configured: run 'migrate compile' on a build host
--- run
(unset CC; export XDG_CACHE_HOME=$PWD/.cache PATH=$PWD/.bin; migrate -q upgrade --bundle migrate-bundle.so && migrate current)
--- stdout
r3 (head)
--- run
sqlite3 dev.db "SELECT name FROM sqlite_master WHERE name IN ('account', 'ix_account_email') ORDER BY name"; ls .cache 2>&1 | head -1
--- stdout
account
ix_account_email
ls: cannot access '.cache': No such file or directory
--- run
(unset CC; export XDG_CACHE_HOME=$PWD/.cache PATH=$PWD/.bin; migrate -q downgrade base --bundle migrate-bundle.so && migrate current)
--- stdout
--- run
sqlite3 dev.db "SELECT count(*) FROM sqlite_master WHERE name IN ('account', 'ix_account_email')"
--- stdout
0
--- run
echo '/* edited */' >> versions/r2_email.c
--- run
(unset CC; export PATH=$PWD/.bin; migrate upgrade --bundle migrate-bundle.so)
--- exit 2
--- stderr
migrate: $TMP/versions/r2_email.c: revision 'r2' differs from the one compiled into migrate-bundle.so (content hash fd9fbb726fce336aee2e10117c8446ef7753ee5e, the bundle has 234c805dca5e91f061a929504548fbc2acf011ac): run 'migrate compile' again
--- run
migrate current; sqlite3 dev.db "SELECT count(*) FROM sqlite_master WHERE name = 'account'"
--- stdout
0
--- run
sed -i '$d' versions/r2_email.c && cp versions/r3_index.c versions/r4_more.c && sed -i 's/"r3"/"r4"/; s/"r2"/"r3"/; s/ix_account_email/ix_more/' versions/r4_more.c
--- run
(unset CC; export PATH=$PWD/.bin; migrate upgrade --bundle migrate-bundle.so)
--- exit 2
--- stderr
migrate: $TMP/versions/r4_more.c: revision 'r4' is not in the bundle migrate-bundle.so: run 'migrate compile' again
--- run
migrate current; mkdir out && migrate -c bundled.ini --format json compile
--- stdout
{
  "bundle": "$TMP/out/deploy.so",
  "manifest": "$TMP/out/deploy.json",
  "revisions": [
    {
      "revision": "r1",
      "file": "$TMP/versions/r1_account.c",
      "content_hash": "123a634d12cd1bb663c2eded5f5df64c718e7cea"
    },
    {
      "revision": "r2",
      "file": "$TMP/versions/r2_email.c",
      "content_hash": "234c805dca5e91f061a929504548fbc2acf011ac"
    },
    {
      "revision": "r3",
      "file": "$TMP/versions/r3_index.c",
      "content_hash": "725944096670ad4180864a11f9da67b2786b0d3d"
    },
    {
      "revision": "r4",
      "file": "$TMP/versions/r4_more.c",
      "content_hash": "1b1a945692f459f0bfd2b8c4e630bff7ab9133d5"
    }
  ]
}
--- run
(unset CC; export PATH=$PWD/.bin; migrate -c bundled.ini -q upgrade && migrate -c bundled.ini current)
--- stdout
r4 (head)
--- run
grep -c '"file": "../versions/' out/deploy.json; grep -c "$PWD/versions/r4_more.c" out/deploy.json
--- stdout
0
1
