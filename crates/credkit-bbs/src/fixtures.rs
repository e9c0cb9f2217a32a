//! The auditors' runner for the published fixtures of draft-irtf-cfrg-bbs-signatures.
//!
//! [`run_fixture`] takes the text of one fixture file in the published JSON format and the
//! ciphersuite it belongs to, runs it, and says whether the outcome matches the file:
//!
//! - `signature/*.json`: verifies; a valid case that carries the signer's secret key is also
//!   re-signed and compared byte for byte (and its `trace.domain` recomputed).
//! - `proof/*.json`: verifies; a valid case with a `trace` is also regenerated from the mocked
//!   random scalars of draft section 8.1, which must equal the trace's, and compared byte for byte.
//! - `keypair.json`, `generators.json`, `h2s.json`, `MapMessageToScalarAsHash.json`,
//!   `mockedRng.json`: recomputed and compared.
//!
//! An invalid case (`result.valid = false`) passes when it is rejected. Malformed or unknown
//! input is a failure with a reason, never a panic.

use serde_json::Value;

use crate::hazmat::{
    calculate_domain, core_sign, create_generators, messages_to_scalars, mocked_random_scalars, p1,
    proof_gen_with_scalars, seeded_random_scalars,
};
use crate::{
    proof_verify, verify, Bls12381Sha256, Bls12381Shake256, Ciphersuite, Proof, PublicKey,
    SecretKey, Signature,
};
use blstrs::Scalar;
use credkit_core::encoding::{g1_to_bytes, scalar_from_bytes, scalar_to_bytes};
use credkit_core::hash_to_scalar;
use group::Curve;

/// The two ciphersuites, by the folder names of the published layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suite {
    /// `bls12-381-sha-256`
    Sha256,
    /// `bls12-381-shake-256`
    Shake256,
}

impl Suite {
    /// The suite named by a folder of the published layout, if any.
    pub fn from_folder(name: &str) -> Option<Suite> {
        match name {
            n if n == Bls12381Sha256::NAME => Some(Suite::Sha256),
            n if n == Bls12381Shake256::NAME => Some(Suite::Shake256),
            _ => None,
        }
    }

    /// The folder name.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Sha256 => Bls12381Sha256::NAME,
            Suite::Shake256 => Bls12381Shake256::NAME,
        }
    }
}

/// What one fixture file gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The file's `caseName`, or empty when it has none.
    pub case_name: String,
    /// The kind of fixture recognised (`signature`, `proof`, `keypair`, ...), or `unknown`.
    pub kind: &'static str,
    /// Whether the file passed.
    pub passed: bool,
    /// What was checked, or why it failed.
    pub detail: String,
}

/// Runs one fixture file.
pub fn run_fixture(suite: Suite, json: &str) -> Outcome {
    let value: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => return fail("", "unknown", format!("not JSON: {e}")),
    };
    let case_name = value
        .get("caseName")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let (kind, result) = match suite {
        Suite::Sha256 => dispatch::<Bls12381Sha256>(&value),
        Suite::Shake256 => dispatch::<Bls12381Shake256>(&value),
    };
    match result {
        Ok(detail) => Outcome {
            case_name,
            kind,
            passed: true,
            detail,
        },
        Err(detail) => Outcome {
            case_name,
            kind,
            passed: false,
            detail,
        },
    }
}

fn fail(case_name: &str, kind: &'static str, detail: String) -> Outcome {
    Outcome {
        case_name: case_name.to_owned(),
        kind,
        passed: false,
        detail,
    }
}

type Checked = Result<String, String>;

fn dispatch<C: Ciphersuite>(v: &Value) -> (&'static str, Checked) {
    let has = |k: &str| v.get(k).is_some();
    if has("signerKeyPair") && has("signature") {
        ("signature", signature_fixture::<C>(v))
    } else if has("signerPublicKey") && has("proof") {
        ("proof", proof_fixture::<C>(v))
    } else if has("keyMaterial") {
        ("keypair", keypair_fixture::<C>(v))
    } else if has("MsgGenerators") {
        ("generators", generators_fixture::<C>(v))
    } else if has("mockedScalars") {
        ("mockedRng", mocked_rng_fixture::<C>(v))
    } else if has("cases") {
        ("MapMessageToScalarAsHash", map_to_scalar_fixture::<C>(v))
    } else if has("message") && has("scalar") {
        ("h2s", h2s_fixture::<C>(v))
    } else if v.is_array() {
        (
            "unknown",
            Err("a JSON array, not a fixture (the shared messages list?)".into()),
        )
    } else {
        ("unknown", Err("not a fixture of a known kind".into()))
    }
}

