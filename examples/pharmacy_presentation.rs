//! A hospital issues a patient credential; a pharmacy verifies a presentation that discloses
//! only the prescription.
//!
//! Run with `cargo run --release --example pharmacy_presentation`. Nothing secret is printed:
//! the hospital's secret key and the undisclosed attributes stay where they belong.

use credkit::bbs::credential::{
    Attributes, Credential, IssuerKey, IssuerPublicKey, Presentation, Schema, SuiteId,
};

/// The hospital's credential schema: who the patient is, and one prescription.
const SCHEMA: &str = r#"{
  "version": 1,
  "type": "schema",
  "id": "urn:credkit:example:h1:patient:v1",
  "attributes": [
    {"name": "name", "type": "string"},
    {"name": "birth_date", "type": "date"},
    {"name": "patient_id", "type": "bytes"},
    {"name": "blood_type", "type": "string"},
    {"name": "organ_donor", "type": "boolean"},
    {"name": "drug", "type": "string"},
    {"name": "dose_mg", "type": "integer"},
    {"name": "refills", "type": "integer"}
  ]
}"#;

const PATIENT: &str = r#"{
  "name": "Ada Lovelace", "birth_date": "1815-12-10", "patient_id": "H1-0042",
  "blood_type": "O+", "organ_donor": true,
  "drug": "digoxin", "dose_mg": 125, "refills": 2
}"#;

fn main() -> Result<(), credkit::bbs::Error> {
    // Hospital H1: one issuer key, published as a public-key document (or JWK, Multikey).
    let hospital = IssuerKey::generate(SuiteId::Sha256, &mut rand::rngs::OsRng);
    let published: IssuerPublicKey = hospital.public();
    println!(
        "hospital H1 publishes key {} ({})",
        published.kid(),
        published.suite()
    );

    // The hospital issues the patient's credential. `patient_id` is bytes: base64url.
    let schema = Schema::from_json(SCHEMA)?;
    let patient = Attributes::from_json(&schema, &PATIENT.replace("H1-0042", "SDEtMDA0Mg"))?;
    let credential_json = hospital.issue(&schema, &patient)?.to_json();
    println!(
        "hospital issues a credential of {} attributes ({} bytes of JSON)",
        schema.attributes().len(),
        credential_json.len()
    );

    // The patient checks it on receipt, then presents only the prescription to the pharmacy,
    // bound to the pharmacy's fresh nonce and its id.
    let credential = Credential::from_json(&credential_json)?;
    credential.verify()?;
    let nonce = b"pharmacy nonce 8c1f";
    let pharmacy = b"pharmacy:rue-de-la-paix";
    let presentation =
        credential.present(&["drug", "dose_mg", "refills"], nonce, Some(pharmacy))?;
    let sent = presentation.to_json();
    assert!(
        !sent.contains("Lovelace") && !sent.contains("1815"),
        "undisclosed attributes stay with the patient"
    );
    println!(
        "patient sends a presentation ({} bytes of JSON) disclosing drug, dose_mg, refills",
        sent.len()
    );

    // The pharmacy verifies against the hospital key it trusts and its own nonce and id.
    let seen = Presentation::verify_json(&sent, &published, nonce, Some(pharmacy))?;
    println!("pharmacy verified; it sees:");
    for (name, value) in seen.iter() {
        println!("  {name}: {value}");
    }

    // The same presentation replayed elsewhere, or later with another nonce, is refused.
    let replay = Presentation::verify_json(&sent, &published, b"another nonce", Some(pharmacy));
    println!(
        "replayed with another nonce: {}",
        replay
            .map(|_| "accepted (wrong!)".to_string())
            .unwrap_or_else(|e| format!("rejected ({e})"))
    );
    let elsewhere =
        Presentation::verify_json(&sent, &published, nonce, Some(b"pharmacy:elsewhere"));
    println!(
        "replayed to another pharmacy: {}",
        elsewhere
            .map(|_| "accepted (wrong!)".to_string())
            .unwrap_or_else(|e| format!("rejected ({e})"))
    );
    Ok(())
}
