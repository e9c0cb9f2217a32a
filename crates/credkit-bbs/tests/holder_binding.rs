//! Holder-bound credentials and pseudonymous presentations (SPEC.md §4.6): one pharmacy
//! recognises a returning patient, two pharmacies cannot link their visits, the proofs link
//! nothing, a copied credential without the holder's secret presents nothing, and every
//! tampered field is refused with its typed error.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use credkit_bbs::blind::ProverBlind;
use credkit_bbs::credential::{
    AttributeValue, Attributes, BoundCredential, BoundPresentation, Credential, CredentialRequest,
    HolderSecret, IssuerKey, IssuerPublicKey, Presentation, Schema, SuiteId, MAX_CONTEXT_LEN,
};
use credkit_bbs::pseudonym::{proof_gen_with_nym, NymSecrets, Pseudonym};
use credkit_bbs::{Bls12381Sha256, Bls12381Shake256, Ciphersuite, Error, Signature};
use rand::rngs::{OsRng, StdRng};
use rand::SeedableRng;
use serde_json::Value;

const SCHEMA: &str = r#"{
  "version": 1,
  "type": "schema",
  "id": "urn:credkit:example:rx:v1",
  "attributes": [
    {"name": "name", "type": "string"},
    {"name": "birth_date", "type": "date"},
    {"name": "drug", "type": "string"},
    {"name": "refills", "type": "integer"}
  ]
}"#;

const ATTRS: &str =
    r#"{"name": "Ada", "birth_date": "1815-12-10", "drug": "digoxin", "refills": 2}"#;

/// A hospital, a patient's secret and the holder-bound credential issued to it.
struct Issued {
    hospital: IssuerKey,
    secret: HolderSecret,
    credential: BoundCredential,
}

fn issue(suite: SuiteId, nym_count: usize, seed: u64) -> Issued {
    let mut rng = StdRng::seed_from_u64(seed);
    let hospital = IssuerKey::generate(suite, &mut rng);
    let schema = Schema::from_json(SCHEMA).unwrap();
    let (request, secret) =
        CredentialRequest::new_with_rng(&mut rng, suite, &schema, nym_count).unwrap();
    // Every document goes through its JSON form, as between the parties.
    let request = CredentialRequest::from_json(&request.to_json()).unwrap();
    let secret = HolderSecret::from_json(&secret.to_json()).unwrap();
    let attributes = Attributes::from_json(&schema, ATTRS).unwrap();
    let credential = hospital
        .issue_bound_with_rng(&mut rng, &request, &schema, &attributes)
        .unwrap();
    let credential = BoundCredential::from_json(&credential.to_json()).unwrap();
    credential.verify(&secret).unwrap();
    Issued {
        hospital,
        secret,
        credential,
    }
}

impl Issued {
    fn present(&self, nonce: &[u8], context: &[u8]) -> String {
        self.credential
            .present(&self.secret, &["drug", "refills"], nonce, None, context)
            .unwrap()
            .to_json()
    }

