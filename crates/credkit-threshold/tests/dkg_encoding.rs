//! The DKG's JSON documents (`dkg::encoding`).
//!
//! - Full runs in which every package and every secret state crosses `to_json`/`from_json`
//!   between rounds, as separate processes exchanging files would, give exactly the key
//!   packages of the same run in memory (same seed, same misbehaviour).
//! - Re-running a round from the same state file gives the same output.
//! - Tampered documents fail with the exact typed error.
//! - `from_json(to_json(x)) == x` for every type, and mangled documents never panic.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use credkit_core::curve::{Curve, Field, G1Affine, G1Projective, Group, PrimeCurveAffine, Scalar};
use credkit_threshold::bls::SecretKey;
use credkit_threshold::dkg::{
    self, round1, round2, round3, round4, round5, DocumentDefect, DocumentType, KeyPackage,
    Parameters,
};
use credkit_threshold::{Commitments, Error, Identifier};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::{json, Value};
use zeroize::Zeroizing;

const SESSION: &[u8] = b"credkit-threshold tests/dkg_encoding, run 1";

/// The group order `r`, big-endian: the smallest non-canonical scalar.
const ORDER_HEX: &str = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

fn id(n: u16) -> Identifier {
    Identifier::new(n).unwrap()
}

fn ids(n: u16) -> Vec<Identifier> {
    (1..=n).map(id).collect()
}

/// `k * P1`.
fn g(k: u64) -> G1Affine {
    (G1Projective::generator() * Scalar::from(k)).to_affine()
}

fn point_hex(p: &G1Affine) -> String {
    hex::encode(p.to_compressed())
}

// ---- one interface over the eleven document types ----

/// A DKG document type, seen from the tests.
trait Document: Sized + PartialEq + fmt::Debug {
    const TYPE: DocumentType;
    /// `to_json`, the secret ones copied out of their `Zeroizing<String>`.
    fn encode(&self) -> String;
    fn decode(json: &str) -> Result<Self, Error>;
    /// Who wrote it: the sender of a package, the holder of a state or key.
    fn owner(&self) -> Identifier;
}

macro_rules! public_document {
    ($t:ty, $kind:ident, |$x:ident| $owner:expr) => {
        impl Document for $t {
            const TYPE: DocumentType = DocumentType::$kind;
            fn encode(&self) -> String {
                let json: String = self.to_json();
                json
            }
            fn decode(json: &str) -> Result<Self, Error> {
                <$t>::from_json(json)
            }
            fn owner(&self) -> Identifier {
                let $x = self;
                $owner
            }
        }
    };
}

macro_rules! secret_document {
    ($t:ty, $kind:ident, |$x:ident| $owner:expr) => {
        impl Document for $t {
            const TYPE: DocumentType = DocumentType::$kind;
            fn encode(&self) -> String {
                // The type annotation checks that secret documents come zeroizing.
                let json: Zeroizing<String> = self.to_json();
                String::clone(&json)
            }
            fn decode(json: &str) -> Result<Self, Error> {
                <$t>::from_json(json)
            }
            fn owner(&self) -> Identifier {
                let $x = self;
                $owner
            }
        }
    };
}

public_document!(round1::Package, Round1, |p| p.sender());
secret_document!(round2::Package, Round2, |p| p.sender());
public_document!(round3::Package, Round3, |p| p.accuser());
public_document!(round4::Package, Round4, |p| p.accused());
public_document!(round5::Package, Round5, |p| p.sender());
secret_document!(round1::SecretPackage, State1, |s| s
    .parameters()
    .identifier());
secret_document!(round2::SecretPackage, State2, |s| s.identifier());
secret_document!(round3::SecretPackage, State3, |s| s.identifier());
secret_document!(round4::SecretPackage, State4, |s| s.identifier());
secret_document!(round5::SecretPackage, State5, |s| s.identifier());
secret_document!(KeyPackage, KeyPackage, |k| k.identifier());

/// Every document written during a run: type, owner, text.
#[derive(Default)]
struct Recorder(Vec<(DocumentType, Identifier, String)>);

impl Recorder {
    fn all(&self, kind: DocumentType) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(k, _, _)| *k == kind)
            .map(|(_, _, json)| json.as_str())
    }

    /// The first document of `kind` written by `owner`.
    fn get(&self, kind: DocumentType, owner: u16) -> String {
        self.0
            .iter()
            .find(|(k, o, _)| *k == kind && *o == id(owner))
            .map(|(_, _, json)| json.clone())
            .unwrap_or_else(|| panic!("no {kind} from {owner}"))
    }
}

/// A value crossing a process boundary: written, dropped, read back. Checks that the
/// document declares its type, that reading gives back an equal value, and that writing
/// that value gives back the same text.
fn cross<T: Document>(x: T, recorder: &mut Recorder) -> T {
    let json = x.encode();
    let owner = x.owner();
    drop(x);
    assert_eq!(DocumentType::of(&json), Some(T::TYPE), "{json}");
    let back = T::decode(&json).unwrap_or_else(|e| panic!("{}: {e}\n{json}", T::TYPE));
    assert_eq!(back.encode(), json, "{} is not canonical", T::TYPE);
    recorder.0.push((T::TYPE, owner, json));
    back
}

/// `cross` that also checks `from_json(to_json(x)) == x` on values that stay around.
fn assert_round_trip<T: Document>(x: &T) {
    let json = x.encode();
    assert_eq!(&T::decode(&json).unwrap(), x, "{}", T::TYPE);
    assert_eq!(T::decode(&json).unwrap().encode(), json);
}

// ---- the simulated network, in memory or through files ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Every state and package stays in memory.
    Memory,
    /// Every state and package crosses `to_json`/`from_json` between rounds.
    Files,
    /// As `Files`, and every round runs twice from the same state file (a crash and a
    /// restart), both runs checked to give the same result.
    FilesTwice,
}

/// Misbehaviour, applied in transit, identically in every mode.
#[derive(Clone, Debug, Default)]
struct Faults {
    silent_in_round1: Vec<u16>,
    bad_proof: Vec<u16>,
    extra_commitment: Vec<u16>,
    /// `(dealer, recipient)`: the share is off by one.
    wrong_share: Vec<(u16, u16)>,
    silent_in_round3: Vec<u16>,
    silent_in_round4: Vec<u16>,
    bad_justification: Vec<u16>,
}

impl Faults {
    fn round1(&self, p: round1::Package) -> round1::Package {
        let me = p.sender().get();
        if self.bad_proof.contains(&me) {
            let proof = p.proof();
            round1::Package::new(
                p.sender(),
                p.session(),
                p.commitments().clone(),
                round1::ProofOfKnowledge::new(*proof.commitment(), *proof.response() + Scalar::ONE),
            )
        } else if self.extra_commitment.contains(&me) {
            let mut points = p.commitments().points().to_vec();
            points.push(g(7));
            round1::Package::new(
                p.sender(),
                p.session(),
                Commitments::new(points).unwrap(),
                *p.proof(),
            )
        } else {
            p
        }
    }

    fn round2(&self, p: round2::Package) -> round2::Package {
        if self
            .wrong_share
            .contains(&(p.sender().get(), p.recipient().get()))
        {
            round2::Package::new(
                p.sender(),
                p.recipient(),
                p.session(),
                p.share().expose() + Scalar::ONE,
            )
        } else {
            p
        }
    }

    fn round4(&self, p: round4::Package) -> round4::Package {
        if self.bad_justification.contains(&p.accused().get()) {
            let shares: Vec<(Identifier, Scalar)> = p
                .shares()
                .iter()
                .map(|(&accuser, &share)| (accuser, share + Scalar::ONE))
                .collect();
            round4::Package::new(p.accused(), p.session(), shares)
        } else {
            p
        }
    }
}

/// A value sent from one process to another.
fn pass<T: Document>(mode: Mode, x: T, recorder: &mut Recorder) -> T {
    match mode {
        Mode::Memory => x,
        Mode::Files | Mode::FilesTwice => cross(x, recorder),
    }
}

