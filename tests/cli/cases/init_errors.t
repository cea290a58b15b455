--- run
migrate init proj -t nosuch
--- exit 2
--- stderr
migrate: no template 'nosuch' (see 'migrate list-templates')
--- run
migrate init proj -t ../templates
--- exit 2
--- stderr
migrate: bad template name '../templates'
--- run
touch afile && migrate init afile
--- exit 2
--- stderr
migrate: 'afile' exists and is not a folder
--- run
mkdir full && touch full/x && migrate init full
--- exit 2
--- stderr
migrate: folder 'full' already exists and is not empty
--- run
migrate init
--- exit 2
--- stderr
migrate: init: missing argument DIR (see 'migrate init --help')
--- run
MIGRATE_TEMPLATES=nowhere migrate init proj
--- exit 2
--- stderr
migrate: MIGRATE_TEMPLATES is 'nowhere', which is not a folder
--- run
ls
--- stdout
afile
full