// ---- field access --------------------------------------------------------------------------

fn field<'a>(v: &'a Value, path: &str) -> Result<&'a Value, String> {
    path.split('.')
        .try_fold(v, |v, k| v.get(k))
        .ok_or_else(|| format!("missing field `{path}`"))
}

fn text<'a>(v: &'a Value, path: &str) -> Result<&'a str, String> {
    field(v, path)?
        .as_str()
        .ok_or_else(|| format!("field `{path}` is not a string"))
}

fn bytes(v: &Value, path: &str) -> Result<Vec<u8>, String> {
    hex::decode(text(v, path)?).map_err(|e| format!("field `{path}` is not hex: {e}"))
}

fn hex_list(v: &Value, path: &str) -> Result<Vec<Vec<u8>>, String> {
    field(v, path)?
        .as_array()
        .ok_or_else(|| format!("field `{path}` is not an array"))?
        .iter()
        .map(|x| {
            let s = x
                .as_str()
                .ok_or_else(|| format!("`{path}` holds a non-string"))?;
            hex::decode(s).map_err(|e| format!("`{path}` holds non-hex: {e}"))
        })
        .collect()
}

/// A scalar in hex; the pseudonym fixtures drop leading zeros, so shorter strings are padded.
fn scalar(v: &Value, path: &str) -> Result<Scalar, String> {
    scalar_hex(text(v, path)?).map_err(|e| format!("field `{path}`: {e}"))
}

fn scalar_hex(s: &str) -> Result<Scalar, String> {
    let padded = format!("{s:0>64}");
    let b = hex::decode(&padded).map_err(|e| format!("not hex: {e}"))?;
    scalar_from_bytes(&b).map_err(|e| e.to_string())
}

fn valid(v: &Value) -> Result<bool, String> {
    field(v, "result.valid")?
        .as_bool()
        .ok_or_else(|| "`result.valid` is not a boolean".into())
}

fn expect_eq(what: &str, found: &[u8], expected: &[u8]) -> Result<(), String> {
    if found == expected {
        Ok(())
    } else {
        Err(format!(
            "{what} differs: expected {}, found {}",
            hex::encode(expected),
            hex::encode(found)
        ))
    }
}

/// Compares the outcome of a verification with `result.valid`.
fn judge(expected_valid: bool, outcome: Result<(), String>, checks: &str) -> Checked {
    match (expected_valid, outcome) {
        (true, Ok(())) => Ok(format!("valid, verified{checks}")),
        (false, Err(why)) => Ok(format!("invalid, rejected ({why})")),
        (true, Err(why)) => Err(format!("valid case rejected: {why}")),
        (false, Ok(())) => Err("invalid case accepted".into()),
    }
}

// ---- fixtures ------------------------------------------------------------------------------