/// One round of one participant, from its state.
fn step<S: Document, O: PartialEq + fmt::Debug>(
    mode: Mode,
    state: S,
    recorder: &mut Recorder,
    round: impl Fn(S) -> Result<O, Error>,
) -> Result<O, Error> {
    match mode {
        Mode::Memory => round(state),
        Mode::Files => round(cross(state, recorder)),
        Mode::FilesTwice => {
            let file = state.encode();
            drop(state);
            let first = round(S::decode(&file).unwrap());
            let again = round(S::decode(&file).unwrap());
            assert_eq!(first, again, "{} re-run", S::TYPE);
            first
        }
    }
}

type Outcome = BTreeMap<Identifier, Result<KeyPackage, Error>>;

/// A `min_signers`-of-`max_signers` run: every participant's outcome (the round at which a
/// participant fails ends its run).
fn run(
    min_signers: u16,
    max_signers: u16,
    seed: u64,
    faults: &Faults,
    mode: Mode,
    recorder: &mut Recorder,
) -> Outcome {
    let all = ids(max_signers);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut outcome = BTreeMap::new();

    let mut states = BTreeMap::new();
    let mut broadcast = Vec::new();
    for &me in &all {
        let parameters = Parameters::new(min_signers, me, &all, SESSION).unwrap();
        let (state, package) = round1::part1_with_rng(parameters, &mut rng);
        states.insert(me, state);
        if !faults.silent_in_round1.contains(&me.get()) {
            broadcast.push(pass(mode, faults.round1(package), recorder));
        }
    }

    let mut next = BTreeMap::new();
    let mut inboxes: BTreeMap<Identifier, Vec<round2::Package>> = BTreeMap::new();
    for (me, state) in states {
        match step(mode, state, recorder, |s| round2::part2(s, &broadcast)) {
            Ok((state, shares)) => {
                next.insert(me, state);
                for (recipient, share) in shares {
                    let share = pass(mode, faults.round2(share), recorder);
                    inboxes.entry(recipient).or_default().push(share);
                }
            }
            Err(e) => {
                outcome.insert(me, Err(e));
            }
        }
    }

    let mut states = BTreeMap::new();
    let mut broadcast = Vec::new();
    for (me, state) in next {
        let inbox = inboxes.get(&me).map(Vec::as_slice).unwrap_or(&[]);
        match step(mode, state, recorder, |s| round3::part3(s, inbox)) {
            Ok((state, complaints)) => {
                states.insert(me, state);
                if !faults.silent_in_round3.contains(&me.get()) {
                    broadcast.push(pass(mode, complaints, recorder));
                }
            }
            Err(e) => {
                outcome.insert(me, Err(e));
            }
        }
    }

    let mut next = BTreeMap::new();
    let mut justifications = Vec::new();
    for (me, state) in states {
        match step(mode, state, recorder, |s| round4::part4(s, &broadcast)) {
            Ok((state, justification)) => {
                next.insert(me, state);
                if !faults.silent_in_round4.contains(&me.get()) {
                    if let Some(package) = justification {
                        justifications.push(pass(mode, faults.round4(package), recorder));
                    }
                }
            }
            Err(e) => {
                outcome.insert(me, Err(e));
            }
        }
    }

    let mut states = BTreeMap::new();
    let mut broadcast = Vec::new();
    for (me, state) in next {
        match step(mode, state, recorder, |s| round5::part5(s, &justifications)) {
            Ok((state, confirmation)) => {
                states.insert(me, state);
                broadcast.push(pass(mode, confirmation, recorder));
            }
            Err(e) => {
                outcome.insert(me, Err(e));
            }
        }
    }

    for (me, state) in states {
        let key = step(mode, state, recorder, |s| dkg::finish(s, &broadcast))
            .map(|key| pass(mode, key, recorder));
        outcome.insert(me, key);
    }
    outcome
}

/// Runs in memory and through files, checks that both give the same outcome, and returns
/// the key packages of `members`.
fn run_both_ways(
    min_signers: u16,
    max_signers: u16,
    seed: u64,
    faults: &Faults,
    files: Mode,
    members: &[u16],
) -> BTreeMap<Identifier, KeyPackage> {
    let in_memory = run(
        min_signers,
        max_signers,
        seed,
        faults,
        Mode::Memory,
        &mut Recorder::default(),
    );
    let mut recorder = Recorder::default();
    let through_files = run(min_signers, max_signers, seed, faults, files, &mut recorder);
    assert!(!recorder.0.is_empty());
    assert_eq!(through_files, in_memory, "files and memory disagree");
    members
        .iter()
        .map(|&m| {
            let key = through_files[&id(m)]
                .clone()
                .unwrap_or_else(|e| panic!("member {m}: {e}"));
            (id(m), key)
        })
        .collect()
}

// ---- checks on the result (as in tests/dkg.rs) ----

fn lagrange_at_zero(i: Identifier, members: &[Identifier]) -> Scalar {
    let xi = i.to_scalar();
    members
        .iter()
        .filter(|&&j| j != i)
        .fold(Scalar::ONE, |acc, &j| {
            let xj = j.to_scalar();
            acc * xj * (xj - xi).invert().unwrap()
        })
}

fn recombine(keys: &BTreeMap<Identifier, KeyPackage>, members: &[Identifier]) -> Scalar {
    members
        .iter()
        .map(|&i| keys[&i].signing_share().secret().expose() * lagrange_at_zero(i, members))
        .sum()
}

/// Every member holds the same public data; `min_signers` shares recombine to the group
/// secret and sign under the group key; fewer do not.
fn assert_group(keys: &BTreeMap<Identifier, KeyPackage>, min_signers: u16) {
    let members: Vec<Identifier> = keys.keys().copied().collect();
    let first = keys.values().next().unwrap();
    for (me, key) in keys {
        assert_eq!(key.identifier(), *me);
        assert_eq!(key.group_public_key(), first.group_public_key());
        assert_eq!(key.group_commitments(), first.group_commitments());
        assert_eq!(key.verifying_shares(), first.verifying_shares());
        assert_eq!(key.disqualified(), first.disqualified());
        assert_eq!(key.transcript_digest(), first.transcript_digest());
        assert_eq!(key.min_signers(), min_signers);
        assert_eq!(
            key.verifying_shares().keys().copied().collect::<Vec<_>>(),
            members
        );
        assert_eq!(
            key.verifying_shares()[me],
            key.signing_share().verifying_share()
        );
    }
    let t = usize::from(min_signers);
    let group_key = first.group_public_key();
    for subset in [&members[..t], &members[members.len() - t..]] {
        let secret = recombine(keys, subset);
        assert_eq!(
            (G1Projective::generator() * secret).to_affine(),
            *group_key.point()
        );
        let message = b"upload 17 of study S";
        SecretKey::from_scalar(secret)
            .sign(message)
            .verify(&group_key, message)
            .unwrap();
    }
    let too_few = recombine(keys, &members[..t - 1]);
    assert_ne!(
        (G1Projective::generator() * too_few).to_affine(),
        *group_key.point()
    );
}

// ---- full runs through files ----

#[test]
fn two_of_three_through_files_equals_the_run_in_memory() {
    let keys = run_both_ways(2, 3, 1, &Faults::default(), Mode::Files, &[1, 2, 3]);
    assert_group(&keys, 2);
    assert!(keys[&id(1)].disqualified().is_empty());
}

#[test]
fn three_of_five_through_files_equals_the_run_in_memory() {
    let keys = run_both_ways(3, 5, 2, &Faults::default(), Mode::Files, &[1, 2, 3, 4, 5]);
    assert_group(&keys, 3);
}

/// Complaints, a justification, disqualifications in rounds 2 and 5: every state holds
/// something, and still every file reads back to the same value.
fn cheating_faults() -> Faults {
    Faults {
        bad_proof: vec![4],
        // Answered correctly: 2 stays.
        wrong_share: vec![(2, 3), (5, 1)],
        bad_justification: vec![5],
        ..Faults::default()
    }
}

