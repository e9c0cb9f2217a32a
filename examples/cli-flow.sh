#!/usr/bin/env bash
# The credkit command line end to end, in one command:
#
#   bash examples/cli-flow.sh
#
# A hospital makes an issuer key and publishes its public key, then issues a credential over a
# patient's record (examples/data/schema.json, examples/data/patient.json). The patient shows a
# pharmacy only the prescription (drug, dose_mg, refills), bound to the pharmacy's fresh nonce
# and id. The pharmacy verifies it and prints what it saw; a replay of the same presentation
# under another nonce is rejected.
#
# Then the patient asks for a holder-bound credential (its secret stays in its own file), and
# presents it twice to one pharmacy and once to another: the first pharmacy sees the same
# pseudonym on both visits, the second an unrelated one; a copy of the credential without the
# patient's secret presents nothing.
#
# Last, the hospital becomes an attribute authority: it gives a cardiologist and a nurse keys
# for their attributes, a monitor encrypts a record under `role:cardiologist and hospital:H1`,
# and the cardiologist opens it while the nurse is refused.
#
# Everything happens in a fresh temporary folder, removed at the end. No secret is printed:
# the hospital's secret key stays in its file (mode 0600).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/examples/data"

echo "== build: cargo build --release -p credkit-cli"
(cd "$root" && cargo build --release -p credkit-cli --quiet)
credkit="${CARGO_TARGET_DIR:-$root/target}/release/credkit"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# Prints its input indented, so that the steps stand out.
indent() { sed 's/^/    /'; }

echo
echo "== hospital: keygen"
"$credkit" keygen -o hospital.key >/dev/null
echo "secret key written to hospital.key, mode $(ls -l hospital.key | cut -c1-10) (not shown)"

echo
echo "== hospital: export its public key"
"$credkit" pubkey hospital.key >hospital.pub
echo "hospital.pub (what it publishes):"
indent <hospital.pub
echo "the same key as a Multikey:"
"$credkit" pubkey hospital.key --format multikey | indent
kid="$(sed -n 's/^ *"kid": "\(.*\)",$/\1/p' hospital.pub)"

echo
echo "== hospital: issue a credential to the patient"
"$credkit" issue --key hospital.key --schema "$data/schema.json" --attrs "$data/patient.json" \
    -o credential.json
attributes="$(grep -c '"name":' "$data/schema.json")"
echo "credential.json: $(wc -c <credential.json | tr -d ' ') bytes, $attributes attributes of" \
    "$(sed -n 's/^ *"id": "\(.*\)",$/\1/p' "$data/schema.json"), signed by key $kid"

echo
echo "== pharmacy: send a fresh nonce"
nonce="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
pharmacy="pharmacy-7"
echo "nonce $nonce, verifier id $pharmacy"

echo
echo "== patient: present drug, dose_mg, refills only"
"$credkit" present --credential credential.json --disclose drug,dose_mg,refills \
    --nonce "$nonce" --verifier "$pharmacy" -o presentation.json
echo "presentation.json discloses:"
sed -n '/"disclosed": {/,/}/p' presentation.json | sed '1d;$d;s/^ *//' | indent
for hidden in "Ada Lovelace" "1815-12-10" "SDEARxEIFa0" "O+"; do
    if grep -qF "$hidden" presentation.json; then
        echo "error: the presentation shows $hidden" >&2
        exit 1
    fi
done
echo "(checked: the name, birth date, patient id and blood type are not in it)"

echo
echo "== pharmacy: verify with the hospital's public key, its nonce and its id"
"$credkit" verify --issuer hospital.pub --presentation presentation.json \
    --nonce "$nonce" --verifier "$pharmacy" >seen.txt
echo "valid; the pharmacy sees:"
indent <seen.txt

echo
echo "== someone replays the presentation under another nonce"
other="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
status=0
"$credkit" verify --issuer hospital.pub --presentation presentation.json \
    --nonce "$other" --verifier "$pharmacy" >/dev/null 2>replay.txt || status=$?
if [ "$status" -ne 1 ]; then
    echo "error: the replay was not rejected (exit status $status)" >&2
    exit 1
fi
echo "rejected (exit status 1):"
indent <replay.txt

