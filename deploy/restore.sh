#!/bin/sh
# Restore a dump made by deploy/backup.sh: deploy/restore.sh FILE
#
# Restores into the database named by DATABASE_URL, replacing what is there: stop the
# web and worker services first (systemctl stop digihelp-web digihelp-worker), restore,
# run `manage.py migrate` (a dump from an older release gets the newer migrations), then
# start them again. To check a dump without touching production, restore it into a
# fresh database: createdb digihelp_check && DATABASE_URL=postgres://.../digihelp_check
# deploy/restore.sh FILE. Stops at the first error.
set -eu

file=${1:?usage: deploy/restore.sh FILE}
: "${DATABASE_URL:?set DATABASE_URL to the database to restore into (postgres://...)}"
[ -r "$file" ] || { echo "restore.sh: cannot read $file" >&2; exit 2; }
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --dbname="$DATABASE_URL" "$file"
echo "restored $file"
