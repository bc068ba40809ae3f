#!/usr/bin/env bash
# One participant from enrolment to week 52 with the CLI (the README's walkthrough).
# Runs on a fresh SQLite database in a temporary folder; every command is real.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
export REGENCORD_DATABASE_URL="sqlite:///$work/trial.db" REGENCORD_USER="dm.sato"
rc() { echo "\$ regencord $*"; regencord "$@"; }

rc init
rc trial create IPSC-SCI-01 --title "iPSC-derived NS/PC transplantation for subacute SCI" \
  --phase 1/2 --registry-id jRCTa031190228 --sponsor "University hospital"
rc trial schedule IPSC-SCI-01 "$here/schedule.yaml"
rc site add KEIO --trial IPSC-SCI-01 --name "University Hospital"

rc participant add P01 --trial IPSC-SCI-01 --site KEIO --age 34 --sex male \
  --injury-date 2025-10-01 --mechanism fall --vertebral-level C4 --consent-date 2025-10-06
rc participant eligibility P01 --trial IPSC-SCI-01 --criterion "AIS A at screening" --met yes
rc participant eligibility P01 --trial IPSC-SCI-01 --criterion "14-28 days after injury" --met yes
rc participant status P01 enrolled --trial IPSC-SCI-01

rc lot line-add QHJI01s04 --source "HLA-homozygous iPS stock" --donor-hla "A*24:02 B*52:01"
rc lot add NSPC-0021 --line QHJI01s04 --passage 12 --manufactured 2025-09-01 --expires 2026-09-01
rc lot qc NSPC-0021 --assay viability --value 92.5 --unit % --min 70 --on 2025-09-10
rc lot qc NSPC-0021 --assay cell_count --value 2.4e6 --min 2e6 --on 2025-09-10
for assay in sterility mycoplasma; do
  rc lot qc NSPC-0021 --assay "$assay" --result negative --expected negative --on 2025-09-10
done
rc lot qc NSPC-0021 --assay endotoxin --value 0.2 --unit EU/mL --max 0.5 --on 2025-09-10
rc lot qc NSPC-0021 --assay karyotype --result "46,XY normal" --expected "46,XY normal" --on 2025-09-10
rc lot qc NSPC-0021 --assay undifferentiated_marker --value 0.01 --unit % --max 0.1 --on 2025-09-10
rc lot release NSPC-0021 --by "Dr A. Tanaka (QA)" --on 2025-09-15

rc visit record --trial IPSC-SCI-01 --participant P01 --visit screening --date 2025-10-08
rc exam add --trial IPSC-SCI-01 --participant P01 --visit baseline \
  --file "$here/exam-baseline.json" --examiner "Dr K. Ito" --date 2025-10-19
rc transplant add --trial IPSC-SCI-01 --participant P01 --lot NSPC-0021 --date 2025-10-20 \
  --dose 2000000 --volume 40 --sites "C4, C5" --surgeon "Dr M. Nakamura"
rc measure add --trial IPSC-SCI-01 --participant P01 --visit baseline --kind wisci --value 0
rc exam add --trial IPSC-SCI-01 --participant P01 --visit "week 52" \
  --file "$here/exam-week52.json" --examiner "Dr K. Ito" --date 2026-10-19
rc measure add --trial IPSC-SCI-01 --participant P01 --visit "week 52" --kind wisci --value 9
rc visit lock --trial IPSC-SCI-01 --participant P01 --visit "week 52"
rc participant timeline P01 --trial IPSC-SCI-01
rc transplant chain --trial IPSC-SCI-01 --participant P01
rc queries --trial IPSC-SCI-01
rc export --trial IPSC-SCI-01 --to "$work/export"
echo "database and export in $work"
