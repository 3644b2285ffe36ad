#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Command-line contract of every program: --help, --version, bad arguments,
# and no NSS in what they link (libsrtp must be the OpenSSL build).
set -u
n=0; fail=0
ok() { n=$((n+1)); echo "ok $n - $*"; }
nok() { n=$((n+1)); fail=$((fail+1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }

for prog in "$@"; do
  name=$(basename "$prog")
  out=$("$prog" --help 2>&1); rc=$?
  check "$name --help exits 0" [ $rc -eq 0 ]
  check "$name --help prints usage" grep -q '^Usage: ' <<<"$out"
  out=$("$prog" --version 2>&1); rc=$?
  check "$name --version exits 0" [ $rc -eq 0 ]
  check "$name --version names itself" grep -qE "^$name [0-9]+\.[0-9]+\.[0-9]+" <<<"$out"
  out=$("$prog" --no-such-option 2>&1); rc=$?
  check "$name rejects an unknown option with exit 2" [ $rc -eq 2 ]
  check "$name says what was wrong" grep -q -- "--no-such-option" <<<"$out"
  libs=$(ldd "$prog" 2>&1)
  check "$name does not link NSS" bash -c '! grep -qE "libnss3|libsrtp2\.so" <<<"$1"' _ "$libs"
done
echo "1..$n"
[ $fail -eq 0 ]