    fn verify(&self, json: &str, nonce: &[u8], context: &[u8]) -> Result<Pseudonym, Error> {
        let (seen, nym) =
            BoundPresentation::verify_json(json, &self.hospital.public(), nonce, None, context)?;
        assert_eq!(seen.to_json(), r#"{"drug":"digoxin","refills":2}"#);
        Ok(nym)
    }
}

fn field(json: &str, name: &str) -> String {
    serde_json::from_str::<Value>(json).unwrap()[name]
        .as_str()
        .unwrap()
        .to_owned()
}

fn with(json: &str, name: &str, value: Value) -> String {
    let mut doc: Value = serde_json::from_str(json).unwrap();
    doc[name] = value;
    serde_json::to_string_pretty(&doc).unwrap()
}

fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

/// A proof's components: 3 points of 48 bytes, then 32-byte scalars.
fn components(proof: &[u8]) -> Vec<Vec<u8>> {
    let (points, scalars) = proof.split_at(3 * 48);
    points
        .chunks(48)
        .chain(scalars.chunks(32))
        .map(<[u8]>::to_vec)
        .collect()
}

#[test]
fn one_pharmacy_one_pseudonym_two_pharmacies_two() {
    for (suite, nym_count) in [(SuiteId::Sha256, 1), (SuiteId::Shake256, 3)] {
        let p = issue(suite, nym_count, 1);
        let visit_1 = p.present(b"n-1", b"pharmacy-7");
        let visit_2 = p.present(b"n-2", b"pharmacy-7");
        let elsewhere = p.present(b"n-3", b"pharmacy-8");
        let first = p.verify(&visit_1, b"n-1", b"pharmacy-7").unwrap();
        let second = p.verify(&visit_2, b"n-2", b"pharmacy-7").unwrap();
        let other = p.verify(&elsewhere, b"n-3", b"pharmacy-8").unwrap();
        assert_eq!(first, second, "one pharmacy sees one pseudonym");
        assert_ne!(first, other, "two pharmacies see two pseudonyms");
        // The pseudonym in the document is the one verification returns.
        assert_eq!(unb64(&field(&visit_1, "pseudonym")), first.to_bytes());
        // Display is lowercase hex of the compressed point.
        assert_eq!(first.to_string().len(), 96);
        assert!(first
            .to_string()
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));

        // A second patient at the same pharmacy: another pseudonym.
        let q = issue(suite, nym_count, 2);
        let stranger = q.present(b"n-4", b"pharmacy-7");
        assert_ne!(q.verify(&stranger, b"n-4", b"pharmacy-7").unwrap(), first);
        // And a second credential of the same patient (another request): another pseudonym
        // too, since the issuer's entropy enters the secrets.
        let again = issue(suite, nym_count, 3);
        assert_ne!(
            again
                .verify(&again.present(b"n", b"pharmacy-7"), b"n", b"pharmacy-7")
                .unwrap(),
            first
        );

        // Each verifier checks under its own context: pharmacy-8 refuses pharmacy-7's visit,
        // named by the stated context...
        assert_eq!(
            p.verify(&visit_1, b"n-1", b"pharmacy-8"),
            Err(Error::PseudonymContextMismatch)
        );
        // ...and, with the stated context rewritten, by the proof: the pseudonym was not
        // made for pharmacy-8.
        let relabelled = with(
            &visit_1,
            "pseudonym_context",
            URL_SAFE_NO_PAD.encode("pharmacy-8").into(),
        );
        assert_eq!(
            p.verify(&relabelled, b"n-1", b"pharmacy-8"),
            Err(Error::InvalidProof)
        );
        // Nor does pharmacy-8's pseudonym pass for pharmacy-7's, or the reverse.
        let swapped = with(&visit_1, "pseudonym", field(&elsewhere, "pseudonym").into());
        assert_eq!(
            p.verify(&swapped, b"n-1", b"pharmacy-7"),
            Err(Error::InvalidProof)
        );
        // A replay under another nonce fails.
        assert_eq!(
            p.verify(&visit_1, b"n-2", b"pharmacy-7"),
            Err(Error::InvalidProof)
        );
    }
}

