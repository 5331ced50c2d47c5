#!/usr/bin/env python3
"""Runs the script snippets of Tests/TernLanguageTests/Snippets on a real Kamailio and compares
what Kamailio computes with the expected values of the table.

One Kamailio config holds every snippet. Each snippet runs alone on its own request (so an
`exit`, a `drop` or a changed R-URI touches nothing else), at the top of request_route, the
way the Tern test runs it; a second request then logs `$var(out)` with xlog, and the log
lines are collected from Kamailio's standard error. Snippets whose expected result is a
config error are each started on their own and must make Kamailio refuse to start.

    scripts/check-snippets-against-kamailio.py            compare and report
    scripts/check-snippets-against-kamailio.py --write    also mark the snippets Kamailio
                                                          agrees with as `@kamailio verified`
                                                          (and unmark those it no longer agrees with)
    scripts/check-snippets-against-kamailio.py --only ID  run the snippets whose id starts with ID

Needs kamailio 5.6 on PATH (Debian's package) and the UDP ports 38001-38003 on 127.0.0.1.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNIPPETS = os.path.join(ROOT, "Tests", "TernLanguageTests", "Snippets")
KAMAILIO_PORT = 38001
CLIENT_PORT = 38002
PING_PORT = 38003

# Loaded for every snippet (Tern loads only what a snippet's @modules line names).
KAMAILIO_MODULES = ["sl", "pv", "xlog", "textops", "textopsx", "siputils", "cfgutils", "kex",
                    "maxfwd", "sanity", "corex", "htable"]
KAMAILIO_PARAMS = []


# ----------------------------------------------------------------------------------------------
# The snippet table (same format the Swift test reads; see Snippets/README.md)

class Snippet:
    def __init__(self, file, line):
        self.file = file
        self.line = line
        self.id = ""
        self.body = []
        self.routes = []
        self.modules = []
        self.message = "options"
        self.pending = None
        self.kamailio = None
        self.expected = None        # the text, or None for a config error
        self.expects_error = False
        self.kamailio_line = None   # index in the file of the @kamailio line, if any


def read_snippets():
    snippets = []
    for name in sorted(os.listdir(SNIPPETS)):
        if not name.endswith(".snip"):
            continue
        path = os.path.join(SNIPPETS, name)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        current = None
        for i, line in enumerate(lines):
            if line.startswith("=== "):
                current = Snippet(name, i + 1)
                current.id = line[4:].strip()
                snippets.append(current)
                continue
            if current is None or current.expected is not None or current.expects_error:
                continue
            if line.startswith("@"):
                key, _, value = line[1:].partition(" ")
                if key == "modules":
                    current.modules = value.split()
                elif key == "message":
                    current.message = value.strip()
                elif key == "route":
                    current.routes.append(value)
                elif key == "pending":
                    current.pending = value.strip()
                elif key == "kamailio":
                    current.kamailio = value.strip()
                    current.kamailio_line = i
                else:
                    sys.exit(f"{name}:{i + 1}: unknown attribute @{key}")
            elif line.startswith("--> ["):
                if not line.endswith("]"):
                    sys.exit(f"{name}:{i + 1}: expected value must end with ]")
                current.expected = line[5:-1]
            elif line.strip() == "--> load error":
                current.expects_error = True
            else:
                current.body.append(line)
    seen = set()
    for s in snippets:
        if s.id in seen:
            sys.exit(f"{s.file}:{s.line}: snippet id {s.id} used twice")
        seen.add(s.id)
        if s.expected is None and not s.expects_error:
            sys.exit(f"{s.file}:{s.line}: snippet {s.id} has no expected result")
        while s.body and not s.body[-1].strip():
            s.body.pop()
    return snippets


def message_bytes(name):
    with open(os.path.join(SNIPPETS, "messages", name + ".sip"), encoding="utf-8") as f:
        return f.read().replace("\n", "\r\n").encode()


# ----------------------------------------------------------------------------------------------
# The Kamailio config

def header(rundir):
    lines = [
        "debug=1",
        "log_stderror=yes",
        "children=1",
        "disable_tcp=yes",
        "auto_aliases=no",
        f'rundir="{rundir}"',
        f"listen=udp:127.0.0.1:{KAMAILIO_PORT}",
    ]
    lines += [f'loadmodule "{m}.so"' for m in KAMAILIO_MODULES]
    lines += KAMAILIO_PARAMS
    return lines


VAR_NAME = re.compile(r"\$\(?(var|vz|vn)\((\w+)\)")


def resets(snippet):
    """Kamailio keeps $var values for the life of the worker; Tern's test starts each snippet
    with fresh ones. Set every variable the snippet names back to its initial value."""
    out = ["$var(out) = 0;"]
    done = {("var", "out")}
    for kind, name in VAR_NAME.findall("\n".join(snippet.body + snippet.routes)):
        if (kind, name) in done:
            continue
        done.add((kind, name))
        out.append({"var": f"$var({name}) = 0;", "vz": f'$vz({name}) = "";', "vn": f"$vn({name}) = $null;"}[kind])
    return out


def build_config(snippets, rundir):
    """One config running snippet k on request 2k-1 and logging its $var(out) on request 2k.
    Returns the text and, per line number, the snippet written there."""
    lines = header(rundir)
    owner = {}

    def add(text, snippet=None):
        for piece in text.split("\n"):
            lines.append(piece)
            if snippet is not None:
                owner[len(lines)] = snippet

    written = set()
    for s in snippets:
        for r in s.routes:
            if r not in written:   # the same modparam may serve several snippets
                written.add(r)
                add(r, s)
    add("request_route {")
    add('    if ($hdr(X-Ping) != $null) { sl_send_reply("200", "pong"); exit; }')
    add("    $var(snip_run) = $var(snip_run) + 1;")
    for k, s in enumerate(snippets):
        add(f"    if ($var(snip_run) == {2 * k + 1}) {{")
        for r in resets(s):
            add("        " + r, s)
        for b in s.body:
            add(b, s)   # not indented: a string continued with \<newline> keeps the next line's blanks
        add("    }")
        add(f"    if ($var(snip_run) == {2 * k + 2}) {{")
        add(f'        xlog("L_ERR", "SNIP {s.id} [$(var(out){{s.encode.hexa}})]\\n");')
        add('        sl_send_reply("200", "OK");')
        add("        exit;")
        add("    }")
    add("}")
    return "\n".join(lines) + "\n", owner


def error_config(snippet, rundir):
    lines = header(rundir) + list(snippet.routes)
    lines.append("request_route {")
    lines += snippet.body
    lines.append("}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# Running Kamailio

def start_kamailio(config_path, log_path):
    log = open(log_path, "w")
    return subprocess.Popen(["kamailio", "-DD", "-E", "-m", "64", "-M", "64", "-f", config_path],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_kamailio(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def ping(sock, timeout):
    """Waits until Kamailio answers an OPTIONS carrying X-Ping (answered before any snippet)."""
    msg = (f"OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{PING_PORT};branch=z9hG4bK-ping\r\n"
           "From: <sip:ping@127.0.0.1>;tag=1\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: ping\r\nCSeq: 1 OPTIONS\r\n"
           "X-Ping: 1\r\nContent-Length: 0\r\n\r\n").encode()
    deadline = time.time() + timeout
    sock.settimeout(0.3)
    while time.time() < deadline:
        sock.sendto(msg, ("127.0.0.1", KAMAILIO_PORT))
        try:
            sock.recvfrom(65535)
            return True
        except socket.timeout:
            pass
    return False


def check_config(config_text, rundir):
    """Starts Kamailio on the config: returns (True, log) once it serves, (False, log) if it
    refused the config."""
    path = os.path.join(rundir, "check.cfg")
    log_path = os.path.join(rundir, "check.log")
    with open(path, "w") as f:
        f.write(config_text)
    proc = start_kamailio(path, log_path)
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", PING_PORT))
    try:
        deadline = time.time() + 15
        while time.time() < deadline:
            if proc.poll() is not None:
                return False, open(log_path).read()
            if ping(probe, 0.5):
                return True, open(log_path).read()
        return False, open(log_path).read() + "\n(no answer to OPTIONS)"
    finally:
        probe.close()
        stop_kamailio(proc)


def error_line(log):
    """The config line Kamailio's first parse error points at."""
    m = re.search(r"config file \S+, line (\d+)", log) or re.search(r"fixing failed \(code=-?\d+\) at cfg:[^:\s]+:(\d+)", log)
    return int(m.group(1)) if m else None