#[test]
fn three_of_five_with_cheaters_through_files_equals_the_run_in_memory() {
    let keys = run_both_ways(3, 5, 3, &cheating_faults(), Mode::Files, &[1, 2, 3]);
    assert_group(&keys, 3);
    let expected = BTreeMap::from([
        (id(4), Error::InvalidProofOfKnowledge(id(4))),
        (
            id(5),
            Error::InvalidJustification {
                accused: id(5),
                accuser: id(1),
            },
        ),
    ]);
    assert_eq!(keys[&id(1)].disqualified(), &expected);
}

#[test]
fn every_disqualification_reason_survives_the_files() {
    let faults = Faults {
        silent_in_round1: vec![2],
        bad_proof: vec![3],
        extra_commitment: vec![4],
        silent_in_round3: vec![5],
        wrong_share: vec![(6, 1), (7, 8)],
        silent_in_round4: vec![6],
        bad_justification: vec![7],
    };
    let keys = run_both_ways(3, 9, 4, &faults, Mode::Files, &[1, 8, 9]);
    assert_group(&keys, 3);
    let expected = BTreeMap::from([
        (id(2), Error::MissingCommitments(id(2))),
        (id(3), Error::InvalidProofOfKnowledge(id(3))),
        (
            id(4),
            Error::WrongCommitmentCount {
                culprit: id(4),
                expected: 3,
                found: 4,
            },
        ),
        (id(5), Error::MissingComplaints(id(5))),
        (
            id(6),
            Error::UnansweredComplaint {
                accused: id(6),
                accuser: id(1),
            },
        ),
        (
            id(7),
            Error::InvalidJustification {
                accused: id(7),
                accuser: id(8),
            },
        ),
    ]);
    assert_eq!(keys[&id(1)].disqualified(), &expected);
}

// ---- idempotency ----

#[test]
fn rerunning_each_round_from_the_same_state_file_gives_the_same_output() {
    // `Mode::FilesTwice` runs every round twice from one state file and compares.
    let keys = run_both_ways(3, 5, 3, &cheating_faults(), Mode::FilesTwice, &[1, 2, 3]);
    assert_group(&keys, 3);
    let keys = run_both_ways(2, 3, 5, &Faults::default(), Mode::FilesTwice, &[1, 2, 3]);
    assert_group(&keys, 2);
}

#[test]
fn a_rerun_with_a_late_package_deals_the_same_shares() {
    let all = ids(3);
    let mut rng = StdRng::seed_from_u64(6);
    let mut packages = Vec::new();
    let mut file = None;
    for &me in &all {
        let (state, package) =
            round1::part1_with_rng(Parameters::new(2, me, &all, SESSION).unwrap(), &mut rng);
        if me == id(1) {
            file = Some(state.to_json());
        }
        packages.push(package);
    }
    let file = file.unwrap();
    // First run: 3's package has not arrived, 3 is disqualified and gets no share.
    let state = round1::SecretPackage::from_json(&file).unwrap();
    let (_, early) = round2::part2(state, &packages[..2]).unwrap();
    assert_eq!(early.keys().copied().collect::<Vec<_>>(), [id(2)]);
    // Re-run from the same file once it arrived: the same share for 2, and 3's own.
    let state = round1::SecretPackage::from_json(&file).unwrap();
    let (_, late) = round2::part2(state, &packages).unwrap();
    assert_eq!(late.keys().copied().collect::<Vec<_>>(), [id(2), id(3)]);
    assert_eq!(late[&id(2)], early[&id(2)]);
    assert_eq!(*late[&id(2)].to_json(), *early[&id(2)].to_json());
}

// ---- sample documents, for the tampering tests ----

/// The documents of a 2-of-4 run through files in which 4 sends a bad proof (disqualified)
/// and 2 a wrong share to 3 (complaint, justification).
fn samples() -> &'static Recorder {
    static SAMPLES: OnceLock<Recorder> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let faults = Faults {
            bad_proof: vec![4],
            wrong_share: vec![(2, 3)],
            ..Faults::default()
        };
        let mut recorder = Recorder::default();
        let outcome = run(2, 4, 7, &faults, Mode::Files, &mut recorder);
        assert!(outcome[&id(3)].is_ok());
        recorder
    })
}

/// The sample of each type, from the participant whose states hold the most (3, who
/// complained about 2), and the packages that are not its own from their senders.
fn sample(kind: DocumentType) -> String {
    let owner = match kind {
        DocumentType::Round1 | DocumentType::Round2 | DocumentType::Round5 => 1,
        DocumentType::Round4 => 2,
        _ => 3,
    };
    samples().get(kind, owner)
}

fn edit(json: &str, f: impl FnOnce(&mut Value)) -> String {
    let mut value: Value = serde_json::from_str(json).unwrap();
    f(&mut value);
    serde_json::to_string_pretty(&value).unwrap()
}

fn malformed(document: DocumentType, defect: DocumentDefect) -> Error {
    Error::MalformedDkgDocument { document, defect }
}

fn assert_defect<T: Document>(json: &str, defect: DocumentDefect) {
    assert_eq!(
        T::decode(json).map(drop),
        Err(malformed(T::TYPE, defect)),
        "{json}"
    );
}

fn assert_json_defect<T: Document>(json: &str) {
    match T::decode(json) {
        Err(Error::MalformedDkgDocument {
            document,
            defect: DocumentDefect::Json { .. },
        }) if document == T::TYPE => {}
        other => panic!("{}: expected a JSON defect, got {other:?}\n{json}", T::TYPE),
    }
}

/// Runs `f` once per document type, with `T` that type.
macro_rules! for_each_type {
    ($f:ident) => {
        $f::<round1::Package>();
        $f::<round2::Package>();
        $f::<round3::Package>();
        $f::<round4::Package>();
        $f::<round5::Package>();
        $f::<round1::SecretPackage>();
        $f::<round2::SecretPackage>();
        $f::<round3::SecretPackage>();
        $f::<round4::SecretPackage>();
        $f::<round5::SecretPackage>();
        $f::<KeyPackage>();
    };
}

// ---- tampering: the header ----

#[test]
fn the_samples_read_back() {
    fn check<T: Document>() {
        let json = sample(T::TYPE);
        assert_eq!(T::decode(&json).unwrap().encode(), json);
    }
    for_each_type!(check);
}

#[test]
fn a_wrong_version_is_refused() {
    fn check<T: Document>() {
        let json = sample(T::TYPE);
        for version in [0u64, 2, u64::MAX] {
            let tampered = edit(&json, |v| v["version"] = json!(version));
            assert_defect::<T>(&tampered, DocumentDefect::UnsupportedVersion(version));
        }
        assert_json_defect::<T>(&edit(&json, |v| v["version"] = json!("1")));
        assert_json_defect::<T>(&edit(&json, |v| v["version"] = json!(-1)));
        assert_json_defect::<T>(&edit(&json, |v| {
            v.as_object_mut().unwrap().remove("version");
        }));
    }
    for_each_type!(check);
}

#[test]
fn a_document_of_another_type_is_named() {
    fn check<T: Document>() {
        for other in DocumentType::ALL {
            if other == T::TYPE {
                continue;
            }
            assert_defect::<T>(
                &sample(other),
                DocumentDefect::WrongType { found: Some(other) },
            );
        }
        let json = sample(T::TYPE);
        let upload = edit(&json, |v| v["type"] = json!("upload"));
        assert_defect::<T>(&upload, DocumentDefect::WrongType { found: None });
        assert_json_defect::<T>(&edit(&json, |v| {
            v.as_object_mut().unwrap().remove("type");
        }));
        assert_json_defect::<T>(&edit(&json, |v| v["type"] = json!(1)));
    }
    for_each_type!(check);
}