/// Within a context two presentations differ only in their proofs, which share no component;
/// across contexts they also differ in the pseudonym and the context. Nothing else links them.
#[test]
fn presentations_link_only_through_the_pseudonym_of_one_context() {
    let p = issue(SuiteId::Sha256, 1, 4);
    let a1 = p.present(b"same", b"pharmacy-7");
    let a2 = p.present(b"same", b"pharmacy-7");
    let b = p.present(b"same", b"pharmacy-8");
    let strip = |json: &str, fields: &[&str]| {
        let mut doc: Value = serde_json::from_str(json).unwrap();
        for f in fields {
            doc.as_object_mut().unwrap().remove(*f);
        }
        doc
    };
    assert_eq!(strip(&a1, &["proof"]), strip(&a2, &["proof"]));
    let varying = ["proof", "pseudonym", "pseudonym_context"];
    assert_eq!(strip(&a1, &varying), strip(&b, &varying));

    let proofs: Vec<Vec<Vec<u8>>> = [&a1, &a2, &b]
        .iter()
        .map(|doc| components(&unb64(&field(doc, "proof"))))
        .collect();
    // U = 2 hidden attributes + the prover's blind + 1 secret: 3 points, 4 + 4 scalars, c.
    assert_eq!(proofs[0].len(), 3 + 4 + 4);
    for (i, x) in proofs.iter().enumerate() {
        for (j, y) in proofs.iter().enumerate() {
            if i != j {
                assert!(
                    x.iter().all(|c| !y.contains(c)),
                    "proofs {i} and {j} share a component"
                );
            }
        }
    }
    // No proof carries the signature, the commitment or a pseudonym.
    let cred = p.credential.to_json();
    let hidden = [
        unb64(&field(&cred, "signature")),
        unb64(&field(&cred, "commitment")),
        unb64(&field(&a1, "pseudonym")),
        unb64(&field(&b, "pseudonym")),
    ];
    for proof in &proofs {
        for c in proof {
            assert!(!hidden
                .iter()
                .any(|h| h.windows(c.len()).any(|w| w == &c[..])));
        }
    }
    // The pseudonyms of the two contexts have nothing in common either.
    assert_ne!(field(&a1, "pseudonym"), field(&b, "pseudonym"));
}

/// The issue's test: a credential copied without the holder's secret cannot produce a valid
/// presentation.
#[test]
fn a_copied_credential_without_the_holder_secret_is_useless() {
    let p = issue(SuiteId::Sha256, 1, 5);
    let schema = p.credential.schema().clone();

    // Another holder's secret (a request of its own): refused, typed.
    let (_, thief) = CredentialRequest::new(SuiteId::Sha256, &schema, 1).unwrap();
    assert_eq!(
        p.credential.verify(&thief),
        Err(Error::HolderSecretMismatch)
    );
    assert_eq!(
        p.credential
            .present(&thief, &["drug"], b"n", None, b"pharmacy-7")
            .unwrap_err(),
        Error::HolderSecretMismatch
    );
    // A secret file made to name the credential's commitment: it does not open it.
    let forged = with(
        &thief.to_json(),
        "commitment",
        field(&p.credential.to_json(), "commitment").into(),
    );
    assert_eq!(
        HolderSecret::from_json(&forged),
        Err(Error::InconsistentHolderSecret)
    );
    // A secret of the other suite.
    let (_, shake) = CredentialRequest::new(SuiteId::Shake256, &schema, 1).unwrap();
    assert!(matches!(
        p.credential.verify(&shake),
        Err(Error::SuiteMismatch { .. })
    ));

    // Below the credential layer: the thief takes the signature from the copied file, draws
    // its own secrets (the issuer's entropy in the file finalizes nothing without the
    // holder's), and proves with them, with no blind or a guessed one. No verifier accepts
    // the result.
    let cred = p.credential.to_json();
    let signature = Signature::from_bytes(&unb64(&field(&cred, "signature"))).unwrap();
    let kid = p.hospital.public().kid();
    let mut header = b"credkit-credential-v1".to_vec();
    header.extend_from_slice(&schema.digest());
    header.push(kid.len() as u8);
    header.extend_from_slice(kid.as_bytes());
    let mut ph = b"credkit-presentation-v1".to_vec();
    ph.extend_from_slice(&(1u64).to_be_bytes());
    ph.extend_from_slice(b"n");
    ph.push(0);
    let messages = p
        .credential
        .attributes()
        .iter()
        .map(|(_, v)| v.to_message())
        .collect::<Vec<_>>();
    let genuine = p.present(b"n", b"pharmacy-7");
    let guessed_blind = ProverBlind::from_bytes(&[1u8; 32]).unwrap();
    for blind in [None, Some(&guessed_blind)] {
        let nyms = NymSecrets::generate(&mut OsRng, 1).unwrap();
        let (proof, nym) = proof_gen_with_nym::<Bls12381Sha256>(
            p.hospital.public().public_key(),
            &signature,
            &header,
            &ph,
            &nyms,
            b"pharmacy-7",
            &messages,
            &[] as &[&[u8]],
            &[2, 3],
            &[],
            blind,
        )
        .unwrap();
        let stolen = with(
            &with(
                &genuine,
                "proof",
                URL_SAFE_NO_PAD.encode(proof.to_bytes()).into(),
            ),
            "pseudonym",
            URL_SAFE_NO_PAD.encode(nym.to_bytes()).into(),
        );
        assert_eq!(
            p.verify(&stolen, b"n", b"pharmacy-7"),
            Err(Error::InvalidProof)
        );
        // Nor with the genuine pseudonym (which the thief may have seen).
        let stolen = with(
            &genuine,
            "proof",
            URL_SAFE_NO_PAD.encode(proof.to_bytes()).into(),
        );
        assert_eq!(
            p.verify(&stolen, b"n", b"pharmacy-7"),
            Err(Error::InvalidProof)
        );
    }
    // And the genuine presentation still verifies.
    p.verify(&genuine, b"n", b"pharmacy-7").unwrap();
}