def run_batch(snippets, rundir):
    """Runs the snippets on one Kamailio. Returns ({id: value}, {id: reason Kamailio refused it})."""
    refused = {}
    runnable = list(snippets)
    while True:
        text, owner = build_config(runnable, rundir)
        ok, log = check_config(text, rundir)
        if ok:
            break
        line = error_line(log)
        culprit = owner.get(line) if line else None
        if culprit is None:
            tail = "\n".join(log.splitlines()[-15:])
            sys.exit(f"Kamailio refused the generated config and no snippet is to blame:\n{tail}")
        reason = next((l.strip() for l in log.splitlines() if "ERROR" in l or "CRITICAL" in l), "config error")
        refused[culprit.id] = reason
        runnable.remove(culprit)

    path = os.path.join(rundir, "snippets.cfg")
    log_path = os.path.join(rundir, "snippets.log")
    with open(path, "w") as f:
        f.write(text)
    proc = start_kamailio(path, log_path)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", CLIENT_PORT))
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", PING_PORT))
    try:
        if not ping(probe, 15):
            sys.exit("Kamailio did not start:\n" + open(log_path).read()[-3000:])
        client.settimeout(5)
        for s in runnable:
            data = message_bytes(s.message)
            client.sendto(data, ("127.0.0.1", KAMAILIO_PORT))   # runs the snippet
            client.sendto(data, ("127.0.0.1", KAMAILIO_PORT))   # logs $var(out), answers 200
            while True:
                try:
                    reply = client.recvfrom(65535)[0]
                except socket.timeout:
                    sys.exit(f"no answer after snippet {s.id}; log tail:\n" + open(log_path).read()[-3000:])
                if reply.startswith(b"SIP/2.0 200 OK"):
                    break
        time.sleep(0.2)
    finally:
        client.close()
        probe.close()
        stop_kamailio(proc)
    values = {}
    for m in re.finditer(r"SNIP (\S+) \[([0-9a-f]*)\]", open(log_path).read()):
        values[m.group(1)] = bytes.fromhex(m.group(2)).decode("utf-8", "replace")
    return values, refused


