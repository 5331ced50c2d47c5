#!/bin/sh
# The missed-call notifier of the exec examples (steps 3 to 6), run by exec_msg() from the
# directory Tern runs in: looks up the e-mail address of the called user (SIP_OUSER, set by
# exec) in the subscriber table and mails who called (SIP_HF_FROM). Exits 1 when the user has
# no address, and the config answers 404 "User does not exist".
#
# Database: the SQLite file Tern creates beside the config (tern.db; SQLITE_DB=path to use
# another), read with the sqlite3 command-line tool. MySQL or MariaDB, as the seed had it:
#   MISSED_CALL_DB=mysql MYSQL_HOST=127.0.0.1 MYSQL_PORT=3306 MYSQL_USER=kamailio
#   MYSQL_PASSWORD=secret MYSQL_DATABASE=kamailio
# (exported in the environment Tern is started with; exec passes it on).
# Kamailio's subscriber table has no e-mail column any more (SER's had email_address):
#   ALTER TABLE subscriber ADD COLUMN email_address VARCHAR(128) NOT NULL DEFAULT '';

user="$SIP_OUSER"
# The user part comes from the caller: only plain names reach the SQL text.
case "$user" in
	'' | *[!A-Za-z0-9._+-]*) exit 1 ;;
esac
query="SELECT email_address FROM subscriber WHERE username='$user' AND email_address<>'' LIMIT 1;"

case "${MISSED_CALL_DB:-sqlite}" in
	mysql)
		email=$(mysql -B -N -h "${MYSQL_HOST:-localhost}" -P "${MYSQL_PORT:-3306}" -u "${MYSQL_USER:-kamailio}" \
			${MYSQL_PASSWORD:+"-p$MYSQL_PASSWORD"} -e "$query" "${MYSQL_DATABASE:-kamailio}") || exit 1
		;;
	*)
		email=$(sqlite3 "${SQLITE_DB:-tern.db}" "$query") || exit 1
		;;
esac
[ -n "$email" ] || exit 1

echo "SIP request received from $SIP_HF_FROM for $user" | mail -s "request for you" "$email"
