# Benchmarks, included from the Makefile. README.md ("Benchmarks") says how to read the output.
#   make bench          parser micro-benchmarks, then Tern vs Kamailio under SIPp (~5 min per workload)
#   make bench-parser   ns and mallocs per message for SIPCore's parser and per run of a
#                       compiled routing script (Benchmarks/ package)
#   make bench-server   Tern vs Kamailio: fixed-rate CPU/latency/memory and ramp to the max rate
#   make bench-instr    Tern vs Kamailio: instructions per call under callgrind
# Settings (make VAR=value or environment): BENCH_WORKLOADS, BENCH_REPEAT, BENCH_DURATION,
# BENCH_RATE, BENCH_MODES, BENCH_LATENCY, BENCH_STEP_DURATION, BENCH_RAMP_STEPS,
# BENCH_INSTR_DURATION, BENCH_INSTR_RATES, BENCH_HARNESS, BENCH_OUT, BENCH_ARGS
# (scripts/bench.sh lists them with their defaults).

# Workloads Tern is compared on (every config the harness knows).
BENCH_WORKLOADS ?= stateless register proxy-stateless register-auth proxy-stateful
export BENCH_WORKLOADS

.PHONY: bench bench-parser bench-server bench-instr

# One after the other, never in parallel: they would share the same 2 cores.
bench:
	$(MAKE) --no-print-directory bench-parser
	$(MAKE) --no-print-directory bench-server

bench-parser:
	scripts/bench-parser.sh

bench-server: release
	scripts/bench.sh server

bench-instr: release
	scripts/bench.sh instr
