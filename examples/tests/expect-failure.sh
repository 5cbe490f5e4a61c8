#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# expect-failure.sh PATTERN COMMAND [ARGS...]
#
# Passes when COMMAND exits with a status other than 0 (and is not killed by a
# signal, which would be a crash, not a clean failure) and its output contains
# PATTERN (a grep -E expression): a failure a user can understand.
set -uo pipefail

pattern=$1
shift
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output"
if [ $status -eq 0 ]; then
  echo "FAIL: '$*' succeeded; it should have failed" >&2
  exit 1
fi
if [ $status -gt 128 ]; then
  echo "FAIL: '$*' died of signal $((status - 128))" >&2
  exit 1
fi
if ! grep -Eq -- "$pattern" <<<"$output"; then
  echo "FAIL: the output of '$*' does not say /$pattern/" >&2
  exit 1
fi
echo "ok: failed with status $status and said /$pattern/"
