#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs sr-bench --quick and checks that it printed a well-formed summary table: a
# header of 13 columns, its rule, and one row per model and size, every cell a
# number or n/a except the first and the input size. No timing is judged: this only
# keeps the benchmark from rotting.
set -euo pipefail
bench=$1
out=$("$bench" --quick "${@:2}")
printf '%s\n' "$out"

summary=$(printf '%s\n' "$out" | sed -n '/^## Summary/,$p' | grep '^|' || true)
[ -n "$summary" ] || { echo "check-quick: no summary table" >&2; exit 1; }
printf '%s\n' "$summary" | awk -F'|' '
  NR == 1 { if ($2 !~ /model/ || NF != 15) { print "bad header: " $0; bad = 1 }; next }
  NR == 2 {
    rule = "|"
    for (i = 0; i < 13; i++) rule = rule "---|"
    if ($0 != rule) { print "bad rule: " $0; bad = 1 }
    next
  }
  {
    rows++
    if (NF != 15) { print "row of " NF - 2 " cells: " $0; bad = 1; next }
    if ($4 !~ /^ [0-9]+x[0-9]+ $/) { print "bad size: " $0; bad = 1 }
    for (i = 3; i <= 14; i++)
      if (i != 4 && $i !~ /^ ([0-9]+(\.[0-9]+)?|n\/a) $/) { print "bad cell " i - 1 ": " $0; bad = 1 }
    # the engine always runs: its fps must be a number
    if ($5 !~ /[0-9]/) { print "no engine fps: " $0; bad = 1 }
  }
  END {
    if (rows < 1) { print "no rows"; bad = 1 }
    exit bad
  }' >&2 || { echo "check-quick: malformed summary table" >&2; exit 1; }
echo "check-quick: summary table well formed"
