#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Ships a staged model: its weights to models/, its golden vectors to tests/golden/
# (always together: the golden test compares the two), and its name into the
# plugin's resource list, which the element, the golden and the quality tests read.
#
#   bash models/training/ship.sh fsrcnn_x2      # from models/training/staging/
#   bash models/training/ship.sh sesr-tail3_x2 sesr_x2   # a variant's run, shipped
#                                                       # under the family's name
#
# Then: rebuild, `build/tests/sr-eval` it (models/README.md has the command), and
# write the numbers into models/README.md and README.md.
set -euo pipefail
run=$1
name=${2:-$1}
here=$(cd "$(dirname "$0")" && pwd)
models=$(dirname "$here")
root=$(dirname "$models")
staged=$here/staging/$run.safetensors
golden=$here/staging/$run.golden.safetensors
[ -f "$staged" ] && [ -f "$golden" ] || { echo "ship: $staged or its golden file is missing" >&2; exit 1; }
cp "$staged" "$models/$name.safetensors"
cp "$golden" "$root/tests/golden/$name.safetensors"
xml=$models/srupscale-models.gresource.xml
if ! grep -q "<file>$name.safetensors</file>" "$xml"; then
  # one <file> line per model, kept in name order
  files=$( (grep -o '<file>[^<]*</file>' "$xml"; echo "<file>$name.safetensors</file>") | sort)
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<gresources>'
    echo '  <gresource prefix="/org/gstreamer/srupscale/models">'
    printf '    %s\n' $files
    echo '  </gresource>'
    echo '</gresources>'
  } > "$xml"
fi
echo "shipped $name: $(grep -a -o '"steps":"[0-9]*"' "$models/$name.safetensors" || true)"
