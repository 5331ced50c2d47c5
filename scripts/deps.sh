#!/usr/bin/env bash
# Installs the system packages Tern and its tests need, once: each package is
# installed only when missing, so running this again is quick and changes nothing.
set -euo pipefail

packages=(sip-tester)   # SIPp drives the integration tests
# TernStorage: SQLite and MariaDB client libraries to build against; PostgreSQL and MariaDB
# servers for the storage tests (each test starts its own on loopback in a temporary directory);
# OpenSSL's libcrypto for digest authentication's MD5 and SHA-256.
packages+=(libsqlite3-dev libmariadb-dev libssl-dev postgresql mariadb-server)
# The exec examples' notifier (examples/exec-missed-call.sh) reads the subscriber table with sqlite3.
packages+=(sqlite3)
extra=("$@")            # callers (e.g. the bench targets) may ask for more

missing=()
for p in "${packages[@]}" "${extra[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