#[test]
fn tampered_presentations_are_refused() {
    let p = issue(SuiteId::Sha256, 2, 6);
    let json = p.present(b"n", b"pharmacy-7");
    let other = p.present(b"n", b"pharmacy-8");
    let verify = |doc: &str| p.verify(doc, b"n", b"pharmacy-7");
    verify(&json).unwrap();

    let cases: Vec<(&str, String, Error)> = vec![
        (
            "a disclosed value",
            json.replace("\"digoxin\"", "\"digitoxin\""),
            Error::InvalidProof,
        ),
        (
            "an undisclosed attribute added",
            json.replace(
                "\"drug\": \"digoxin\"",
                "\"name\": \"Ada\", \"drug\": \"digoxin\"",
            ),
            Error::InvalidProof,
        ),
        (
            "nym_count 1",
            with(&json, "nym_count", 1.into()),
            Error::InvalidProof,
        ),
        (
            "nym_count 3",
            with(&json, "nym_count", 3.into()),
            Error::InvalidProof,
        ),
        (
            "nym_count 0",
            with(&json, "nym_count", 0.into()),
            Error::NymSecretCount {
                expected: 1,
                found: 0,
            },
        ),
        (
            "nym_count 65",
            with(&json, "nym_count", 65.into()),
            Error::NymSecretCount {
                expected: 64,
                found: 65,
            },
        ),
        (
            "another context's pseudonym",
            with(&json, "pseudonym", field(&other, "pseudonym").into()),
            Error::InvalidProof,
        ),
        (
            "the stated context",
            with(
                &json,
                "pseudonym_context",
                URL_SAFE_NO_PAD.encode("pharmacy-9").into(),
            ),
            Error::PseudonymContextMismatch,
        ),
        (
            "another proof",
            with(&json, "proof", field(&other, "proof").into()),
            Error::InvalidProof,
        ),
        (
            "the schema id",
            json.replace("urn:credkit:example:rx:v1", "urn:credkit:example:rx:v2"),
            Error::InvalidProof,
        ),
        (
            "the issuer",
            with(&json, "issuer", "A".repeat(43).into()),
            Error::IssuerMismatch,
        ),
        (
            "the suite",
            with(&json, "suite", "bls12-381-shake-256".into()),
            Error::SuiteMismatch {
                expected: SuiteId::Sha256,
                found: SuiteId::Shake256,
            },
        ),
        (
            "the version",
            with(&json, "version", 2.into()),
            Error::UnsupportedVersion {
                document: "bound-presentation",
                found: 2,
            },
        ),
        (
            "the pseudonym's encoding",
            with(
                &json,
                "pseudonym",
                URL_SAFE_NO_PAD.encode([0xc0u8; 48]).into(),
            ),
            Error::InField {
                field: "pseudonym",
                error: Box::new(Error::Encoding(credkit_core::Error::InvalidPointEncoding)),
            },
        ),
        (
            "an empty stated context",
            with(&json, "pseudonym_context", "".into()),
            Error::InField {
                field: "pseudonym_context",
                error: Box::new(Error::InvalidPseudonymContext),
            },
        ),
    ];
    for (what, doc, expected) in cases {
        assert_eq!(verify(&doc), Err(expected), "{what}");
    }
    // Malformed documents: unknown or repeated fields, a plain presentation's type.
    for doc in [
        with(&json, "extra", 1.into()),
        json.replacen(
            "\"nym_count\": 2",
            "\"nym_count\": 2,\n  \"nym_count\": 2",
            1,
        ),
        json.replacen("\"refills\": 2", "\"refills\": 20,\n    \"refills\": 2", 1),
    ] {
        assert!(matches!(verify(&doc), Err(Error::Json(_))), "{doc}");
    }
    assert!(matches!(
        verify(&with(&json, "type", "presentation".into())),
        Err(Error::WrongDocumentType {
            expected: "bound-presentation",
            ..
        })
    ));
    // The pseudonym cut short: a typed encoding error.
    let nym = field(&json, "pseudonym");
    assert!(matches!(
        verify(&json.replace(&nym, &nym[..60])),
        Err(Error::InField {
            field: "pseudonym",
            ..
        })
    ));
}