#[test]
fn unknown_missing_and_repeated_fields_are_refused() {
    fn check<T: Document>() {
        let json = sample(T::TYPE);
        assert_json_defect::<T>(&edit(&json, |v| v["extra"] = json!(1)));
        let value: Value = serde_json::from_str(&json).unwrap();
        for field in value.as_object().unwrap().keys() {
            assert_json_defect::<T>(&edit(&json, |v| {
                v.as_object_mut().unwrap().remove(field);
            }));
        }
        let repeated = json.replacen("\"version\": 1,", "\"version\": 1,\n  \"version\": 1,", 1);
        assert_json_defect::<T>(&repeated);
    }
    for_each_type!(check);

    // Inside nested objects too.
    assert_json_defect::<round1::Package>(&edit(&sample(DocumentType::Round1), |v| {
        v["proof"]["extra"] = json!("00")
    }));
    assert_json_defect::<round4::Package>(&edit(&sample(DocumentType::Round4), |v| {
        v["shares"][0]["extra"] = json!(1)
    }));
    assert_json_defect::<round2::SecretPackage>(&edit(&sample(DocumentType::State2), |v| {
        v["parameters"]["extra"] = json!(1)
    }));
    assert_json_defect::<round2::SecretPackage>(&edit(&sample(DocumentType::State2), |v| {
        v["round1"][0]["extra"] = json!(1)
    }));
    assert_json_defect::<round2::SecretPackage>(&edit(&sample(DocumentType::State2), |v| {
        v["disqualified"][0]["extra"] = json!(1)
    }));
    assert_json_defect::<round4::SecretPackage>(&edit(&sample(DocumentType::State4), |v| {
        v["complaints"][0]["extra"] = json!(1)
    }));
    assert_json_defect::<round3::SecretPackage>(&edit(&sample(DocumentType::State3), |v| {
        v["shares"][0]["extra"] = json!(1)
    }));
    assert_json_defect::<KeyPackage>(&edit(&sample(DocumentType::KeyPackage), |v| {
        v["verifying_shares"][0]["extra"] = json!(1)
    }));
}

#[test]
fn text_that_is_not_a_json_object_is_refused() {
    fn check<T: Document>() {
        for text in ["", "{", "[]", "null", "1", "\"dkg\"", "{\"version\": 1} x"] {
            assert_json_defect::<T>(text);
        }
        let json = sample(T::TYPE);
        assert_json_defect::<T>(&json[..json.len() / 2]);
        // serde would take a struct as the array of its field values; we do not.
        let value: Value = serde_json::from_str(&json).unwrap();
        let values: Vec<Value> = keys(&json).iter().map(|k| value[k].clone()).collect();
        assert_json_defect::<T>(&serde_json::to_string(&values).unwrap());
    }
    for_each_type!(check);

    // Nor inside: every nested object must be an object.
    let as_array = |v: &mut Value| {
        let fields: Vec<Value> = v.as_object().unwrap().values().cloned().collect();
        *v = Value::Array(fields);
    };
    let nested: [(DocumentType, &[&str]); 6] = [
        (DocumentType::Round1, &["proof"]),
        (DocumentType::Round4, &["shares", "0"]),
        (DocumentType::State2, &["parameters"]),
        (DocumentType::State2, &["round1", "0"]),
        (DocumentType::State4, &["complaints", "0"]),
        (DocumentType::KeyPackage, &["verifying_shares", "0"]),
    ];
    for (kind, path) in nested {
        let tampered = edit(&sample(kind), |v| {
            let target = path.iter().fold(v, |v, key| match key.parse::<usize>() {
                Ok(i) => &mut v[i],
                Err(_) => &mut v[*key],
            });
            as_array(target);
        });
        match kind {
            DocumentType::Round1 => assert_json_defect::<round1::Package>(&tampered),
            DocumentType::Round4 => assert_json_defect::<round4::Package>(&tampered),
            DocumentType::State2 => assert_json_defect::<round2::SecretPackage>(&tampered),
            DocumentType::State4 => assert_json_defect::<round4::SecretPackage>(&tampered),
            _ => assert_json_defect::<KeyPackage>(&tampered),
        }
    }
}

// ---- tampering: byte strings, scalars, points ----

#[test]
fn bad_hex_is_refused_naming_the_field() {
    let round1 = sample(DocumentType::Round1);
    let value: Value = serde_json::from_str(&round1).unwrap();
    let tag = value["session"].as_str().unwrap().to_owned();
    for bad in [
        tag.to_uppercase(),
        format!("zz{}", &tag[2..]),
        tag[..62].to_owned(),
        format!("{tag}00"),
        format!("0x{}", &tag[2..]),
        String::new(),
    ] {
        let tampered = edit(&round1, |v| v["session"] = json!(bad));
        assert_defect::<round1::Package>(&tampered, DocumentDefect::Hex("session"));
    }
    let c0 = value["commitments"][0].as_str().unwrap().to_uppercase();
    assert_defect::<round1::Package>(
        &edit(&round1, |v| v["commitments"][0] = json!(c0)),
        DocumentDefect::Hex("commitments"),
    );
    assert_defect::<round1::Package>(
        &edit(&round1, |v| v["proof"]["response"] = json!("00")),
        DocumentDefect::Hex("proof.response"),
    );
    assert_defect::<round2::Package>(
        &edit(&sample(DocumentType::Round2), |v| {
            v["share"] = json!("g".repeat(64))
        }),
        DocumentDefect::Hex("share"),
    );
    assert_defect::<round5::Package>(
        &edit(&sample(DocumentType::Round5), |v| v["digest"] = json!("ab")),
        DocumentDefect::Hex("digest"),
    );
    assert_defect::<round1::SecretPackage>(
        &edit(&sample(DocumentType::State1), |v| {
            v["coefficients"][1] = json!("0".repeat(63))
        }),
        DocumentDefect::Hex("coefficients"),
    );
    assert_defect::<round1::SecretPackage>(
        &edit(&sample(DocumentType::State1), |v| {
            v["parameters"]["session_id"] = json!("abc")
        }),
        DocumentDefect::Hex("parameters.session_id"),
    );
    assert_defect::<KeyPackage>(
        &edit(&sample(DocumentType::KeyPackage), |v| {
            v["transcript_digest"] = json!(" ".repeat(64))
        }),
        DocumentDefect::Hex("transcript_digest"),
    );
}

fn field(field: &'static str, error: credkit_core::Error) -> DocumentDefect {
    DocumentDefect::Field { field, error }
}

#[test]
fn non_canonical_scalars_are_refused() {
    use credkit_core::Error::NonCanonicalScalar;
    for bad in [ORDER_HEX.to_owned(), "ff".repeat(32)] {
        assert_defect::<round1::Package>(
            &edit(&sample(DocumentType::Round1), |v| {
                v["proof"]["response"] = json!(bad)
            }),
            field("proof.response", NonCanonicalScalar),
        );
        assert_defect::<round2::Package>(
            &edit(&sample(DocumentType::Round2), |v| v["share"] = json!(bad)),
            field("share", NonCanonicalScalar),
        );
        assert_defect::<round4::Package>(
            &edit(&sample(DocumentType::Round4), |v| {
                v["shares"][0]["share"] = json!(bad)
            }),
            field("shares.share", NonCanonicalScalar),
        );
        assert_defect::<round2::SecretPackage>(
            &edit(&sample(DocumentType::State2), |v| {
                v["coefficients"][0] = json!(bad)
            }),
            field("coefficients", NonCanonicalScalar),
        );
        assert_defect::<round3::SecretPackage>(
            &edit(&sample(DocumentType::State3), |v| {
                v["shares"][0]["share"] = json!(bad)
            }),
            field("shares.share", NonCanonicalScalar),
        );
        assert_defect::<round5::SecretPackage>(
            &edit(&sample(DocumentType::State5), |v| {
                v["signing_share"] = json!(bad)
            }),
            field("signing_share", NonCanonicalScalar),
        );
        assert_defect::<KeyPackage>(
            &edit(&sample(DocumentType::KeyPackage), |v| {
                v["signing_share"] = json!(bad)
            }),
            field("signing_share", NonCanonicalScalar),
        );
    }
}

