#!/usr/bin/env python3
"""One line per benchmark of the Benchmarks/ package from ordo-one/benchmark's text output.

    scripts/bench-parser-summary.py parser-output.txt

Reads the per-message ('*', scaled) median of wall-clock time and of mallocs for each benchmark
and checks the parse+fields cases against their targets (under 1 µs and at most 2 allocations)
and the script route against its own (under 2 µs and under 10 allocations per run).
"""
import re
import sys

TARGET_NS = 1000
TARGET_MALLOCS = 2
# The routing-script benchmark (Benchmarks/ScriptRoute): one run of a 40-statement route.
SCRIPT_PREFIX = "script route"
SCRIPT_TARGET_NS = 2000
SCRIPT_MAX_MALLOCS = 9
UNIT_NS = {"ns": 1, "us": 1e3, "μs": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9}


def cells(line):
    return [c.strip() for c in line.strip().strip("│").split("│")]


def parse(text):
    """{benchmark name: {"ns": p50 ns, "mallocs": p50}} in output order."""
    results = {}
    name = None
    header = None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("╒") and i > 0:
            name = lines[i - 1].strip()
            results.setdefault(name, {})
            header = None
        elif line.startswith("│") and name:
            row = cells(line)
            if row[0] == "Metric":
                header = row
                continue
            if not header or "p50" not in header:
                continue
            p50 = row[header.index("p50")]
            try:
                value = float(p50.replace(",", ""))
            except ValueError:
                continue
            label = row[0]
            m = re.match(r"Time \(wall clock\) \((\S+)\)", label)
            if m and m.group(1) in UNIT_NS:
                scale = UNIT_NS[m.group(1)]
                # per message only when the row is scaled ('*'); else per 1000 messages
                per = 1 if label.endswith("*") else 1000
                results[name]["ns"] = value * scale / per
            elif label.startswith("Malloc (total)"):
                per = 1 if label.endswith("*") else 1000
                results[name]["mallocs"] = value / per
    return results


def main(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        results = parse(f.read())
    if not results:
        sys.exit("no benchmark tables found in " + path)
    parser = {n: r for n, r in results.items() if not n.startswith(SCRIPT_PREFIX)}
    scripts = {n: r for n, r in results.items() if n.startswith(SCRIPT_PREFIX)}
    missed = 0
    if parser:
        print("Parser summary (median per message):")
        for name, r in parser.items():
            ns, mallocs = r.get("ns"), r.get("mallocs")
            line = (f"  {name}: {'-' if ns is None else f'{ns:.0f}'} ns/msg, "
                    f"{'-' if mallocs is None else f'{mallocs:g}'} mallocs/msg")
            if name.startswith("parse+fields") and ns is not None and mallocs is not None:
                ok = ns < TARGET_NS and mallocs <= TARGET_MALLOCS
                missed += not ok
                line += (f"  [target < {TARGET_NS} ns and <= {TARGET_MALLOCS} mallocs: "
                         f"{'met' if ok else 'MISSED'}]")
            print(line)
    if scripts:
        print("Script route summary (median per run):")
        for name, r in scripts.items():
            ns, mallocs = r.get("ns"), r.get("mallocs")
            line = (f"  {name}: {'-' if ns is None else f'{ns:.0f}'} ns/run, "
                    f"{'-' if mallocs is None else f'{mallocs:g}'} mallocs/run")
            if ns is not None and mallocs is not None:
                ok = ns < SCRIPT_TARGET_NS and mallocs <= SCRIPT_MAX_MALLOCS
                missed += not ok
                line += (f"  [target < {SCRIPT_TARGET_NS} ns and < {SCRIPT_MAX_MALLOCS + 1} mallocs: "
                         f"{'met' if ok else 'MISSED'}]")
            print(line)
    if missed:
        print(f"  {missed} case(s) miss the target")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
