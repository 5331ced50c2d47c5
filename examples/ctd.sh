#!/bin/sh
#
# Click-to-dial, as the SER user guide's "Advanced Example: Click-To-Dial" describes it:
# a "wrapper call" to the caller (INVITE with the media on hold), ACK of its 200, a REFER
# asking the caller to call the callee (Referred-By the controller), then BYE of the
# wrapper call. Every request goes out through the server's FIFO (t_uac_dlg); each
# report comes back on a reply FIFO.
#
#   ctd.sh [DESTINATION [CALLER]]
#
# Environment: FIFO (the server's FIFO, /tmp/ser_fifo), REPLY_DIR (its reply directory,
# /tmp), CONTROLLER (the controller's URI), OUTBOUND (next hop, "." for none), TIMEOUT
# (seconds to wait for each report, 40).

FIFO=${FIFO:-/tmp/ser_fifo}
REPLY_DIR=${REPLY_DIR:-/tmp}
CONTROLLER=${CONTROLLER:-sip:controller@127.0.0.1}
OUTBOUND=${OUTBOUND:-.}
TIMEOUT=${TIMEOUT:-40}
REPLY_NAME=ctd_reply_$$
REPLY_FIFO=$REPLY_DIR/$REPLY_NAME

if [ -z "$1" ]; then
	URI=sip:23@192.168.2.16
	echo "destination unspecified -- taking default value $URI"
else
	URI=$1
fi
if [ -z "$2" ]; then
	CALLER=sip:113311@192.168.2.16
	echo "caller unspecified -- taking default value $CALLER"
else
	CALLER=$2
fi

# fifo_request CONTENT: writes ":t_uac_dlg:<reply>" + CONTENT to the FIFO in one write and
# leaves the server's report in $REPORT (empty when none came).
fifo_request() {
	rm -f "$REPLY_FIFO" "$REPLY_FIFO.out"
	mkfifo -m 600 "$REPLY_FIFO" || exit 1
	cat "$REPLY_FIFO" > "$REPLY_FIFO.out" &
	reader=$!
	# a report that never comes (wrong REPLY_DIR, server gone) must not hang the script
	( sleep "$TIMEOUT"; kill $reader 2>/dev/null ) &
	watchdog=$!
	printf ':t_uac_dlg:%s\n%s\n' "$REPLY_NAME" "$1" > "$FIFO"
	wait $reader
	kill $watchdog 2>/dev/null
	REPORT=$(cat "$REPLY_FIFO.out")
	rm -f "$REPLY_FIFO" "$REPLY_FIFO.out"
}

# report_header NAME: the first header line NAME of the report's reply (name included).
report_header() {
	printf '%s\n' "$REPORT" | tr -d '\r' | grep -i "^$1:" | head -n 1
}

# 1: the wrapper call, its offer on hold (c=0.0.0.0).
SDP="v=0
o=ctd 0 0 IN IP4 0.0.0.0
s=-
c=IN IP4 0.0.0.0
t=0 0
m=audio 9 RTP/AVP 0
a=sendonly"
fifo_request "INVITE
$CALLER
$OUTBOUND
From: <$CONTROLLER>
To: <$CALLER>
Contact: <$CONTROLLER>
Content-Type: application/sdp
.
$SDP
."
case "$REPORT" in
2[0-9][0-9]*) echo "invitation succeeded" ;;
*) echo "invitation failed: $(printf '%s\n' "$REPORT" | head -n 1)"; exit 1 ;;
esac

# The dialog the 200 OK set up: its remote target, route set and identifiers.
TARGET=$(printf '%s\n' "$REPORT" | sed -n 2p)
[ "$TARGET" = "." ] && TARGET=$CALLER
NEXT_HOP=$(printf '%s\n' "$REPORT" | sed -n 3p)
[ "$NEXT_HOP" = "." ] && NEXT_HOP=$OUTBOUND
ROUTES=$(printf '%s\n' "$REPORT" | sed -n 4p | tr -d '\r')
[ "$ROUTES" = "." ] && ROUTES=""
FROM_HEADER=$(report_header From)
TO_HEADER=$(report_header To)
CALL_ID=$(report_header Call-ID)
CSEQ=$(report_header CSeq | sed 's/^[^:]*: *\([0-9]*\).*/\1/')

dialog_headers() {
	printf '%s\n%s\n%s\nCSeq: %s %s\n' "$FROM_HEADER" "$TO_HEADER" "$CALL_ID" "$1" "$2"
	[ -n "$ROUTES" ] && printf '%s\n' "$ROUTES"
}

# 3: ACK the 200 (an ACK gets no report).
printf ':t_uac_dlg:\nACK\n%s\n%s\n%s\n.\n.\n' "$TARGET" "$NEXT_HOP" "$(dialog_headers "$CSEQ" ACK)" > "$FIFO"

# 4: REFER the caller to the destination.
fifo_request "REFER
$TARGET
$NEXT_HOP
$(dialog_headers $((CSEQ + 1)) REFER)
Contact: <$CONTROLLER>
Refer-To: <$URI>
Referred-By: <$CONTROLLER>
.
."
case "$REPORT" in
2[0-9][0-9]*) echo "refer succeeded" ;;
*) echo "refer failed: $(printf '%s\n' "$REPORT" | head -n 1)"; exit 1 ;;
esac

# 6: the wrapper call is no longer needed.
fifo_request "BYE
$TARGET
$NEXT_HOP
$(dialog_headers $((CSEQ + 2)) BYE)
.
."
case "$REPORT" in
2[0-9][0-9]*) echo "bye succeeded" ;;
*) echo "bye failed: $(printf '%s\n' "$REPORT" | head -n 1)"; exit 1 ;;
esac