#[test]
fn tampered_credentials_and_secrets_are_refused() {
    let p = issue(SuiteId::Shake256, 1, 7);
    let cred = p.credential.to_json();
    let check = |doc: &str| BoundCredential::from_json(doc).and_then(|c| c.verify(&p.secret));
    check(&cred).unwrap();
    let other = issue(SuiteId::Shake256, 1, 8).credential.to_json();
    let cases: Vec<(&str, String, Error)> = vec![
        (
            "an attribute",
            cred.replace("\"refills\": 2", "\"refills\": 3"),
            Error::InvalidSignature,
        ),
        (
            "the entropy",
            with(
                &cred,
                "signer_nym_entropy",
                field(&other, "signer_nym_entropy").into(),
            ),
            Error::InvalidSignature,
        ),
        (
            "the signature",
            with(&cred, "signature", field(&other, "signature").into()),
            Error::InvalidSignature,
        ),
        (
            "the commitment",
            with(&cred, "commitment", field(&other, "commitment").into()),
            Error::HolderSecretMismatch,
        ),
        (
            "nym_count",
            with(&cred, "nym_count", 2.into()),
            Error::NymSecretCount {
                expected: 2,
                found: 1,
            },
        ),
        (
            "nym_count 0",
            with(&cred, "nym_count", 0.into()),
            Error::NymSecretCount {
                expected: 1,
                found: 0,
            },
        ),
        (
            "the schema",
            cred.replace("urn:credkit:example:rx:v1", "urn:credkit:example:rx:v2"),
            Error::InvalidSignature,
        ),
        (
            "the issuer key id",
            with(
                &cred,
                "issuer",
                serde_json::json!({
                    "kid": "A".repeat(43),
                    "public_key": serde_json::from_str::<Value>(&cred).unwrap()["issuer"]["public_key"],
                }),
            ),
            Error::KeyMismatch,
        ),
        (
            "the entropy's encoding",
            with(
                &cred,
                "signer_nym_entropy",
                URL_SAFE_NO_PAD.encode([0xffu8; 32]).into(),
            ),
            Error::InField {
                field: "signer_nym_entropy",
                error: Box::new(Error::Encoding(credkit_core::Error::NonCanonicalScalar)),
            },
        ),
    ];
    for (what, doc, expected) in cases {
        assert_eq!(check(&doc), Err(expected), "{what}");
    }
    for doc in [
        with(&cred, "extra", 1.into()),
        cred.replacen(
            "\"nym_count\": 1",
            "\"nym_count\": 1,\n  \"nym_count\": 1",
            1,
        ),
        cred.replacen("\"refills\": 2", "\"refills\": 20,\n    \"refills\": 2", 1),
    ] {
        assert!(matches!(check(&doc), Err(Error::Json(_))), "{doc}");
    }

    // The holder's secret: each part altered.
    let secret = p.secret.to_json();
    let other_secret = issue(SuiteId::Shake256, 1, 8).secret.to_json();
    for name in ["commitment", "nym_secrets", "prover_blind"] {
        assert_eq!(
            HolderSecret::from_json(&with(&secret, name, field(&other_secret, name).into())),
            Err(Error::InconsistentHolderSecret),
            "{name}"
        );
    }
    assert_eq!(
        HolderSecret::from_json(&with(&secret, "suite", "bls12-381-sha-256".into())),
        Err(Error::InconsistentHolderSecret)
    );
    assert!(matches!(
        HolderSecret::from_json(&with(
            &secret,
            "nym_secrets",
            URL_SAFE_NO_PAD.encode([1u8; 33]).into()
        )),
        Err(Error::InField {
            field: "nym_secrets",
            ..
        })
    ));
    assert!(matches!(
        HolderSecret::from_json(&with(&secret, "extra", 1.into())),
        Err(Error::Json(_))
    ));
    assert!(matches!(
        HolderSecret::from_json(&cred),
        Err(Error::WrongDocumentType {
            expected: "holder-secret",
            ..
        })
    ));
}

