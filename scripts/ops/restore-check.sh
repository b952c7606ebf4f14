#!/usr/bin/env bash
# restore-check.sh: prove that a Talabin backup restores into a working, consistent database.
#
#   scripts/ops/restore-check.sh [-d ADMIN_URL] DUMP
#
# It restores DUMP (a pg_dump custom-format archive, pg_dump -Fc) into a new scratch database
# with a unique name on the server, runs `talabin ledger verify` (every balance recomputed
# from the postings) and `talabin audit verify` (the audit log's hash chains, printing their
# heads) against it, and drops the scratch database on exit, whatever happened.
#
# The server: ADMIN_URL (-d or RESTORE_CHECK_URL), a postgres:// URL of a role that may
# create databases, e.g. postgres://postgres@db.internal:5432/postgres?sslmode=require; without
# it, the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE, ...) as
# psql would use them. Run it on a restore host, never against the production server: the
# scratch database costs the server the dump's size in disk and I/O.
#
# TALABIN names the talabin binary (default: talabin on PATH). It runs with a clean
# environment holding only DATABASE_URL (the scratch database), DEBUG=true (the verify
# commands need no production settings) and the PG* variables, so a production environment
# file loaded in this shell can never point it at the live database.
#
# Exit status: 0 when both checks pass ("restore-check: ok" is the last line), 1 when either
# finds a problem, 2 on a usage error or when the dump does not restore.
set -euo pipefail

usage() {
	echo "usage: $0 [-d ADMIN_URL] DUMP" >&2
	exit 2
}

admin_url=${RESTORE_CHECK_URL:-}
while getopts 'd:h' opt; do
	case $opt in
	d) admin_url=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
dump=$1
talabin=${TALABIN:-talabin}

log() { echo "restore-check: $*"; }
fail() {
	log "$*" >&2
	exit 2
}

[ -r "$dump" ] || fail "cannot read dump $dump"
command -v "$talabin" >/dev/null || fail "talabin binary not found: $talabin (set TALABIN)"
for tool in psql pg_restore; do
	command -v "$tool" >/dev/null || fail "$tool not found (install postgresql-client)"
done

# Without a URL, build one from the PG* variables; user, password and TLS settings stay in
# the environment, where both psql and the app's driver read them.
if [ -z "$admin_url" ]; then
	host=${PGHOST:-localhost}
	query=
	case $host in
	/*) query="?host=$host" && host=localhost ;; # a Unix socket folder
	esac
	admin_url="postgres://$host:${PGPORT:-5432}/${PGDATABASE:-postgres}$query"
fi
if [[ ! $admin_url =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]]; then
	fail "not a postgres:// URL: the server's address must be a URL (-d or RESTORE_CHECK_URL)"
fi
server=${BASH_REMATCH[1]}
query=${BASH_REMATCH[4]}

scratch="talabin_restore_check_$(date -u +%Y%m%d%H%M%S)_$$_${RANDOM}"
scratch_url="$server/$scratch$query"

drop_scratch() {
	psql "$admin_url" -X -q -v ON_ERROR_STOP=1 \
		-c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null ||
		log "could not drop scratch database $scratch: drop it by hand" >&2
}

log "creating scratch database $scratch"
psql "$admin_url" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$scratch\"" >/dev/null ||
	fail "cannot create the scratch database"
trap drop_scratch EXIT

log "restoring $dump"
# --no-owner and --no-privileges: the roles of the production server need not exist here.
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$scratch_url" "$dump" ||
	fail "the dump does not restore"

# The variables the talabin commands see, and nothing else.
mapfile -t pg_env < <(env | grep -E '^PG[A-Z]+=' || true)
verify() {
	env -i PATH="$PATH" HOME="${HOME:-/}" "${pg_env[@]}" DEBUG=true DATABASE_URL="$scratch_url" \
		"$talabin" "$@"
}

status=0
log "talabin ledger verify"
verify ledger verify || status=1
log "talabin audit verify (note the chain heads)"
verify audit verify || status=1

if [ "$status" -eq 0 ]; then
	log ok
else
	log "FAILED: the restored database does not verify" >&2
fi
exit "$status"