/// The first compressed encoding `0x80 00 .. 00 i` that credkit-core's decoder refuses with
/// `error`.
fn small_x_hex(error: credkit_core::Error) -> String {
    (1u8..=255)
        .map(|i| {
            let mut bytes = [0u8; 48];
            bytes[0] = 0x80;
            bytes[47] = i;
            bytes
        })
        .find(|bytes| credkit_core::encoding::g1_from_bytes(bytes) == Err(error))
        .map(hex::encode)
        .unwrap()
}

/// An x-coordinate with no point on the curve.
fn off_curve_hex() -> String {
    small_x_hex(credkit_core::Error::InvalidPointEncoding)
}

/// A point on the curve, outside the prime-order subgroup (almost every small x gives one).
fn outside_subgroup_hex() -> String {
    small_x_hex(credkit_core::Error::PointNotInSubgroup)
}

fn identity_hex() -> String {
    point_hex(&G1Affine::identity())
}

#[test]
fn points_off_the_curve_or_outside_the_subgroup_are_refused() {
    use credkit_core::Error::{InvalidPointEncoding, PointNotInSubgroup};
    for (bad, error) in [
        (off_curve_hex(), InvalidPointEncoding),
        (outside_subgroup_hex(), PointNotInSubgroup),
        // The compression flag cleared: an uncompressed point's first half.
        (format!("0{}", &point_hex(&g(1))[1..]), InvalidPointEncoding),
    ] {
        for index in [0, 1] {
            assert_defect::<round1::Package>(
                &edit(&sample(DocumentType::Round1), |v| {
                    v["commitments"][index] = json!(bad)
                }),
                field("commitments", error),
            );
        }
        assert_defect::<round1::Package>(
            &edit(&sample(DocumentType::Round1), |v| {
                v["proof"]["commitment"] = json!(bad)
            }),
            field("proof.commitment", error),
        );
        assert_defect::<round2::SecretPackage>(
            &edit(&sample(DocumentType::State2), |v| {
                v["round1"][1]["commitments"][1] = json!(bad)
            }),
            field("round1.commitments", error),
        );
        assert_defect::<KeyPackage>(
            &edit(&sample(DocumentType::KeyPackage), |v| {
                v["public_key"] = json!(bad)
            }),
            field("public_key", error),
        );
        assert_defect::<KeyPackage>(
            &edit(&sample(DocumentType::KeyPackage), |v| {
                v["verifying_shares"][0]["verifying_share"] = json!(bad)
            }),
            field("verifying_shares.verifying_share", error),
        );
    }
}

#[test]
fn the_identity_is_refused_where_forbidden() {
    use credkit_core::Error::IdentityPoint;
    let identity = identity_hex();
    assert_defect::<round1::Package>(
        &edit(&sample(DocumentType::Round1), |v| {
            v["commitments"][0] = json!(identity)
        }),
        field("commitments", IdentityPoint),
    );
    assert_defect::<round1::Package>(
        &edit(&sample(DocumentType::Round1), |v| {
            v["proof"]["commitment"] = json!(identity)
        }),
        field("proof.commitment", IdentityPoint),
    );
    assert_defect::<round2::SecretPackage>(
        &edit(&sample(DocumentType::State2), |v| {
            v["round1"][0]["commitments"][0] = json!(identity)
        }),
        field("round1.commitments", IdentityPoint),
    );
    assert_defect::<KeyPackage>(
        &edit(&sample(DocumentType::KeyPackage), |v| {
            v["public_key"] = json!(identity)
        }),
        field("public_key", IdentityPoint),
    );
    assert_defect::<KeyPackage>(
        &edit(&sample(DocumentType::KeyPackage), |v| {
            v["commitments"][0] = json!(identity)
        }),
        field("commitments", IdentityPoint),
    );

    // A higher commitment may be the identity (a zero coefficient): it reads, and round 2
    // then finds the proof, which binds every commitment, wrong.
    let json = edit(&sample(DocumentType::Round1), |v| {
        v["commitments"][1] = json!(identity)
    });
    let package = round1::Package::from_json(&json).unwrap();
    assert_eq!(package.commitments().points()[1], G1Affine::identity());
    assert_round_trip(&package);

    // More commitments than any threshold: refused before any point is decoded.
    let too_many = vec![identity_hex(); 65536];
    assert_defect::<round1::Package>(
        &edit(&sample(DocumentType::Round1), |v| {
            v["commitments"] = json!(too_many)
        }),
        DocumentDefect::TooLong("commitments"),
    );

    // No commitment at all.
    assert_defect::<round1::Package>(
        &edit(&sample(DocumentType::Round1), |v| {
            v["commitments"] = json!([])
        }),
        DocumentDefect::Empty("commitments"),
    );
}

// ---- tampering: identifiers ----

#[test]
fn identifiers_are_nonzero_in_range_and_not_repeated() {
    assert_defect::<round1::Package>(
        &edit(&sample(DocumentType::Round1), |v| v["sender"] = json!(0)),
        DocumentDefect::ZeroIdentifier("sender"),
    );
    for bad in [json!(65536), json!(-1), json!(1.5), json!("1")] {
        assert_json_defect::<round1::Package>(&edit(&sample(DocumentType::Round1), |v| {
            v["sender"] = bad
        }));
    }
    assert_defect::<round2::Package>(
        &edit(&sample(DocumentType::Round2), |v| v["recipient"] = json!(0)),
        DocumentDefect::ZeroIdentifier("recipient"),
    );
    assert_defect::<round3::Package>(
        &edit(&sample(DocumentType::Round3), |v| {
            v["accused"] = json!([2, 0])
        }),
        DocumentDefect::ZeroIdentifier("accused"),
    );
    assert_defect::<round3::Package>(
        &edit(&sample(DocumentType::Round3), |v| {
            v["accused"] = json!([2, 1, 2])
        }),
        DocumentDefect::DuplicateIdentifier {
            field: "accused",
            identifier: id(2),
        },
    );
    // Any order reads; it is written in increasing order.
    let unordered = edit(&sample(DocumentType::Round3), |v| {
        v["accused"] = json!([4, 1])
    });
    let package = round3::Package::from_json(&unordered).unwrap();
    assert_eq!(
        package.accused().iter().copied().collect::<Vec<_>>(),
        [id(1), id(4)]
    );
    assert!(package
        .to_json()
        .contains("\"accused\": [\n    1,\n    4\n  ]"));

    let round4 = sample(DocumentType::Round4);
    assert_defect::<round4::Package>(
        &edit(&round4, |v| {
            let entry = v["shares"][0].clone();
            v["shares"].as_array_mut().unwrap().push(entry);
        }),
        DocumentDefect::DuplicateIdentifier {
            field: "shares",
            identifier: id(3),
        },
    );

    let state = sample(DocumentType::State2);
    assert_defect::<round2::SecretPackage>(
        &edit(&state, |v| {
            v["parameters"]["participants"] = json!([1, 2, 3, 4, 0])
        }),
        DocumentDefect::ZeroIdentifier("parameters.participants"),
    );
    assert_defect::<round2::SecretPackage>(
        &edit(&state, |v| {
            v["parameters"]["participants"] = json!([1, 2, 3, 4, 2])
        }),
        DocumentDefect::DuplicateIdentifier {
            field: "parameters.participants",
            identifier: id(2),
        },
    );
    assert_defect::<round2::SecretPackage>(
        &edit(&state, |v| v["parameters"]["identifier"] = json!(9)),
        DocumentDefect::UnknownIdentifier {
            field: "parameters.identifier",
            identifier: id(9),
        },
    );
    assert_defect::<round2::SecretPackage>(
        &edit(&state, |v| {
            let entry = v["round1"][1].clone();
            v["round1"].as_array_mut().unwrap().push(entry);
        }),
        DocumentDefect::DuplicateIdentifier {
            field: "round1",
            identifier: id(2),
        },
    );
    assert_defect::<round2::SecretPackage>(
        &edit(&state, |v| v["round1"][1]["sender"] = json!(9)),
        DocumentDefect::UnknownIdentifier {
            field: "round1",
            identifier: id(9),
        },
    );

    let key = sample(DocumentType::KeyPackage);
    assert_defect::<KeyPackage>(
        &edit(&key, |v| v["identifier"] = json!(0)),
        DocumentDefect::ZeroIdentifier("identifier"),
    );
    assert_defect::<KeyPackage>(
        &edit(&key, |v| {
            let entry = v["verifying_shares"][0].clone();
            v["verifying_shares"].as_array_mut().unwrap().push(entry);
        }),
        DocumentDefect::DuplicateIdentifier {
            field: "verifying_shares",
            identifier: id(1),
        },
    );
    assert_defect::<KeyPackage>(
        &edit(&key, |v| v["identifier"] = json!(4)),
        DocumentDefect::UnknownIdentifier {
            field: "identifier",
            identifier: id(4),
        },
    );
}