echo
echo "== patient: ask for a holder-bound credential"
"$credkit" request --schema "$data/schema.json" --secret patient.secret -o request.json
echo "request.json commits to the patient's secret; patient.secret, mode" \
    "$(ls -l patient.secret | cut -c1-10), stays with the patient (not shown)"

echo
echo "== hospital: issue against the request"
"$credkit" issue --key hospital.key --schema "$data/schema.json" --attrs "$data/patient.json" \
    --request request.json -o bound.json
echo "bound.json, mode $(ls -l bound.json | cut -c1-10): presentable only with patient.secret"

# Presents bound.json for pharmacy $1, and prints the pseudonym that pharmacy sees.
visit() {
    local nonce
    nonce="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    "$credkit" present --credential bound.json --secret patient.secret --pseudonym-context "$1" \
        --disclose drug --nonce "$nonce" -o - |
        "$credkit" verify --issuer hospital.pub --presentation - --nonce "$nonce" \
            --pseudonym-context "$1" | sed -n 's/^pseudonym: //p'
}

echo
echo "== patient: two visits to pharmacy-7, one to pharmacy-9"
first="$(visit pharmacy-7)"
second="$(visit pharmacy-7)"
other="$(visit pharmacy-9)"
echo "pharmacy-7, visit 1: $first"
echo "pharmacy-7, visit 2: $second"
echo "pharmacy-9:          $other"
if [ "$first" != "$second" ] || [ "$first" = "$other" ] || [ -z "$first" ]; then
    echo "error: the pseudonyms do not behave" >&2
    exit 1
fi
echo "(pharmacy-7 recognises the patient; pharmacy-9 cannot link the visits)"

echo
echo "== someone copied bound.json, but not patient.secret"
"$credkit" request --schema "$data/schema.json" --secret thief.secret -o thief.json
status=0
"$credkit" present --credential bound.json --secret thief.secret --pseudonym-context pharmacy-7 \
    --disclose drug --nonce "$nonce" -o stolen.json 2>stolen.txt || status=$?
if [ "$status" -ne 2 ] || [ -e stolen.json ]; then
    echo "error: the copied credential was presented (exit status $status)" >&2
    exit 1
fi
echo "refused (exit status 2):"
indent <stolen.txt

echo
echo "== hospital: an attribute authority, and keys for a cardiologist and a nurse"
"$credkit" abe setup -o authority.key --public authority.pub
"$credkit" abe keygen --authority authority.key --attrs 'role:cardiologist, hospital:H1' \
    -o cardiologist.key
"$credkit" abe keygen --authority authority.key --attrs 'role:nurse, hospital:H1' -o nurse.key
echo "authority.key, cardiologist.key and nurse.key written, mode" \
    "$(ls -l nurse.key | cut -c1-10) (not shown); authority.pub is public"

echo
echo "== a monitor: encrypt a record for cardiologists of H1"
policy='role:cardiologist and hospital:H1'
printf 'ECG 2025-03-14T08:00Z: sinus rhythm, 72 bpm\n' >record.txt
"$credkit" abe encrypt --public authority.pub --policy "$policy" record.txt -o record.abe
echo "record.abe: $(wc -c <record.abe | tr -d ' ') bytes, under '$policy'"

echo
echo "== cardiologist: decrypt"
"$credkit" abe decrypt --key cardiologist.key record.abe -o - | indent

echo
echo "== nurse: decrypt"
status=0
"$credkit" abe decrypt --key nurse.key record.abe -o nurse.txt 2>refused.txt || status=$?
if [ "$status" -ne 1 ] || [ -e nurse.txt ]; then
    echo "error: the nurse opened the record (exit status $status)" >&2
    exit 1
fi
echo "refused (exit status 1):"
indent <refused.txt

echo
echo "== summary"
echo "hospital key $kid issued 1 credential of $attributes attributes"
echo "the pharmacy verified $(wc -l <seen.txt | tr -d ' ') disclosed attributes and saw nothing else"
echo "a replay under another nonce was rejected"
echo "a holder-bound credential gave pharmacy-7 one pseudonym over two visits, pharmacy-9 another"
echo "a copy of it without the patient's secret was refused"
echo "a record encrypted under '$policy' opened for the cardiologist, not for the nurse"
echo "no secret was printed; $work is removed on exit"
