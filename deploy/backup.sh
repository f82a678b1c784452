#!/bin/sh
# Back up Digihelp's PostgreSQL database: deploy/backup.sh [DIRECTORY]
#
# Reads DATABASE_URL (as the app does) and writes DIRECTORY/digihelp-YYYYMMDD-HHMMSS.dump
# in pg_dump's custom format (compressed; pg_restore can restore all of it or part of
# it). The file appears only once it is complete. Dumps older than BACKUP_KEEP_DAYS
# (default 14) are deleted. Prints the new file's path.
#
# Restore with deploy/restore.sh. Uploaded files (MEDIA_ROOT) are not in the database:
# copy them too, e.g. rsync -a /var/lib/digihelp/media/ backup-host:digihelp-media/
set -eu

: "${DATABASE_URL:?set DATABASE_URL to the database to back up (postgres://...)}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac
directory=${1:-/var/backups/digihelp}
keep_days=${BACKUP_KEEP_DAYS:-14}

mkdir -p "$directory"
file="$directory/digihelp-$(date -u +%Y%m%d-%H%M%S).dump"
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$DATABASE_URL"
mv "$file.partial" "$file"
find "$directory" -name 'digihelp-*.dump' -mtime +"$keep_days" -delete
echo "$file"