// ---- tampering: the session ----

/// The sample documents of `kind` (all owners), read.
fn read_all<T: Document>() -> Vec<T> {
    samples()
        .all(T::TYPE)
        .map(|json| T::decode(json).unwrap())
        .collect()
}

/// `json` with another session tag.
fn other_session(json: &str) -> String {
    edit(json, |v| v["session"] = json!("5e".repeat(32)))
}

#[test]
fn a_package_of_another_session_reads_but_the_next_round_refuses_it() {
    let state = |kind| sample(kind);

    // Round 1 packages, into round 2.
    let mut packages: Vec<round1::Package> = read_all();
    let stray = round1::Package::from_json(&other_session(&sample(DocumentType::Round1))).unwrap();
    packages.retain(|p| p.sender() != id(1));
    packages.push(stray);
    let me = round1::SecretPackage::from_json(&state(DocumentType::State1)).unwrap();
    assert_eq!(
        round2::part2(me, &packages).unwrap_err(),
        Error::SessionMismatch(id(1))
    );

    // Shares, into round 3.
    let mut inbox: Vec<round2::Package> = read_all();
    inbox.retain(|p| p.recipient() == id(3));
    assert!(!inbox.is_empty());
    for share in &mut inbox {
        if share.sender() == id(1) {
            *share = round2::Package::from_json(&other_session(&share.to_json())).unwrap();
        }
    }
    let me = round2::SecretPackage::from_json(&state(DocumentType::State2)).unwrap();
    assert_eq!(
        round3::part3(me, &inbox).unwrap_err(),
        Error::SessionMismatch(id(1))
    );

    // Complaints, into round 4.
    let mut complaints: Vec<round3::Package> = read_all();
    for package in &mut complaints {
        if package.accuser() == id(1) {
            *package = round3::Package::from_json(&other_session(&package.to_json())).unwrap();
        }
    }
    let me = round3::SecretPackage::from_json(&state(DocumentType::State3)).unwrap();
    assert_eq!(
        round4::part4(me, &complaints).unwrap_err(),
        Error::SessionMismatch(id(1))
    );

    // Justifications, into round 5.
    let justification =
        round4::Package::from_json(&other_session(&sample(DocumentType::Round4))).unwrap();
    let me = round4::SecretPackage::from_json(&state(DocumentType::State4)).unwrap();
    assert_eq!(
        round5::part5(me, &[justification]).unwrap_err(),
        Error::SessionMismatch(id(2))
    );

    // Confirmations, into finish.
    let mut confirmations: Vec<round5::Package> = read_all();
    for package in &mut confirmations {
        if package.sender() == id(1) {
            *package = round5::Package::from_json(&other_session(&package.to_json())).unwrap();
        }
    }
    let me = round5::SecretPackage::from_json(&state(DocumentType::State5)).unwrap();
    assert_eq!(
        dkg::finish(me, &confirmations).unwrap_err(),
        Error::SessionMismatch(id(1))
    );
}

#[test]
fn a_state_whose_session_tag_does_not_match_its_parameters_is_refused() {
    fn check<T: Document>() {
        let json = sample(T::TYPE);
        for tampered in [
            edit(&json, |v| {
                v["parameters"]["session"] = json!("5e".repeat(32))
            }),
            edit(&json, |v| v["parameters"]["session_id"] = json!("00")),
            edit(&json, |v| v["parameters"]["session_id"] = json!("")),
            edit(&json, |v| v["parameters"]["min_signers"] = json!(3)),
            edit(&json, |v| {
                v["parameters"]["participants"] = json!([1, 2, 3])
            }),
            edit(&json, |v| {
                v["parameters"]["participants"] = json!([1, 2, 3, 4, 5])
            }),
        ] {
            assert_defect::<T>(&tampered, DocumentDefect::SessionTag);
        }
        // Reordered participants are the same list.
        let reordered = edit(&json, |v| {
            v["parameters"]["participants"] = json!([4, 3, 2, 1])
        });
        assert_eq!(T::decode(&reordered).unwrap().encode(), json);
        assert_defect::<T>(
            &edit(&json, |v| v["parameters"]["min_signers"] = json!(1)),
            DocumentDefect::InvalidMinSigners {
                min_signers: 1,
                max_signers: 4,
            },
        );
        assert_defect::<T>(
            &edit(&json, |v| v["parameters"]["session"] = json!("5e")),
            DocumentDefect::Hex("parameters.session"),
        );
    }
    check::<round1::SecretPackage>();
    check::<round2::SecretPackage>();
    check::<round3::SecretPackage>();
    check::<round4::SecretPackage>();
    check::<round5::SecretPackage>();
}

// ---- tampering: states and keys that contradict themselves ----

fn other_scalar_hex() -> String {
    hex::encode(Scalar::from(12345u64).to_bytes_be())
}

