#!/usr/bin/env bash
# The README's walkthrough ("Recording a trial participant"), run exactly as written: the
# commands are read from README.md (the block after the "<!-- walkthrough" marker), never
# copied here, and run in a fresh temporary folder holding a copy of examples/ and a new
# SQLite database (./regencord.db, the default). Every step must succeed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
cp -r "$root/examples" "$work/examples"
cd "$work"
unset REGENCORD_DATABASE_URL
export REGENCORD_USER="${REGENCORD_USER:-dm.sato}"
awk '/^<!-- walkthrough/ {block = 1; next}
     block && /^```/ {if (fenced) exit; fenced = 1; next}
     fenced' "$root/README.md" > walkthrough-commands.sh
bash -euo pipefail -x walkthrough-commands.sh
echo "database and export in $work"
