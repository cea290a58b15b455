--- file migrate.ini
[migrate]
default_db = nowhere
[db:dev]
url = sqlite:///dev.db
--- file a/b/notes.txt
the ini file is two folders up
--- run
cd a/b && migrate current
--- exit 2
--- stderr
migrate: $TMP/migrate.ini:2: default_db 'nowhere' is not declared (migrate.ini declares: dev)