#[test]
fn a_state_that_contradicts_itself_is_refused() {
    use DocumentDefect::Inconsistent;
    let scalar = other_scalar_hex();

    let state1 = sample(DocumentType::State1);
    assert_defect::<round1::SecretPackage>(
        &edit(&state1, |v| v["coefficients"][1] = json!(scalar)),
        Inconsistent("coefficients"),
    );
    assert_defect::<round1::SecretPackage>(
        &edit(&state1, |v| {
            v["coefficients"].as_array_mut().unwrap().pop();
        }),
        Inconsistent("coefficients"),
    );
    assert_defect::<round1::SecretPackage>(
        &edit(&state1, |v| v["round1"] = json!([])),
        Inconsistent("round1"),
    );
    // Someone else's package, in a state of round 1.
    let other =
        serde_json::from_str::<Value>(&sample(DocumentType::State2)).unwrap()["round1"][0].clone();
    assert_defect::<round1::SecretPackage>(
        &edit(&state1, |v| {
            v["round1"].as_array_mut().unwrap().insert(0, other)
        }),
        Inconsistent("round1"),
    );
    assert_defect::<round1::SecretPackage>(
        &edit(
            &state1,
            |v| {
                v["disqualified"] =
                    json!([{"participant": 4, "reason": "invalid-proof-of-knowledge"}])
            },
        ),
        Inconsistent("disqualified"),
    );
    // Our own proof, broken.
    assert_defect::<round1::SecretPackage>(
        &edit(&state1, |v| {
            v["round1"][0]["proof"]["response"] = json!(scalar)
        }),
        Inconsistent("round1"),
    );

    let state2 = sample(DocumentType::State2);
    // A qualified dealer without its package.
    assert_defect::<round2::SecretPackage>(
        &edit(&state2, |v| {
            v["round1"].as_array_mut().unwrap().remove(0);
        }),
        Inconsistent("round1"),
    );
    // Dropping the disqualification of 4 makes its invalid package count as qualified.
    assert_defect::<round2::SecretPackage>(
        &edit(&state2, |v| v["disqualified"] = json!([])),
        Inconsistent("round1"),
    );
    for bad in [
        json!({"participant": 3, "reason": "invalid-proof-of-knowledge"}),
        json!({"participant": 4, "reason": "wrong-commitment-count"}),
        json!({"participant": 4, "reason": "invalid-proof-of-knowledge", "accuser": 1}),
        json!({"participant": 4, "reason": "other"}),
        json!({"participant": 4, "reason": "missing-complaints"}),
    ] {
        assert_defect::<round2::SecretPackage>(
            &edit(&state2, |v| v["disqualified"] = json!([bad])),
            Inconsistent("disqualified"),
        );
    }
    assert_json_defect::<round2::SecretPackage>(&edit(&state2, |v| {
        v["disqualified"][0]["reason"] = json!("cheating")
    }));
    assert_defect::<round2::SecretPackage>(
        &edit(&state2, |v| v["disqualified"][0]["participant"] = json!(7)),
        DocumentDefect::UnknownIdentifier {
            field: "disqualified",
            identifier: id(7),
        },
    );
    // Too many disqualified to go on.
    assert_defect::<round2::SecretPackage>(
        &edit(&state2, |v| {
            v["disqualified"] = json!([
                {"participant": 1, "reason": "missing-commitments"},
                {"participant": 2, "reason": "missing-commitments"},
                {"participant": 4, "reason": "invalid-proof-of-knowledge"}
            ])
        }),
        Inconsistent("disqualified"),
    );

    let state3 = sample(DocumentType::State3);
    assert_defect::<round3::SecretPackage>(
        &edit(&state3, |v| v["shares"][0]["share"] = json!(scalar)),
        Inconsistent("shares"),
    );
    assert_defect::<round3::SecretPackage>(
        &edit(&state3, |v| {
            let shares = v["shares"].as_array_mut().unwrap();
            shares.retain(|s| s["dealer"] != json!(3));
        }),
        Inconsistent("shares"),
    );
    assert_defect::<round3::SecretPackage>(
        &edit(&state3, |v| v["shares"][0]["dealer"] = json!(4)),
        DocumentDefect::UnknownIdentifier {
            field: "shares",
            identifier: id(4),
        },
    );

    let state4 = sample(DocumentType::State4);
    for bad in [
        json!([{"accuser": 3, "accused": 3}]),
        json!([{"accuser": 3, "accused": 4}]),
        json!([{"accuser": 3, "accused": 2}, {"accuser": 3, "accused": 2}]),
    ] {
        assert_defect::<round4::SecretPackage>(
            &edit(&state4, |v| v["complaints"] = bad),
            Inconsistent("complaints"),
        );
    }
    assert_defect::<round4::SecretPackage>(
        &edit(&state4, |v| {
            v["complaints"] = json!([{"accuser": 9, "accused": 2}])
        }),
        DocumentDefect::UnknownIdentifier {
            field: "complaints",
            identifier: id(9),
        },
    );

    let state5 = sample(DocumentType::State5);
    assert_defect::<round5::SecretPackage>(
        &edit(&state5, |v| v["signing_share"] = json!(scalar)),
        Inconsistent("signing_share"),
    );
    // A state 5 with a polynomial is not a state 5.
    assert_json_defect::<round5::SecretPackage>(&edit(&state5, |v| v["coefficients"] = json!([])));
}

#[test]
fn a_key_package_that_contradicts_itself_is_refused() {
    use DocumentDefect::Inconsistent;
    let key = sample(DocumentType::KeyPackage);
    assert_defect::<KeyPackage>(
        &edit(&key, |v| v["public_key"] = json!(point_hex(&g(5)))),
        Inconsistent("public_key"),
    );
    assert_defect::<KeyPackage>(
        &edit(&key, |v| {
            v["verifying_shares"][1]["verifying_share"] = json!(point_hex(&g(5)))
        }),
        Inconsistent("verifying_shares"),
    );
    assert_defect::<KeyPackage>(
        &edit(&key, |v| v["max_signers"] = json!(4)),
        Inconsistent("max_signers"),
    );
    assert_defect::<KeyPackage>(
        &edit(&key, |v| v["min_signers"] = json!(3)),
        Inconsistent("commitments"),
    );
    assert_defect::<KeyPackage>(
        &edit(&key, |v| v["min_signers"] = json!(4)),
        DocumentDefect::InvalidMinSigners {
            min_signers: 4,
            max_signers: 3,
        },
    );
    assert_defect::<KeyPackage>(
        &edit(&key, |v| v["signing_share"] = json!(other_scalar_hex())),
        Inconsistent("signing_share"),
    );
    assert_defect::<KeyPackage>(
        &edit(&key, |v| {
            v["disqualified"]
                .as_array_mut()
                .unwrap()
                .push(json!({"participant": 2, "reason": "missing-complaints"}))
        }),
        Inconsistent("disqualified"),
    );
    // Another member's verifying shares with our signing share: the identifier decides.
    assert_defect::<KeyPackage>(
        &edit(&key, |v| v["identifier"] = json!(1)),
        Inconsistent("signing_share"),
    );
}

// ---- what the documents look like ----

/// The top-level keys of a pretty-printed document, in order.
fn keys(json: &str) -> Vec<String> {
    json.lines()
        .filter_map(|line| line.strip_prefix("  \""))
        .filter_map(|rest| rest.split_once("\":"))
        .map(|(key, _)| key.to_owned())
        .collect()
}

#[test]
fn documents_have_the_fields_of_the_format_table_in_order() {
    let table: [(DocumentType, &[&str]); 11] = [
        (
            DocumentType::Round1,
            &["session", "sender", "commitments", "proof"],
        ),
        (
            DocumentType::Round2,
            &["session", "sender", "recipient", "share"],
        ),
        (DocumentType::Round3, &["session", "accuser", "accused"]),
        (DocumentType::Round4, &["session", "accused", "shares"]),
        (DocumentType::Round5, &["session", "sender", "digest"]),
        (
            DocumentType::State1,
            &["parameters", "coefficients", "round1", "disqualified"],
        ),
        (
            DocumentType::State2,
            &["parameters", "coefficients", "round1", "disqualified"],
        ),
        (
            DocumentType::State3,
            &[
                "parameters",
                "coefficients",
                "round1",
                "disqualified",
                "shares",
            ],
        ),
        (
            DocumentType::State4,
            &[
                "parameters",
                "coefficients",
                "round1",
                "disqualified",
                "shares",
                "complaints",
            ],
        ),
        (
            DocumentType::State5,
            &[
                "parameters",
                "round1",
                "disqualified",
                "signing_share",
                "digest",
            ],
        ),
        (
            DocumentType::KeyPackage,
            &[
                "identifier",
                "min_signers",
                "max_signers",
                "public_key",
                "commitments",
                "verifying_shares",
                "signing_share",
                "transcript_digest",
                "disqualified",
            ],
        ),
    ];
    for (kind, fields) in table {
        let json = sample(kind);
        let mut expected = vec!["version".to_owned(), "type".to_owned()];
        expected.extend(fields.iter().map(|f| (*f).to_owned()));
        assert_eq!(keys(&json), expected, "{kind}");
        assert!(json.starts_with(&format!(
            "{{\n  \"version\": 1,\n  \"type\": \"{}\",\n",
            kind.name()
        )));
        assert!(json.ends_with("}\n"));
        assert_eq!(DocumentType::of(&json), Some(kind));
        assert_eq!(DocumentType::from_name(kind.name()), Some(kind));
        assert_eq!(kind.to_string(), kind.name());
    }
    let secret: Vec<DocumentType> = DocumentType::ALL
        .into_iter()
        .filter(|t| t.is_secret())
        .collect();
    assert_eq!(
        secret,
        [
            DocumentType::Round2,
            DocumentType::State1,
            DocumentType::State2,
            DocumentType::State3,
            DocumentType::State4,
            DocumentType::State5,
            DocumentType::KeyPackage
        ]
    );
    assert_eq!(
        DocumentType::of("{\"version\": 2, \"type\": \"dkg-round1\"}"),
        None
    );
    assert_eq!(
        DocumentType::of("{\"version\": 1, \"type\": \"upload\"}"),
        None
    );
    assert_eq!(DocumentType::of("not json"), None);

    // The key package's public key is the group key, in hex.
    let key = KeyPackage::from_json(&sample(DocumentType::KeyPackage)).unwrap();
    let value: Value = serde_json::from_str(&sample(DocumentType::KeyPackage)).unwrap();
    assert_eq!(
        value["public_key"],
        json!(hex::encode(key.group_public_key().to_bytes()))
    );
    assert_eq!(
        value["disqualified"],
        json!([{"participant": 4, "reason": "invalid-proof-of-knowledge"}])
    );
}

