#!/bin/sh
#
# The serweb stub of examples/ul_add.php as a shell function: write2fifo dumps a request
# to the FIFO server, opens a reply FIFO and reads the server's reply from it. Source this
# file and call write2fifo, or run it to add a contact:
#
#   examples/ul_add.sh USER CONTACT [EXPIRES] [Q]      (FIFO: $FIFO or /tmp/ser_fifo)
#
# write2fifo REQUEST FIFO REPLY_FIFO_PATH — REQUEST starts with ":command:reply_name"
# (reply_name is REPLY_FIFO_PATH's file name, inside the server's reply directory).

write2fifo() {
	fifo_cmd=$1
	fifo_server=$2
	reply_fifo_path=$3
	# open fifo now
	if [ ! -p "$fifo_server" ]; then
		echo "sorry -- cannot open fifo" >&2; return 1
	fi
	# create fifo for replies
	rm -f "$reply_fifo_path"
	mkfifo -m 666 "$reply_fifo_path" || { echo "sorry -- cannot create reply fifo" >&2; return 1; }
	# read output in the background first: the server waits a moment only for a reader
	cat "$reply_fifo_path" > "$reply_fifo_path.out" &
	reader=$!
	# add command separator and write the whole command at once
	if ! printf '%s\n\n' "$fifo_cmd" > "$fifo_server"; then
		kill $reader 2>/dev/null; rm -f "$reply_fifo_path" "$reply_fifo_path.out"
		echo "sorry -- fifo writing error" >&2; return 1
	fi
	wait $reader
	# the first line is the status, the rest the result
	cat "$reply_fifo_path.out"
	rm -f "$reply_fifo_path" "$reply_fifo_path.out"
}

# Run as a program: ul_add table user contact expires q replicate flags, as serweb sent it.
case "$0" in
*ul_add.sh)
	[ $# -ge 2 ] || { echo "usage: $0 USER CONTACT [EXPIRES] [Q]" >&2; exit 64; }
	reply_name=ul_add_reply_$$
	write2fifo ":ul_add:$reply_name
location
$1
$2
${3:-0}
${4:-1.00}
0
0" "${FIFO:-/tmp/ser_fifo}" "/tmp/$reply_name"
	;;
esac