fn signature_fixture<C: Ciphersuite>(v: &Value) -> Checked {
    let expected_valid = valid(v)?;
    let pk_bytes = bytes(v, "signerKeyPair.publicKey")?;
    let sig_bytes = bytes(v, "signature")?;
    let header = bytes(v, "header")?;
    let messages = hex_list(v, "messages")?;
    let outcome = (|| {
        let pk = PublicKey::from_bytes(&pk_bytes).map_err(|e| format!("public key: {e}"))?;
        let sig = Signature::from_bytes(&sig_bytes).map_err(|e| format!("signature: {e}"))?;
        verify::<C>(&pk, &sig, &header, &messages).map_err(|e| e.to_string())
    })();
    let mut checks = String::new();
    if expected_valid && outcome.is_ok() && field(v, "signerKeyPair.secretKey").is_ok() {
        let sk = SecretKey::from_bytes(&bytes(v, "signerKeyPair.secretKey")?)
            .map_err(|e| format!("secret key: {e}"))?;
        let pk = PublicKey::from_bytes(&pk_bytes).map_err(|e| format!("public key: {e}"))?;
        let scalars =
            messages_to_scalars::<C, _>(&messages, C::API_ID).map_err(|e| e.to_string())?;
        let generators =
            create_generators::<C>(messages.len() + 1, C::API_ID).map_err(|e| e.to_string())?;
        let resigned = core_sign::<C>(&sk, &pk, &generators, &header, &scalars, C::API_ID)
            .map_err(|e| e.to_string())?;
        expect_eq("re-signed signature", &resigned.to_bytes(), &sig_bytes)?;
        checks.push_str(", re-signed byte-exact");
        if field(v, "trace.domain").is_ok() {
            let domain = calculate_domain::<C>(&pk, &generators, &header, C::API_ID)
                .map_err(|e| e.to_string())?;
            expect_eq(
                "trace.domain",
                &scalar_to_bytes(&domain),
                &bytes(v, "trace.domain")?,
            )?;
            checks.push_str(", domain matches trace");
        }
    }
    judge(expected_valid, outcome, &checks)
}