#[test]
fn requests_are_checked_by_the_issuer() {
    let mut rng = StdRng::seed_from_u64(9);
    let hospital = IssuerKey::generate(SuiteId::Sha256, &mut rng);
    let schema = Schema::from_json(SCHEMA).unwrap();
    let attributes = Attributes::from_json(&schema, ATTRS).unwrap();
    let (request, _) =
        CredentialRequest::new_with_rng(&mut rng, SuiteId::Sha256, &schema, 1).unwrap();
    let json = request.to_json();
    let issue = |doc: &str| {
        CredentialRequest::from_json(doc)
            .and_then(|r| hospital.issue_bound(&r, &schema, &attributes))
            .map(drop)
    };
    issue(&json).unwrap();

    // A request for another schema: another id, or the same id with other attributes.
    let other = Schema::from_json(&SCHEMA.replace("\"refills\"", "\"repeats\"")).unwrap();
    let (for_other, _) = CredentialRequest::new(SuiteId::Sha256, &other, 1).unwrap();
    assert_eq!(
        issue(&for_other.to_json()),
        Err(Error::RequestSchemaMismatch)
    );
    assert_eq!(
        issue(&json.replace("urn:credkit:example:rx:v1", "urn:credkit:example:rx:v2")),
        Err(Error::RequestSchemaMismatch)
    );
    assert_eq!(for_other.schema_id(), request.schema_id());
    assert_ne!(for_other.schema_digest(), request.schema_digest());
    // Another suite than the issuer's.
    let (shake, _) = CredentialRequest::new(SuiteId::Shake256, &schema, 1).unwrap();
    assert_eq!(
        issue(&shake.to_json()),
        Err(Error::SuiteMismatch {
            expected: SuiteId::Sha256,
            found: SuiteId::Shake256
        })
    );
    // The suite relabelled: the commitment's proof was made under the other one.
    assert_eq!(
        CredentialRequest::from_json(&with(&shake.to_json(), "suite", "bls12-381-sha-256".into()))
            .and_then(|r| hospital.issue_bound(&r, &schema, &attributes))
            .map(drop),
        Err(Error::InvalidCommitment)
    );
    // A commitment whose proof does not verify (its challenge changed).
    let mut commitment = unb64(&field(&json, "commitment"));
    let last = commitment.len() - 1;
    commitment[last] ^= 1;
    assert_eq!(
        issue(&with(
            &json,
            "commitment",
            URL_SAFE_NO_PAD.encode(&commitment).into()
        )),
        Err(Error::InvalidCommitment)
    );
    // nym_count that is not the number of scalars committed to, or out of range.
    assert_eq!(
        issue(&with(&json, "nym_count", 2.into())),
        Err(Error::NymSecretCount {
            expected: 2,
            found: 1
        })
    );
    assert_eq!(
        issue(&with(&json, "nym_count", 0.into())),
        Err(Error::NymSecretCount {
            expected: 1,
            found: 0
        })
    );
    // Attributes that are not the schema's.
    let r = CredentialRequest::from_json(&json).unwrap();
    let partial = Attributes::from_json(
        &other,
        r#"{"name": "Ada", "birth_date": "1815-12-10", "drug": "digoxin", "repeats": 2}"#,
    )
    .unwrap();
    assert_eq!(
        hospital.issue_bound(&r, &schema, &partial).map(drop),
        Err(Error::UnknownAttribute("repeats".into()))
    );
    // Malformed request documents.
    assert!(matches!(
        issue(&with(&json, "extra", 1.into())),
        Err(Error::Json(_))
    ));
    assert!(matches!(
        issue(&with(&json, "schema_digest", "AAAA".into())),
        Err(Error::InField {
            field: "schema_digest",
            ..
        })
    ));
    assert_eq!(
        issue(&with(&json, "schema_id", "".into())),
        Err(Error::InvalidSchemaId)
    );
    assert!(matches!(
        issue(&with(&json, "commitment", "AAAA".into())),
        Err(Error::InField {
            field: "commitment",
            ..
        })
    ));
    assert!(matches!(
        issue(&with(&json, "type", "holder-secret".into())),
        Err(Error::WrongDocumentType {
            expected: "credential-request",
            ..
        })
    ));
    // A request for 0 or 65 secrets cannot be made.
    for n in [0, 65] {
        assert!(matches!(
            CredentialRequest::new(SuiteId::Sha256, &schema, n),
            Err(Error::NymSecretCount { .. })
        ));
    }
}

