--- file migrate.ini
[migrate]
default_db = dev

[db:dev]
url = sqlite:///dev.db

[db:prod]
url = postgresql://app:hunter2@db.example.com/app
--- run
migrate -x db=staging current
--- exit 2
--- stderr
migrate: unknown database 'staging' (migrate.ini declares: dev, prod)
--- run
migrate --db qa current
--- exit 2
--- stderr
migrate: unknown database 'qa' (migrate.ini declares: dev, prod)
--- run
migrate -x tenant current
--- exit 2
--- stderr
migrate: -x expects KEY=VALUE, not 'tenant'
