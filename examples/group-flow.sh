#!/usr/bin/env bash
# Threshold group signatures and anonymous uploads, end to end, in one command:
#
#   bash examples/group-flow.sh
#
# A study coordinator deals a group key to five home-monitoring devices, any three of which
# must approve an upload. One device prepares an upload of a reading
# (examples/data/reading.json); three devices sign its signing bytes; a combiner seals the
# envelope; the collector verifies it under the group's public key, learning that three
# members approved it but not which, and records its nonce. A replay of the same envelope, in
# a later run of the collector, is rejected.
#
# Everything happens in a fresh temporary folder, removed at the end. No secret is printed:
# member keys stay in their files (mode 0600).
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

# The value of the first string field NAME of a JSON file: `text NAME FILE`.
text() { grep -o "\"$1\": *\"[^\"]*\"" "$2" | head -n1 | sed 's/.*"\([^"]*\)"$/\1/'; }
# The value of the first number field NAME of a JSON file: `number NAME FILE`.
number() { grep -o "\"$1\": *[0-9]*" "$2" | head -n1 | sed 's/.*[^0-9]//'; }

echo
echo "== coordinator: deal a 3-of-5 group key"
"$credkit" group deal --min-signers 3 --max-signers 5 --out group | indent
modes="$(for i in 1 2 3 4 5; do ls -l "group/member-$i.key" | cut -c1-10; done | sort -u)"
echo "member keys: mode $modes, contents not shown"
cp group/group.json group.json
echo "group.json is public: the group key $(text public_key group.json | head -c 16)...," \
    "$(grep -c '"identifier"' group.json) verifying shares and a proof of possession"

echo
echo "== device 2: prepare an upload of its reading"
cp "$data/reading.json" reading.json
echo "payload reading.json ($(wc -c <reading.json | tr -d ' ') bytes):"
indent <reading.json
"$credkit" upload prepare --group group.json --task study-S/visit-3 reading.json \
    -o envelope.unsigned.json
echo "envelope.unsigned.json: task $(text task_id envelope.unsigned.json)," \
    "timestamp $(number timestamp envelope.unsigned.json)," \
    "nonce $(text nonce envelope.unsigned.json | head -c 16)...," \
    "$(($(text signing_bytes envelope.unsigned.json | tr -d '\n' | wc -c) / 2)) signing bytes"

echo
echo "== devices 1, 3 and 5: check the payload and sign the upload's signing bytes"
for i in 1 3 5; do
    "$credkit" upload sign --share "group/member-$i.key" envelope.unsigned.json \
        --payload reading.json -o "partial-$i.json"
    echo "partial-$i.json: member $(number identifier "partial-$i.json")'s partial signature" \
        "$(text signature "partial-$i.json" | head -c 16)..."
done | indent

echo
echo "== combiner: check the partial signatures and seal the envelope"
"$credkit" upload seal --group group.json --unsigned envelope.unsigned.json \
    partial-1.json partial-3.json partial-5.json -o envelope.json
echo "envelope.json ($(wc -c <envelope.json | tr -d ' ') bytes): one BLS signature" \
    "$(text signature envelope.json | head -c 16)... under the group key, the same whichever" \
    "three members signed"

echo
echo "== collector: verify the upload, recording its nonce in collector.nonces"
"$credkit" upload verify --group group.json envelope.json reading.json \
    --store collector.nonces >accepted.txt
echo "accepted:"
indent <accepted.txt

echo
echo "== someone replays the envelope to the collector (a later run, the same nonce store)"
status=0
"$credkit" upload verify --group group.json envelope.json reading.json \
    --store collector.nonces >/dev/null 2>replay.txt || status=$?
if [ "$status" -ne 1 ]; then
    echo "error: the replay was not rejected (exit status $status)" >&2
    exit 1
fi
echo "rejected (exit status 1):"
indent <replay.txt

echo
echo "== summary"
echo "a 3-of-5 group signed one upload with members 1, 3 and 5; the collector accepted it once"
echo "and rejected its replay; no secret was printed; $work is removed on exit"