#[test]
fn contexts_are_1_to_255_bytes() {
    let p = issue(SuiteId::Sha256, 1, 10);
    for bad in [&b""[..], &[b'x'; MAX_CONTEXT_LEN + 1]] {
        assert_eq!(
            p.credential
                .present(&p.secret, &[], b"n", None, bad)
                .unwrap_err(),
            Error::InvalidPseudonymContext
        );
    }
    let longest = [b'x'; MAX_CONTEXT_LEN];
    let json = p
        .credential
        .present(&p.secret, &[], b"n", None, &longest)
        .unwrap()
        .to_json();
    let public = p.hospital.public();
    assert!(BoundPresentation::verify_json(&json, &public, b"n", None, &longest).is_ok());
    assert_eq!(
        BoundPresentation::verify_json(&json, &public, b"n", None, b""),
        Err(Error::InvalidPseudonymContext)
    );
    // Nonce and verifier id bind as for plain presentations.
    let json = p
        .credential
        .present(&p.secret, &["drug"], b"n", Some(b"till-2"), b"pharmacy-7")
        .unwrap()
        .to_json();
    assert!(
        BoundPresentation::verify_json(&json, &public, b"n", Some(b"till-2"), b"pharmacy-7")
            .is_ok()
    );
    assert_eq!(
        BoundPresentation::verify_json(&json, &public, b"n", None, b"pharmacy-7"),
        Err(Error::InvalidProof)
    );
}

