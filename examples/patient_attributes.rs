//! A hospital issues a credential over a patient's attributes; the patient shows two of them to
//! a pharmacy, and nothing else.
//!
//! ```text
//! cargo run --example patient_attributes
//! ```
//!
//! 1. The hospital (issuer) generates a key pair and publishes its public key.
//! 2. It signs the patient's attributes under a header that names the credential type.
//! 3. The patient (holder) checks the credential once, on receipt.
//! 4. The pharmacy (verifier) sends a fresh nonce; the patient derives a zero-knowledge proof
//!    that discloses only the blood type and the allergy line, bound to that nonce.
//! 5. The pharmacy verifies the proof against the hospital's public key. A replay of the same
//!    proof against another nonce, or with an altered attribute, fails.
//!
//! The output shows what each party sees. No secret (the issuer's key, the signature, the
//! undisclosed attributes) is printed on the pharmacy's side.

use credkit::bbs::{
    proof_gen, proof_verify, sign, verify, Bls12381Sha256 as Suite, Proof, PublicKey, SecretKey,
    Signature,
};
use rand::rngs::OsRng;
use rand::RngCore;

/// The credential type and issuer, signed with the attributes and disclosed with every proof.
const HEADER: &[u8] = b"credkit-example/patient-record/v1;issuer=St. Example Hospital";

fn main() -> Result<(), credkit::bbs::Error> {
    // ---- Hospital (issuer) ----
    let hospital_key = SecretKey::generate::<Suite>(&mut OsRng);
    // Only the encoded public key leaves the hospital.
    let published_key: [u8; 96] = hospital_key.public_key().to_bytes();

    let attributes: [&[u8]; 6] = [
        b"name=Ada Lovelace",
        b"birth_date=1815-12-10",
        b"blood_type=O+",
        b"allergy=penicillin",
        b"ward=cardiology",
        b"insurance_id=EX-4711-0815",
    ];
    let credential = sign::<Suite>(&hospital_key, HEADER, &attributes)?;
    let credential_bytes = credential.to_bytes();
    drop(hospital_key); // The issuer's secret key goes out of scope (and is zeroized) here.

    println!("== Hospital (issuer) ==");
    println!(
        "public key       : {}... ({} bytes)",
        hex::encode(&published_key[..16]),
        published_key.len()
    );
    println!("header           : {}", String::from_utf8_lossy(HEADER));
    println!(
        "signed           : {} attributes, credential of {} bytes handed to the patient",
        attributes.len(),
        credential_bytes.len()
    );
    println!();

    // ---- Patient (holder) ----
    let issuer_key = PublicKey::from_bytes(&published_key)?;
    let credential = Signature::from_bytes(&credential_bytes)?;
    verify::<Suite>(&issuer_key, &credential, HEADER, &attributes)?;
    println!("== Patient (holder) ==");
    println!(
        "credential       : verifies under the hospital's key over all {} attributes",
        attributes.len()
    );

    // The pharmacy's challenge: a fresh random nonce, sent to the patient.
    let mut pharmacy_nonce = [0u8; 16];
    OsRng.fill_bytes(&mut pharmacy_nonce);
    let presentation_header = [&b"pharmacy=Corner Pharmacy;nonce="[..], &pharmacy_nonce].concat();

    // Disclose the blood type (index 2) and the allergy (index 3); hide the rest.
    let disclosed_indexes = [2, 3];
    let proof = proof_gen::<Suite>(
        &issuer_key,
        &credential,
        HEADER,
        &presentation_header,
        &attributes,
        &disclosed_indexes,
    )?;
    let proof_bytes = proof.to_bytes();
    println!(
        "proof            : discloses indexes {:?}, hides {} attributes, {} bytes",
        disclosed_indexes,
        proof.undisclosed_count(),
        proof_bytes.len()
    );
    // What travels to the pharmacy: the proof, the disclosed attributes and their indexes.
    let sent_attributes: Vec<&[u8]> = disclosed_indexes.iter().map(|&i| attributes[i]).collect();
    println!();

    // ---- Pharmacy (verifier) ----
    // The pharmacy knows the hospital's public key, the header, its own nonce, and what the
    // patient sent: nothing else.
    let hospital_public = PublicKey::from_bytes(&published_key)?;
    let received = Proof::from_bytes(&proof_bytes)?;
    println!("== Pharmacy (verifier) ==");
    println!(
        "issuer key       : {}...",
        hex::encode(&hospital_public.to_bytes()[..16])
    );
    println!("nonce            : {}", hex::encode(pharmacy_nonce));
    println!(
        "proof size       : {} bytes ({} attributes hidden)",
        proof_bytes.len(),
        received.undisclosed_count()
    );
    for (&i, value) in disclosed_indexes.iter().zip(&sent_attributes) {
        println!("disclosed [{i}]    : {}", String::from_utf8_lossy(value));
    }
    proof_verify::<Suite>(
        &hospital_public,
        &received,
        HEADER,
        &presentation_header,
        &sent_attributes,
        &disclosed_indexes,
    )?;
    println!("verification     : OK (signed by the hospital, bound to this nonce)");
    println!();

    // ---- Replays and forgeries ----
    println!("== Attempts that must fail ==");
    let mut other_nonce = [0u8; 16];
    OsRng.fill_bytes(&mut other_nonce);
    let other_header = [&b"pharmacy=Corner Pharmacy;nonce="[..], &other_nonce].concat();
    let replay = proof_verify::<Suite>(
        &hospital_public,
        &received,
        HEADER,
        &other_header,
        &sent_attributes,
        &disclosed_indexes,
    );
    println!("replay, new nonce: {}", outcome(&replay));
    assert!(
        replay.is_err(),
        "a proof must not verify under another nonce"
    );

    let altered: [&[u8]; 2] = [b"blood_type=AB-", sent_attributes[1]];
    let forged = proof_verify::<Suite>(
        &hospital_public,
        &received,
        HEADER,
        &presentation_header,
        &altered,
        &disclosed_indexes,
    );
    println!("altered attribute: {}", outcome(&forged));
    assert!(
        forged.is_err(),
        "a proof must not verify with an altered attribute"
    );

    let other_header_type = b"credkit-example/patient-record/v2;issuer=St. Example Hospital";
    let wrong_header = proof_verify::<Suite>(
        &hospital_public,
        &received,
        other_header_type,
        &presentation_header,
        &sent_attributes,
        &disclosed_indexes,
    );
    println!("other header     : {}", outcome(&wrong_header));
    assert!(
        wrong_header.is_err(),
        "a proof must not verify under another header"
    );
    Ok(())
}

fn outcome(result: &Result<(), credkit::bbs::Error>) -> String {
    match result {
        Ok(()) => "ACCEPTED (unexpected)".to_owned(),
        Err(e) => format!("rejected ({e})"),
    }
}