/// Pins the encoding of packages built from fixed values (also the SPEC example): the
/// commitments `2 * P1`, `3 * P1`, the proof `R = 5 * P1`, `z = 7`, the session tag `0x11..`.
#[test]
fn package_encodings_are_pinned() {
    let session = dkg::SessionTag::from_bytes([0x11; 32]);
    let round1 = round1::Package::new(
        id(1),
        session,
        Commitments::new(vec![g(2), g(3)]).unwrap(),
        round1::ProofOfKnowledge::new(g(5), Scalar::from(7u64)),
    );
    let expected = [
        r#"{"#,
        r#"  "version": 1,"#,
        r#"  "type": "dkg-round1","#,
        r#"  "session": "1111111111111111111111111111111111111111111111111111111111111111","#,
        r#"  "sender": 1,"#,
        r#"  "commitments": ["#,
        r#"    "a572cbea904d67468808c8eb50a9450c9721db309128012543902d0ac358a62ae28f75bb8f1c7c42c39a8c5529bf0f4e","#,
        r#"    "89ece308f9d1f0131765212deca99697b112d61f9be9a5f1f3780a51335b3ff981747a0b2ca2179b96d2c0c9024e5224""#,
        r#"  ],"#,
        r#"  "proof": {"#,
        r#"    "commitment": "b0e7791fb972fe014159aa33a98622da3cdc98ff707965e536d8636b5fcc5ac7a91a8c46e59a00dca575af0f18fb13dc","#,
        r#"    "response": "0000000000000000000000000000000000000000000000000000000000000007""#,
        r#"  }"#,
        r#"}"#,
        r#""#,
    ]
    .join("\n");
    assert_eq!(round1.to_json(), expected);
    assert_eq!(round1::Package::from_json(&expected).unwrap(), round1);

    let round3 = round3::Package::new(id(3), session, [id(4), id(2)]);
    let expected = [
        r#"{"#,
        r#"  "version": 1,"#,
        r#"  "type": "dkg-round3","#,
        r#"  "session": "1111111111111111111111111111111111111111111111111111111111111111","#,
        r#"  "accuser": 3,"#,
        r#"  "accused": ["#,
        r#"    2,"#,
        r#"    4"#,
        r#"  ]"#,
        r#"}"#,
        r#""#,
    ]
    .join("\n");
    assert_eq!(round3.to_json(), expected);

    let round5 = round5::Package::new(id(2), session, [0xab; 32]);
    let expected = [
        r#"{"#,
        r#"  "version": 1,"#,
        r#"  "type": "dkg-round5","#,
        r#"  "session": "1111111111111111111111111111111111111111111111111111111111111111","#,
        r#"  "sender": 2,"#,
        r#"  "digest": "abababababababababababababababababababababababababababababababab""#,
        r#"}"#,
        r#""#,
    ]
    .join("\n");
    assert_eq!(round5.to_json(), expected);
}

// ---- secrets ----

/// Every 64-hex secret in a document: coefficients, shares, the signing share.
fn secrets_of(json: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(json).unwrap();
    let mut found = Vec::new();
    for key in ["coefficients"] {
        for c in value[key].as_array().into_iter().flatten() {
            found.push(c.as_str().unwrap().to_owned());
        }
    }
    for s in value["shares"].as_array().into_iter().flatten() {
        found.extend(s["share"].as_str().map(str::to_owned));
    }
    for key in ["share", "signing_share"] {
        found.extend(value[key].as_str().map(str::to_owned));
    }
    found
}

#[test]
fn restored_secrets_stay_out_of_debug_output() {
    fn check<T: Document>() {
        // Round 4 reveals its shares on purpose; the other public documents hold none.
        if !T::TYPE.is_secret() {
            return;
        }
        let json = sample(T::TYPE);
        let secrets = secrets_of(&json);
        assert!(!secrets.is_empty(), "{}", T::TYPE);
        let restored = T::decode(&json).unwrap();
        let debug = format!("{restored:?}");
        for secret in secrets {
            assert!(!debug.contains(&secret), "{}: {debug}", T::TYPE);
        }
        assert!(debug.contains("redacted"), "{}: {debug}", T::TYPE);
    }
    for_each_type!(check);
}

// ---- properties ----

fn scalar_from(seed: u64) -> Scalar {
    Scalar::random(StdRng::seed_from_u64(seed))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// Whole runs with random sizes, seeds and an answered complaint: every state and
    /// package read back equals what was written (checked in `cross`), and the outcome is
    /// the in-memory one.
    #[test]
    fn runs_through_files_equal_runs_in_memory(
        min_signers in 2u16..=4,
        extra in 0u16..=2,
        seed in any::<u64>(),
        complaint in any::<bool>(),
    ) {
        let max_signers = min_signers + extra;
        let faults = Faults {
            wrong_share: if complaint { vec![(max_signers, 1)] } else { vec![] },
            ..Faults::default()
        };
        let members: Vec<u16> = (1..=max_signers).collect();
        let keys = run_both_ways(min_signers, max_signers, seed, &faults, Mode::Files, &members);
        for key in keys.values() {
            assert_round_trip(key);
        }
        assert_group(&keys, min_signers);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `from_json(to_json(x)) == x` for packages of arbitrary content.
    #[test]
    fn packages_round_trip(
        session in any::<[u8; 32]>(),
        sender in 1u16..,
        recipient in 1u16..,
        seeds in proptest::collection::vec(any::<u64>(), 1..6),
        accused in proptest::collection::btree_set(1u16.., 0..6),
        revealed in proptest::collection::btree_map(1u16.., any::<u64>(), 0..6),
        digest in any::<[u8; 32]>(),
    ) {
        let session = dkg::SessionTag::from_bytes(session);
        let points: Vec<G1Affine> = seeds
            .iter()
            .map(|&s| (G1Projective::generator() * scalar_from(s)).to_affine())
            .collect();
        let proof = round1::ProofOfKnowledge::new(points[0], scalar_from(seeds[0] ^ 1));
        assert_round_trip(&round1::Package::new(
            id(sender),
            session,
            Commitments::new(points).unwrap(),
            proof,
        ));
        assert_round_trip(&round2::Package::new(
            id(sender),
            id(recipient),
            session,
            scalar_from(seeds[0]),
        ));
        assert_round_trip(&round3::Package::new(
            id(sender),
            session,
            accused.iter().map(|&a| id(a)),
        ));
        assert_round_trip(&round4::Package::new(
            id(sender),
            session,
            revealed.iter().map(|(&a, &s)| (id(a), scalar_from(s))),
        ));
        assert_round_trip(&round5::Package::new(id(sender), session, digest));
    }

    /// Truncated, altered or extended documents never panic a reader.
    #[test]
    fn mangled_documents_never_panic(
        which in 0usize..11,
        cut in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        byte in 0x20u8..0x7f,
        how in 0u8..3,
    ) {
        let json = sample(DocumentType::ALL[which]);
        let mut bytes = json.into_bytes();
        match how {
            0 => bytes.truncate(cut.index(bytes.len())),
            1 => {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            _ => bytes.insert(at.index(bytes.len()), byte),
        }
        let text = String::from_utf8_lossy(&bytes);
        fn read<T: Document>(text: &str) {
            let _ = T::decode(text);
        }
        read::<round1::Package>(&text);
        read::<round2::Package>(&text);
        read::<round3::Package>(&text);
        read::<round4::Package>(&text);
        read::<round5::Package>(&text);
        read::<round1::SecretPackage>(&text);
        read::<round2::SecretPackage>(&text);
        read::<round3::SecretPackage>(&text);
        read::<round4::SecretPackage>(&text);
        read::<round5::SecretPackage>(&text);
        read::<KeyPackage>(&text);
        let _ = DocumentType::of(&text);
    }
}
