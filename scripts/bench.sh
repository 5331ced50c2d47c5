#!/usr/bin/env bash
# Tern against Kamailio 5.6 on the same unchanged config, in the same run, through the SIPp
# harness in ../shared/bench. The two servers take turns (fixed-rate runs interleave A B A B),
# because this kind of shared machine drifts by tens of percent within half an hour.
#
#   scripts/bench.sh server   fixed rate (CPU per 10k calls, latency, memory) + ramp (max rate)
#   scripts/bench.sh instr    instructions per call under callgrind (stable on a noisy machine)
#
# Raw harness output goes to bench-out/<stamp>-<mode>/, progress to stderr, and the markdown
# comparison (also saved as summary.md there) to stdout. Settings, all optional:
#   BENCH_WORKLOADS       workloads to run, in order (default: stateless register proxy-stateless register-auth
#                         proxy-stateful); the harness knows
#                         stateless register register-auth proxy-stateful proxy-stateless
#   BENCH_REPEAT          fixed-rate runs per server, medians reported (default 3)
#   BENCH_DURATION        seconds per fixed-rate run (default 12)
#   BENCH_RATE            fixed rate in calls/s (default: the harness's per-workload rate)
#   BENCH_MODES           server modes (default "fixed ramp")
#   BENCH_LATENCY         1: one extra fixed run per server with a loopback capture for
#                         microsecond server latency (default 1)
#   BENCH_STEP_DURATION   seconds per ramp step (default 5)
#   BENCH_RAMP_STEPS      most ramp steps per server (default 7)
#   BENCH_INSTR_DURATION  seconds per callgrind run (default 20)
#   BENCH_INSTR_RATES     the two callgrind rates (default 20,100)
#   BENCH_HARNESS         harness folder (default ../shared/bench beside this repository)
#   BENCH_TERN            Tern binary (default .build/release/tern)
#   BENCH_KAMAILIO        Kamailio binary (default: kamailio on PATH)
#   BENCH_OUT             output root (default bench-out)
#   BENCH_ARGS            extra harness options for every call, e.g. "--port 36070"
set -euo pipefail

mode=${1:-server}
case $mode in server | instr) ;; *)
	echo "usage: $0 server|instr" >&2
	exit 2
	;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

workloads=${BENCH_WORKLOADS:-stateless register proxy-stateless register-auth proxy-stateful}
harness=${BENCH_HARNESS:-$root/../shared/bench}
tern=${BENCH_TERN:-$root/.build/release/tern}
out_root=${BENCH_OUT:-$root/bench-out}

log() { echo "bench: $*" >&2; }

# The packages the harness drives, installed once per machine.
ensure_packages() {
	local missing=() p
	for p in kamailio sip-tester valgrind tcpdump; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_packages
[ -x "$harness/run.sh" ] || { log "no SIPp harness at $harness (set BENCH_HARNESS)"; exit 1; }
harness=$(cd "$harness" && pwd)
[ -x "$tern" ] || { log "no Tern binary at $tern (run 'make release' first)"; exit 1; }
tern=$(cd "$(dirname "$tern")" && pwd)/$(basename "$tern")
kamailio=${BENCH_KAMAILIO:-$(command -v kamailio || echo /usr/sbin/kamailio)}
[ -n "$kamailio" ] && [ -x "$kamailio" ] || { log "kamailio not found"; exit 1; }

# Both servers get the same argument list: only the binary differs.
server_args='-DD -E -m 2048 -f {BENCH}/kamailio/{WORKLOAD}.cfg -A PORT={PORT} -A UAS_PORT={UAS_PORT}'
servers=(--server "tern=$tern $server_args" --server "kamailio=$kamailio $server_args")

out=$out_root/$(date -u +%Y%m%d-%H%M%S)-$mode
mkdir -p "$out"
jsonl=$out/results.jsonl
console=$out/console.log

{
	echo "started: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "tern: $tern ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'no commit'))"
	echo "kamailio: $("$kamailio" -v 2>/dev/null | head -1)"
	echo "sipp: $(sipp -v 2>/dev/null | grep -o 'SIPp v[0-9.]*' | head -1)"
	echo "workloads: $workloads"
} >"$out/run-info.txt"
log "writing to $out"

# Ramp starts near where each workload has topped out here before, so the search needs few steps.
ramp_start() {
	case $1 in
	stateless | register) echo 8000 ;;
	register-auth) echo 2000 ;;
	proxy-stateless) echo 1000 ;;
	*) echo 500 ;;
	esac
}

failures=()

# One harness call; its progress lines go to the console log and stderr, its JSON to $jsonl.
run_harness() {
	local what=$1
	shift
	log "$what"
	# shellcheck disable=SC2086
	if ! "$harness/run.sh" --out "$out/runs" --jsonl "$jsonl" ${BENCH_ARGS:-} "$@" 2>&1 |
		grep --line-buffered -v '^{' | tee -a "$console" >&2; then
		failures+=("$what")
		log "FAILED: $what (see $console)"
	fi
}

if [ "$mode" = instr ]; then
	# valgrind 3.19 gives up on the DWARF 5 debug info Swift emits; the same code without
	# it counts the same instructions.
	if command -v objcopy >/dev/null; then
		objcopy --strip-debug "$tern" "$out/tern"
		servers=(--server "tern=$out/tern $server_args" --server "kamailio=$kamailio $server_args")
	else
		log "objcopy (binutils) missing: callgrind may fail on tern's debug info"
	fi
fi

for w in $workloads; do
	if [ "$mode" = instr ]; then
		run_harness "$w: callgrind instructions per call" --mode instr --ready-timeout 120 \
			--instr-duration "${BENCH_INSTR_DURATION:-20}" --instr-rates "${BENCH_INSTR_RATES:-20,100}" \
			"${servers[@]}" "$w"
		continue
	fi
	for m in ${BENCH_MODES:-fixed ramp}; do
		case $m in
		fixed)
			latency=--no-latency-run
			[ "${BENCH_LATENCY:-1}" = 1 ] && command -v tcpdump >/dev/null && latency=--latency-run
			rate=()
			[ -n "${BENCH_RATE:-}" ] && rate=(--rate "$BENCH_RATE")
			run_harness "$w: fixed rate, ${BENCH_REPEAT:-3} interleaved runs per server" --mode fixed \
				--repeat "${BENCH_REPEAT:-3}" --duration "${BENCH_DURATION:-12}" "${rate[@]}" $latency \
				"${servers[@]}" "$w"
			;;
		ramp)
			# A failing step can run into retransmission storms: a short grace bounds it.
			run_harness "$w: ramp to the max sustained rate" --mode ramp \
				--ramp-start "$(ramp_start "$w")" --step-duration "${BENCH_STEP_DURATION:-5}" \
				--ramp-steps "${BENCH_RAMP_STEPS:-7}" --grace 10 "${servers[@]}" "$w"
			;;
		*)
			log "unknown mode $m (fixed, ramp)"
			exit 2
			;;
		esac
	done
done

if [ -s "$jsonl" ]; then
	python3 "$harness/report.py" --details "$jsonl" >"$out/harness-report.md" || true
	python3 "$root/scripts/bench-report.py" --info "$out/run-info.txt" "$jsonl" | tee "$out/summary.md"
else
	log "no results were recorded"
fi
log "raw output: $out"
if [ ${#failures[@]} -gt 0 ]; then
	log "failed: ${failures[*]}"
	exit 1
fi
