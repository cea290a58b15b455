--- file migrate.ini
[migrate]
script_location = .
this line is wrong
[db:dev]
url = sqlite:///dev.db
--- run
migrate current
--- exit 2
--- stderr
migrate: $TMP/migrate.ini:3: expected 'key = value' or '[section]', not 'this line is wrong'
--- file sub/dir/notes.txt
the ini file is two folders up
--- file other.ini
[migrate]

[db:dev
url = postgresql://app:hunter2@db/app
--- run
cd sub/dir && migrate -c ../../other.ini current
--- exit 2
--- stderr
migrate: $TMP/other.ini:3: unterminated section header '[db:dev' (missing ']')
--- run
migrate -c missing.ini current
--- exit 2
--- stderr
migrate: config file 'missing.ini' not found