fn proof_fixture<C: Ciphersuite>(v: &Value) -> Checked {
    let expected_valid = valid(v)?;
    let pk_bytes = bytes(v, "signerPublicKey")?;
    let proof_bytes = bytes(v, "proof")?;
    let header = bytes(v, "header")?;
    let ph = bytes(v, "presentationHeader")?;
    let messages = hex_list(v, "messages")?;
    let disclosed: Vec<usize> = field(v, "disclosedIndexes")?
        .as_array()
        .ok_or("`disclosedIndexes` is not an array")?
        .iter()
        .map(|i| {
            i.as_u64()
                .and_then(|i| usize::try_from(i).ok())
                .ok_or("`disclosedIndexes` holds a non-index")
        })
        .collect::<Result<_, _>>()?;
    let outcome = (|| {
        let pk = PublicKey::from_bytes(&pk_bytes).map_err(|e| format!("public key: {e}"))?;
        let proof = Proof::from_bytes(&proof_bytes).map_err(|e| format!("proof: {e}"))?;
        let disclosed_messages = disclosed
            .iter()
            .map(|&i| {
                messages
                    .get(i)
                    .ok_or(format!("disclosed index {i} has no message"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        proof_verify::<C>(&pk, &proof, &header, &ph, &disclosed_messages, &disclosed)
            .map_err(|e| e.to_string())
    })();
    let mut checks = String::new();
    if expected_valid && outcome.is_ok() && field(v, "trace.random_scalars").is_ok() {
        let trace = field(v, "trace.random_scalars")?;
        let mut traced = vec![
            scalar(trace, "r1")?,
            scalar(trace, "r2")?,
            scalar(trace, "e_tilde")?,
            scalar(trace, "r1_tilde")?,
            scalar(trace, "r3_tilde")?,
        ];
        for (n, m) in field(trace, "m_tilde_scalars")?
            .as_array()
            .ok_or("`m_tilde_scalars` is not an array")?
            .iter()
            .enumerate()
        {
            let s = m.as_str().ok_or("`m_tilde_scalars` holds a non-string")?;
            traced.push(scalar_hex(s).map_err(|e| format!("m_tilde_scalars[{n}]: {e}"))?);
        }
        let mocked = mocked_random_scalars::<C>(traced.len()).map_err(|e| e.to_string())?;
        if mocked != traced {
            return Err(
                "trace.random_scalars differ from the mocked random scalars of section 8.1".into(),
            );
        }
        let pk = PublicKey::from_bytes(&pk_bytes).map_err(|e| format!("public key: {e}"))?;
        let sig = Signature::from_bytes(&bytes(v, "signature")?)
            .map_err(|e| format!("signature: {e}"))?;
        let regenerated =
            proof_gen_with_scalars::<C>(&pk, &sig, &header, &ph, &messages, &disclosed, &mocked)
                .map_err(|e| format!("regenerating: {e}"))?;
        expect_eq("regenerated proof", &regenerated.to_bytes(), &proof_bytes)?;
        checks.push_str(", regenerated byte-exact from the mocked RNG");
    }
    judge(expected_valid, outcome, &checks)
}

fn keypair_fixture<C: Ciphersuite>(v: &Value) -> Checked {
    let sk = SecretKey::key_gen_with_dst::<C>(
        &bytes(v, "keyMaterial")?,
        &bytes(v, "keyInfo")?,
        &bytes(v, "keyDst")?,
    )
    .map_err(|e| format!("KeyGen: {e}"))?;
    // The fixtures pass `key_dst = api_id || "KEYGEN_DST_"` explicitly; KeyGen's default is
    // `ciphersuite_id || "KEYGEN_DST_"` (section 3.3.1), so the file's value is used as given.
    expect_eq(
        "secret key",
        &sk.to_bytes()[..],
        &bytes(v, "keyPair.secretKey")?,
    )?;
    expect_eq(
        "public key",
        &sk.public_key().to_bytes(),
        &bytes(v, "keyPair.publicKey")?,
    )?;
    Ok("KeyGen and SkToPk reproduced".into())
}

fn generators_fixture<C: Ciphersuite>(v: &Value) -> Checked {
    let expected = hex_list(v, "MsgGenerators")?;
    let generators =
        create_generators::<C>(expected.len() + 1, C::API_ID).map_err(|e| e.to_string())?;
    let encoded: Vec<[u8; 48]> = generators.affine().iter().map(g1_to_bytes).collect();
    expect_eq(
        "P1",
        &g1_to_bytes(&p1::<C>().map_err(|e| e.to_string())?.to_affine()),
        &bytes(v, "P1")?,
    )?;
    expect_eq("Q1", &encoded[0], &bytes(v, "Q1")?)?;
    for (i, (found, expected)) in encoded[1..].iter().zip(&expected).enumerate() {
        expect_eq(&format!("MsgGenerators[{i}]"), found, expected)?;
    }
    Ok(format!(
        "P1, Q1 and {} message generators reproduced",
        expected.len()
    ))
}

fn mocked_rng_fixture<C: Ciphersuite>(v: &Value) -> Checked {
    let count = field(v, "count")?
        .as_u64()
        .and_then(|c| usize::try_from(c).ok())
        .ok_or("`count` is not a count")?;
    let dst = bytes(v, "dst")?;
    expect_eq(
        "dst",
        &dst,
        &[C::API_ID, b"MOCK_RANDOM_SCALARS_DST_"].concat(),
    )?;
    let scalars =
        seeded_random_scalars::<C>(&bytes(v, "seed")?, &dst, count).map_err(|e| e.to_string())?;
    let expected = hex_list(v, "mockedScalars")?;
    if expected.len() != count {
        return Err(format!(
            "`count` is {count} but {} scalars are listed",
            expected.len()
        ));
    }
    for (i, (s, e)) in scalars.iter().zip(&expected).enumerate() {
        expect_eq(&format!("mockedScalars[{i}]"), &scalar_to_bytes(s), e)?;
    }
    Ok(format!("{count} mocked scalars reproduced"))
}

fn map_to_scalar_fixture<C: Ciphersuite>(v: &Value) -> Checked {
    let dst = bytes(v, "dst")?;
    expect_eq(
        "dst",
        &dst,
        &[C::API_ID, b"MAP_MSG_TO_SCALAR_AS_HASH_"].concat(),
    )?;
    let cases = field(v, "cases")?
        .as_array()
        .ok_or("`cases` is not an array")?;
    for (i, case) in cases.iter().enumerate() {
        let found = messages_to_scalars::<C, _>(&[bytes(case, "message")?], C::API_ID)
            .map_err(|e| e.to_string())?;
        expect_eq(
            &format!("cases[{i}].scalar"),
            &scalar_to_bytes(&found[0]),
            &bytes(case, "scalar")?,
        )?;
    }
    Ok(format!("{} messages mapped", cases.len()))
}

fn h2s_fixture<C: Ciphersuite>(v: &Value) -> Checked {
    let s = hash_to_scalar::<C::Expander>(&[&bytes(v, "message")?], &bytes(v, "dst")?)
        .map_err(|e| e.to_string())?;
    expect_eq("scalar", &scalar_to_bytes(&s), &bytes(v, "scalar")?)?;
    Ok("hash_to_scalar reproduced".into())
}
