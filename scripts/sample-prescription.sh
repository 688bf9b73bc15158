#!/usr/bin/env bash
# Makes the README's sample prescription with the real tools: a fresh workstation, a
# letterhead, a doctor, a patient with accented names, a prescription of three items
# issued and printed to PDF by `clinic rx print`, and its first page as a PNG by poppler's
# pdftoppm. Usage: scripts/sample-prescription.sh CLINIC_BIN OUT.png [OUT.pdf]
set -euo pipefail
clinic_bin=$(realpath "$1")
png=$(realpath -m "$2")
pdf=$(realpath -m "${3:-${png%.png}.pdf}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CLINIC_DATA_DIR="$work/ws" CLINIC_PASSWORD='sample clinic secret'
c() { "$clinic_bin" "$@"; }
doc() { CLINIC_PASSWORD='sample doctor phrase' "$clinic_bin" --user dr.wanjiru "$@"; }

c init --clinic-name 'Kilimani Family Clinic' --admin-user admin > /dev/null
c letterhead set --address 'Argwings Kodhek Road 12' --address 'Nairobi, Kenya' \
  --phone '+254 20 555 0100' --registration 'Facility reg. no. KMPDC/F/1234' > /dev/null
CLINIC_NEW_PASSWORD='sample doctor phrase' c user add --username dr.wanjiru \
  --display-name 'Dr Grace Wanjiru' --role doctor > /dev/null
c doctor add --username dr.wanjiru --specialization 'General practice (MBChB)' \
  --licence KMPDC-GP-1042 --fee 1500 > /dev/null
CLINIC_NEW_PASSWORD='front counter words' c user add --username grace --role receptionist > /dev/null
mrn=$(CLINIC_PASSWORD='front counter words' c --user grace patient add --given 'Zoë' \
  --family 'Ólafsdóttir' --dob 1984-06-15 --sex female --address 'Ngong Road 4, Nairobi' \
  | cut -d' ' -f2 | tr -d :)
rx=$(doc rx new --mrn "$mrn")
doc rx add-item "$rx" --drug amoxicillin --strength '500 mg' --form capsule --route oral \
  --dose '1 capsule' --frequency tds --days 7 --instructions 'Finish the course' > /dev/null
doc rx add-item "$rx" --drug paracetamol --strength '500 mg' --form tablet --route oral \
  --dose '2 tablet' --frequency qds --days 3 --instructions 'At most 8 tablets a day' > /dev/null
doc rx add-item "$rx" --drug salbutamol --strength '100 mcg/dose' --form inhaler --route inhaled \
  --dose '2 puff' --frequency 'as needed for wheeze' --quantity '1 inhaler' --refills 1 > /dev/null
doc rx issue "$rx" > /dev/null
doc rx print "$rx" --out "$pdf" > /dev/null
pdftoppm -png -r 70 -singlefile "$pdf" "${png%.png}"
echo "sample prescription: $png ($pdf)"