# ----------------------------------------------------------------------------------------------

def write_marks(snippets, agreed, disagreed_ids):
    """Sets `@kamailio verified` on the snippets Kamailio agrees with and takes it off those it
    disagrees with; a `differs` mark is a decision and stays."""
    by_file = {}
    for s in snippets:
        by_file.setdefault(s.file, []).append(s)
    for name, items in by_file.items():
        path = os.path.join(SNIPPETS, name)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        for s in sorted(items, key=lambda s: s.line, reverse=True):
            mark = lines[s.kamailio_line] if s.kamailio_line is not None else None
            if mark is not None and mark.startswith("@kamailio differs"):
                continue
            if s.id in agreed:
                if mark is None:
                    lines.insert(s.line, "@kamailio verified")
                else:
                    lines[s.kamailio_line] = "@kamailio verified"
            elif s.id in disagreed_ids and mark is not None:
                lines[s.kamailio_line] = "@kamailio unchecked: Kamailio disagreed on the last run"
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="mark agreeing snippets as verified")
    parser.add_argument("--only", default="", help="only snippets whose id starts with this")
    args = parser.parse_args()

    snippets = [s for s in read_snippets() if s.id.startswith(args.only)]
    checkable = [s for s in snippets if not (s.kamailio or "").startswith("differs")]
    with tempfile.TemporaryDirectory(prefix="kamailio-snippets-") as rundir:
        values, refused = run_batch([s for s in checkable if not s.expects_error], rundir)
        error_results = {}
        for s in checkable:
            if s.expects_error:
                ok, log = check_config(error_config(s, rundir), rundir)
                error_results[s.id] = not ok

    agreed, disagreed = set(), []
    for s in checkable:
        if s.expects_error:
            if error_results[s.id]:
                agreed.add(s.id)
            else:
                disagreed.append((s, "Kamailio accepts the config"))
        elif s.id in refused:
            disagreed.append((s, "Kamailio refuses it: " + refused[s.id]))
        elif s.id not in values:
            disagreed.append((s, "no output (the snippet stopped the log request?)"))
        elif values[s.id] != s.expected:
            disagreed.append((s, f"Kamailio gives [{values[s.id]}], the table says [{s.expected}]"))
        else:
            agreed.add(s.id)

    for s, why in disagreed:
        print(f"{s.file}:{s.line}: {s.id}: {why}")
    skipped = len(snippets) - len(checkable)
    print(f"{len(agreed)} agree, {len(disagreed)} differ, {skipped} marked as differing on purpose (not run)")
    if args.write:
        write_marks(snippets, agreed, {s.id for s, _ in disagreed})
    return 1 if disagreed else 0


if __name__ == "__main__":
    sys.exit(main())
