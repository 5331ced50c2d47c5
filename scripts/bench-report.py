#!/usr/bin/env python3
"""Markdown comparison of Tern and Kamailio from the SIPp harness's JSONL results.

    scripts/bench-report.py [--info run-info.txt] results.jsonl [more.jsonl ...]

For every workload: server CPU per 10k calls at a fixed rate, server latency, SIPp response
time, memory, max sustained rate and (if measured) instructions per call, each with the ratio
Tern / Kamailio. The latest record per (server, workload, kind) wins.
"""
import json
import sys

ORDER = ["stateless", "register", "register-auth", "proxy-stateful", "proxy-stateless"]
A, B = "tern", "kamailio"


def load(paths):
    latest = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    rec = json.loads(line)
                    latest[(rec["label"], rec["workload"], rec["kind"])] = rec
    return latest


def num(v, fmt):
    return "-" if v is None else fmt.format(v)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return f"**{a / b:.2f}**"


def ms(v):
    if v is None:
        return "-"
    return "<1" if v < 1 else f"{v:.0f}"


def fixed_rows(fa, fb):
    """Rows from the fixed-rate records (either may be None)."""
    ma = fa["median"] if fa else {}
    mb = fb["median"] if fb else {}
    rows = []

    def cpu(m):
        if not m:
            return None, "-"
        runs = m.get("server_cpu_s_per_10k_calls_all") or []
        spread = f" ({min(runs):.3f}-{max(runs):.3f})" if len(runs) > 1 else ""
        return m["server_cpu_s_per_10k_calls"], f"{m['server_cpu_s_per_10k_calls']:.3f}{spread}"

    rate = (fa or fb)["target_rate"]
    reps = (fa or fb)["repeats"]
    (ca, sa), (cb, sb) = cpu(ma), cpu(mb)
    rows.append((f"server CPU-s per 10k calls at {rate:.0f}/s (median of {reps}; min-max)",
                 sa, sb, ratio(ca, cb)))

    def fails(m):
        if not m:
            return "-"
        return f"{100 * m.get('fail_ratio', 0):.2f} % ({m.get('ok', 0):.0f} ok)"

    rows.append(("failed calls (median run)", fails(ma), fails(mb), ""))

    def lat(m):
        v = m.get("server_lat_us") or {}
        return (v.get("p50"), v.get("p99")) if v else (None, None)

    (la50, la99), (lb50, lb99) = lat(ma), lat(mb)
    if la99 is not None or lb99 is not None:
        rows.append(("server latency p50 / p99 (µs, loopback capture run)",
                     f"{num(la50, '{:.0f}')} / {num(la99, '{:.0f}')}",
                     f"{num(lb50, '{:.0f}')} / {num(lb99, '{:.0f}')}", ratio(la99, lb99)))

    def rt(m):
        v = m.get("rt_ms") or {}
        return (v.get("p50"), v.get("p99")) if v else (None, None)

    (ra50, ra99), (rb50, rb99) = rt(ma), rt(mb)
    rt_ratio = ratio(ra99, rb99) if (ra99 or 0) >= 1 and (rb99 or 0) >= 1 else "-"
    rows.append(("SIPp response time p50 / p99 (ms, 1 ms resolution)",
                 f"{ms(ra50)} / {ms(ra99)}", f"{ms(rb50)} / {ms(rb99)}", rt_ratio))

    def mem(m, key):
        v = m.get(key)
        return None if v is None else v / 1024

    for key, name in (("rss_peak_kb", "RSS peak (MB, sum over processes)"),
                      ("pss_peak_kb", "PSS peak (MB, shared pages split)")):
        a, b = mem(ma, key), mem(mb, key)
        rows.append((name, num(a, "{:.1f}"), num(b, "{:.1f}"), ratio(a, b)))
    return rows


def ramp_rows(ra, rb):
    def best(r):
        return r.get("max_sustained_rate") if r else None

    def cell(r):
        if not r:
            return "-"
        if r.get("max_sustained_rate") is None:
            return "none passed"
        tail = "" if r.get("first_failing_rate") else " (no failing step)"
        return f"{r['max_sustained_rate']}{tail}"

    return [("max sustained rate (calls/s, < 0.1 % failures)", cell(ra), cell(rb),
             ratio(best(ra), best(rb)))]


def instr_rows(ia, ib):
    def v(r):
        return r.get("instr_per_call") if r else None

    return [("instructions per call (callgrind, user space)",
             num(v(ia), "{:,}"), num(v(ib), "{:,}"), ratio(v(ia), v(ib)))]


def notes(recs, w):
    out = []
    for lab in (A, B):
        fx = recs.get((lab, w, "fixed"))
        if fx:
            m = fx["median"]
            out.append(f"{lab} fixed: {m.get('server_cores', 0):.2f} server cores, SIPp "
                       f"{m.get('sipp_cores', 0):.2f} cores, other load "
                       f"{m.get('other_cores', 0):.2f} cores, CPU spread across runs "
                       f"{100 * m.get('server_cpu_s_per_10k_calls_spread', 0):.0f} %")
            errs = sum(r.get("server_log_error_lines") or 0 for r in fx["runs"])
            if errs:
                out.append(f"{lab} fixed: {errs} server log lines mention errors")
        rp = recs.get((lab, w, "ramp"))
        if rp and rp.get("at_max"):
            am = rp["at_max"]
            first = rp.get("first_failing_rate")
            out.append(f"{lab} ramp: " + (f"first failing {first}/s" if first else "no step failed")
                       + f"; at max "
                       f"server {am['server_cores']:.2f} cores, SIPp UAC {am['uac_cores']:.2f} "
                       f"cores, host {am['host_busy_cores']:.2f} cores; limit: {rp.get('bottleneck')}")
    return out


def main(argv):
    info = None
    if argv[:1] == ["--info"]:
        info, argv = argv[1], argv[2:]
    if not argv:
        sys.exit(__doc__)
    recs = load(argv)
    workloads = sorted({k[1] for k in recs},
                       key=lambda w: (ORDER.index(w) if w in ORDER else 99, w))
    print("## Tern vs Kamailio 5.6 (SIPp, same config, same run)\n")
    if info:
        with open(info) as f:
            for line in f:
                print(f"- {line.strip()}")
        print()
    print("Ratio = Tern / Kamailio: below 1 is better for CPU, latency and memory, "
          "above 1 is better for the max rate. A call is one SIPp scenario (stateless and "
          "register: one request; register-auth: two; proxy: INVITE/ACK/BYE and their "
          "responses). Kamailio runs several processes sharing memory: compare PSS.\n")
    for w in workloads:
        fa, fb = recs.get((A, w, "fixed")), recs.get((B, w, "fixed"))
        ra, rb = recs.get((A, w, "ramp")), recs.get((B, w, "ramp"))
        ia, ib = recs.get((A, w, "instr")), recs.get((B, w, "instr"))
        rows = []
        if fa or fb:
            rows += fixed_rows(fa, fb)
        if ra or rb:
            rows += ramp_rows(ra, rb)
        if ia or ib:
            rows += instr_rows(ia, ib)
        if not rows:
            continue
        desc = (fa or fb or ra or rb or ia or ib).get("desc", "")
        print(f"### {w}: {desc}\n")
        print("| metric | Tern | Kamailio | Tern / Kamailio |")
        print("|---|---|---|---|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        extra = notes(recs, w)
        if extra:
            print()
            for line in extra:
                print(f"- {line}")
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