#[test]
fn every_disclosure_and_many_secrets() {
    fn run<C: Ciphersuite>(suite: SuiteId) {
        let p = issue(suite, 5, 11);
        let names = ["name", "birth_date", "drug", "refills"];
        let public = p.hospital.public();
        let mut nyms = Vec::new();
        for mask in 0..16u32 {
            let disclose: Vec<&str> = (0..4)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| names[i])
                .collect();
            let presentation = p
                .credential
                .present(&p.secret, &disclose, b"n", None, b"ctx")
                .unwrap();
            let read = BoundPresentation::from_json(&presentation.to_json(), &public).unwrap();
            assert_eq!(read, presentation);
            assert_eq!(read.nym_count(), 5);
            assert_eq!(read.pseudonym_context(), b"ctx");
            let (seen, nym) = read.verify(&public, b"n", None, b"ctx").unwrap();
            assert_eq!(seen.len(), disclose.len(), "{}", C::NAME);
            assert_eq!(*read.pseudonym(), nym);
            nyms.push(nym);
        }
        assert!(nyms.windows(2).all(|w| w[0] == w[1]));
        let (all, _) = BoundPresentation::verify_json(
            &p.credential
                .present(&p.secret, &names, b"n", None, b"ctx")
                .unwrap()
                .to_json(),
            &public,
            b"n",
            None,
            b"ctx",
        )
        .unwrap();
        assert_eq!(all, *p.credential.attributes());
        assert_eq!(all.get("refills"), Some(&AttributeValue::Integer(2)));
    }
    run::<Bls12381Sha256>(SuiteId::Sha256);
    run::<Bls12381Shake256>(SuiteId::Shake256);
}

#[test]
fn plain_and_bound_documents_do_not_mix() {
    let p = issue(SuiteId::Sha256, 1, 12);
    let public = p.hospital.public();
    let bound = p.present(b"n", b"pharmacy-7");
    assert!(matches!(
        Credential::from_json(&p.credential.to_json()),
        Err(Error::WrongDocumentType { expected: "credential", found }) if found == "bound-credential"
    ));
    assert!(matches!(
        Presentation::verify_json(&bound, &public, b"n", None),
        Err(Error::WrongDocumentType { expected: "presentation", found }) if found == "bound-presentation"
    ));
    let schema = Schema::from_json(SCHEMA).unwrap();
    let plain = p
        .hospital
        .issue(&schema, &Attributes::from_json(&schema, ATTRS).unwrap())
        .unwrap();
    assert!(matches!(
        BoundCredential::from_json(&plain.to_json()),
        Err(Error::WrongDocumentType {
            expected: "bound-credential",
            ..
        })
    ));
    let plain_presentation = plain.present(&["drug"], b"n", None).unwrap().to_json();
    assert!(matches!(
        BoundPresentation::verify_json(&plain_presentation, &public, b"n", None, b"pharmacy-7"),
        Err(Error::WrongDocumentType {
            expected: "bound-presentation",
            ..
        })
    ));
    // Under another issuer key or suite: named errors, as for plain presentations.
    let other = IssuerKey::generate(SuiteId::Sha256, &mut StdRng::seed_from_u64(13)).public();
    assert_eq!(
        BoundPresentation::verify_json(&bound, &other, b"n", None, b"pharmacy-7"),
        Err(Error::IssuerMismatch)
    );
    let other_suite = IssuerPublicKey::new(SuiteId::Shake256, public.public_key().clone());
    assert_eq!(
        BoundPresentation::from_json(&bound, &other_suite).map(drop),
        Err(Error::SuiteMismatch {
            expected: SuiteId::Shake256,
            found: SuiteId::Sha256
        })
    );
}

#[test]
fn secrets_are_redacted() {
    let p = issue(SuiteId::Sha256, 1, 14);
    let secret = p.secret.to_json();
    let cred = p.credential.to_json();
    let debug = format!("{:?} {:?}", p.secret, p.credential);
    assert!(debug.contains("<redacted>"));
    for hidden in [
        field(&secret, "nym_secrets"),
        field(&secret, "prover_blind"),
        field(&cred, "signer_nym_entropy"),
    ] {
        assert!(!debug.contains(&hidden));
        let bytes = unb64(&hidden);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert!(!debug.contains(&hex));
    }
    // Presentations carry none of them.
    let pres = p.present(b"n", b"pharmacy-7");
    for hidden in ["nym_secrets", "prover_blind"] {
        assert!(!pres.contains(&field(&secret, hidden)));
    }
    assert!(!pres.contains(&field(&cred, "signer_nym_entropy")));
    assert!(!pres.contains(&field(&cred, "commitment")));
}
