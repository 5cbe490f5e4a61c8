#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-fuzzer.sh FUZZER SCRATCH SECONDS INPUT...: fuzzes for SECONDS from the INPUTs
# (directories, or files that are copied into SCRATCH, libFuzzer's writable corpus).
# A crash leaves its input next to SCRATCH as crash-<sha1>: keep it in
# tests/fuzz/regressions/, where the fuzz-replay test runs it from then on.
set -eu
fuzzer=$1 scratch=$2 seconds=$3
shift 3
mkdir -p "$scratch"
dirs=""
for input in "$@"; do
  if [ -d "$input" ]; then
    dirs="$dirs $input"
  else
    cp "$input" "$scratch/"
  fi
done
# lesrcnn's shipped files (1.5 MB) would make each mutation slow: small seeds of
# that family are in corpus/
rm -f "$scratch"/lesrcnn_*.safetensors
# shellcheck disable=SC2086
exec "$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 \
  -max_len=120000 -print_final_stats=1 -artifact_prefix="$(dirname "$scratch")/" \
  "$scratch" $dirs
