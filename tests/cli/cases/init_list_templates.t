--- run
migrate list-templates
--- stdout
Available templates:

  generic  Generic single-database configuration (SQLite by default).
  multidb  Several databases, one [db:LABEL] section each, with urls from the environment.

Use one with: migrate init DIR -t NAME
--- file tpl/zeta/migrate.ini
; Zeta: described by its first comment.
[migrate]
--- file tpl/alpha/README.md
# Alpha, from its README

more text
--- file tpl/alpha/migrate.ini
[migrate]
--- file tpl/not-a-template/README
no migrate.ini here
--- run
MIGRATE_TEMPLATES=tpl migrate --format json list-templates
--- stdout
{
  "folder": "tpl",
  "templates": [
    {
      "name": "alpha",
      "description": "Alpha, from its README"
    },
    {
      "name": "zeta",
      "description": "Zeta: described by its first comment."
    }
  ]
}
--- run
MIGRATE_TEMPLATES=tpl migrate init mine -t zeta
--- stdout
Creating directory mine ... done
Generating mine/migrate.ini ... done
Please edit the database url in 'mine/migrate.ini' before proceeding.
--- run
migrate list-templates extra
--- exit 2
--- stderr
migrate: list-templates: unexpected argument 'extra' (see 'migrate list-templates --help')
