//! The published BLS test vectors (ethereum/bls12-381-tests v0.1.2 and the unreleased mask-bit
//! cases), vendored verbatim in `vectors/bls` and `vectors/bls-unreleased` (see SOURCE.txt).

use credkit_core::encoding::{g1_from_bytes_allow_identity, g2_from_bytes_allow_identity};
use credkit_threshold::bls::{
    aggregate, aggregate_verify, batch_verify, fast_aggregate_verify, PublicKey, SecretKey,
    Signature,
};
use serde_json::Value;

/// (folder, path under vectors/, contents)
const VECTORS: &[(&str, &str, &str)] = &[
    ("aggregate", "bls/aggregate/aggregate_0x0000000000000000000000000000000000000000000000000000000000000000.json", include_str!("../../../vectors/bls/aggregate/aggregate_0x0000000000000000000000000000000000000000000000000000000000000000.json")),
    ("aggregate", "bls/aggregate/aggregate_0x5656565656565656565656565656565656565656565656565656565656565656.json", include_str!("../../../vectors/bls/aggregate/aggregate_0x5656565656565656565656565656565656565656565656565656565656565656.json")),
    ("aggregate", "bls/aggregate/aggregate_0xabababababababababababababababababababababababababababababababab.json", include_str!("../../../vectors/bls/aggregate/aggregate_0xabababababababababababababababababababababababababababababababab.json")),
    ("aggregate", "bls/aggregate/aggregate_infinity_signature.json", include_str!("../../../vectors/bls/aggregate/aggregate_infinity_signature.json")),
    ("aggregate", "bls/aggregate/aggregate_na_signatures.json", include_str!("../../../vectors/bls/aggregate/aggregate_na_signatures.json")),
    ("aggregate", "bls/aggregate/aggregate_single_signature.json", include_str!("../../../vectors/bls/aggregate/aggregate_single_signature.json")),
    ("aggregate_verify", "bls/aggregate_verify/aggregate_verify_infinity_pubkey.json", include_str!("../../../vectors/bls/aggregate_verify/aggregate_verify_infinity_pubkey.json")),
    ("aggregate_verify", "bls/aggregate_verify/aggregate_verify_na_pubkeys_and_infinity_signature.json", include_str!("../../../vectors/bls/aggregate_verify/aggregate_verify_na_pubkeys_and_infinity_signature.json")),
    ("aggregate_verify", "bls/aggregate_verify/aggregate_verify_na_pubkeys_and_na_signature.json", include_str!("../../../vectors/bls/aggregate_verify/aggregate_verify_na_pubkeys_and_na_signature.json")),
    ("aggregate_verify", "bls/aggregate_verify/aggregate_verify_tampered_signature.json", include_str!("../../../vectors/bls/aggregate_verify/aggregate_verify_tampered_signature.json")),
    ("aggregate_verify", "bls/aggregate_verify/aggregate_verify_valid.json", include_str!("../../../vectors/bls/aggregate_verify/aggregate_verify_valid.json")),
    ("batch_verify", "bls/batch_verify/batch_verify_invalid_forged_signature_set.json", include_str!("../../../vectors/bls/batch_verify/batch_verify_invalid_forged_signature_set.json")),
    ("batch_verify", "bls/batch_verify/batch_verify_invalid_infinity_signature_set.json", include_str!("../../../vectors/bls/batch_verify/batch_verify_invalid_infinity_signature_set.json")),
    ("batch_verify", "bls/batch_verify/batch_verify_valid_multiple_signature_set.json", include_str!("../../../vectors/bls/batch_verify/batch_verify_valid_multiple_signature_set.json")),
    ("batch_verify", "bls/batch_verify/batch_verify_valid_simple_signature_set.json", include_str!("../../../vectors/bls/batch_verify/batch_verify_valid_simple_signature_set.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_infinity_with_false_b_flag.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_infinity_with_false_b_flag.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_infinity_with_true_b_flag.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_infinity_with_true_b_flag.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_not_in_G1.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_not_in_G1.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_not_in_curve.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_not_in_curve.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_too_few_bytes.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_too_few_bytes.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_too_many_bytes.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_too_many_bytes.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_with_b_flag_and_a_flag_true.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_with_b_flag_and_a_flag_true.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_with_b_flag_and_x_nonzero.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_with_b_flag_and_x_nonzero.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_with_wrong_c_flag.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_with_wrong_c_flag.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_x_equal_to_modulus.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_x_equal_to_modulus.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_fails_x_greater_than_modulus.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_fails_x_greater_than_modulus.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_succeeds_correct_point.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_succeeds_correct_point.json")),
    ("deserialization_G1", "bls/deserialization_G1/deserialization_succeeds_infinity_with_true_b_flag.json", include_str!("../../../vectors/bls/deserialization_G1/deserialization_succeeds_infinity_with_true_b_flag.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_infinity_with_false_b_flag.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_infinity_with_false_b_flag.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_infinity_with_true_b_flag.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_infinity_with_true_b_flag.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_not_in_G2.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_not_in_G2.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_not_in_curve.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_not_in_curve.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_too_few_bytes.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_too_few_bytes.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_too_many_bytes.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_too_many_bytes.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_with_b_flag_and_a_flag_true.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_with_b_flag_and_a_flag_true.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_with_b_flag_and_x_nonzero.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_with_b_flag_and_x_nonzero.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_with_wrong_c_flag.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_with_wrong_c_flag.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_xim_equal_to_modulus.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_xim_equal_to_modulus.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_xim_greater_than_modulus.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_xim_greater_than_modulus.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_xre_equal_to_modulus.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_xre_equal_to_modulus.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_fails_xre_greater_than_modulus.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_fails_xre_greater_than_modulus.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_succeeds_correct_point.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_succeeds_correct_point.json")),
    ("deserialization_G2", "bls/deserialization_G2/deserialization_succeeds_infinity_with_true_b_flag.json", include_str!("../../../vectors/bls/deserialization_G2/deserialization_succeeds_infinity_with_true_b_flag.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_extra_pubkey_4f079f946446fabf.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_extra_pubkey_4f079f946446fabf.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_extra_pubkey_5a38e6b4017fe4dd.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_extra_pubkey_5a38e6b4017fe4dd.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_extra_pubkey_a698ea45b109f303.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_extra_pubkey_a698ea45b109f303.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_infinity_pubkey.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_infinity_pubkey.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_na_pubkeys_and_infinity_signature.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_na_pubkeys_and_infinity_signature.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_na_pubkeys_and_na_signature.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_na_pubkeys_and_na_signature.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_tampered_signature_3d7576f3c0e3570a.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_tampered_signature_3d7576f3c0e3570a.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_tampered_signature_5e745ad0c6199a6c.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_tampered_signature_5e745ad0c6199a6c.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_tampered_signature_652ce62f09290811.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_tampered_signature_652ce62f09290811.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_valid_3d7576f3c0e3570a.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_valid_3d7576f3c0e3570a.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_valid_5e745ad0c6199a6c.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_valid_5e745ad0c6199a6c.json")),
    ("fast_aggregate_verify", "bls/fast_aggregate_verify/fast_aggregate_verify_valid_652ce62f09290811.json", include_str!("../../../vectors/bls/fast_aggregate_verify/fast_aggregate_verify_valid_652ce62f09290811.json")),
    ("hash_to_G2", "bls/hash_to_G2/hash_to_G2__2782afaa8406d038.json", include_str!("../../../vectors/bls/hash_to_G2/hash_to_G2__2782afaa8406d038.json")),
    ("hash_to_G2", "bls/hash_to_G2/hash_to_G2__7590bd067999bbfb.json", include_str!("../../../vectors/bls/hash_to_G2/hash_to_G2__7590bd067999bbfb.json")),
    ("hash_to_G2", "bls/hash_to_G2/hash_to_G2__a54942c8e365f378.json", include_str!("../../../vectors/bls/hash_to_G2/hash_to_G2__a54942c8e365f378.json")),
    ("hash_to_G2", "bls/hash_to_G2/hash_to_G2__c938b486cf69e8f7.json", include_str!("../../../vectors/bls/hash_to_G2/hash_to_G2__c938b486cf69e8f7.json")),
    ("sign", "bls/sign/sign_case_11b8c7cad5238946.json", include_str!("../../../vectors/bls/sign/sign_case_11b8c7cad5238946.json")),
    ("sign", "bls/sign/sign_case_142f678a8d05fcd1.json", include_str!("../../../vectors/bls/sign/sign_case_142f678a8d05fcd1.json")),
    ("sign", "bls/sign/sign_case_37286e1a6d1f6eb3.json", include_str!("../../../vectors/bls/sign/sign_case_37286e1a6d1f6eb3.json")),
    ("sign", "bls/sign/sign_case_7055381f640f2c1d.json", include_str!("../../../vectors/bls/sign/sign_case_7055381f640f2c1d.json")),
    ("sign", "bls/sign/sign_case_84d45c9c7cca6b92.json", include_str!("../../../vectors/bls/sign/sign_case_84d45c9c7cca6b92.json")),
    ("sign", "bls/sign/sign_case_8cd3d4d0d9a5b265.json", include_str!("../../../vectors/bls/sign/sign_case_8cd3d4d0d9a5b265.json")),
    ("sign", "bls/sign/sign_case_c82df61aa3ee60fb.json", include_str!("../../../vectors/bls/sign/sign_case_c82df61aa3ee60fb.json")),
    ("sign", "bls/sign/sign_case_d0e28d7e76eb6e9c.json", include_str!("../../../vectors/bls/sign/sign_case_d0e28d7e76eb6e9c.json")),
    ("sign", "bls/sign/sign_case_f2ae1097e7d0e18b.json", include_str!("../../../vectors/bls/sign/sign_case_f2ae1097e7d0e18b.json")),
    ("sign", "bls/sign/sign_case_zero_privkey.json", include_str!("../../../vectors/bls/sign/sign_case_zero_privkey.json")),
    ("verify", "bls/verify/verify_infinity_pubkey_and_infinity_signature.json", include_str!("../../../vectors/bls/verify/verify_infinity_pubkey_and_infinity_signature.json")),
    ("verify", "bls/verify/verify_tampered_signature_case_195246ee3bd3b6ec.json", include_str!("../../../vectors/bls/verify/verify_tampered_signature_case_195246ee3bd3b6ec.json")),
    ("verify", "bls/verify/verify_tampered_signature_case_2ea479adf8c40300.json", include_str!("../../../vectors/bls/verify/verify_tampered_signature_case_2ea479adf8c40300.json")),
    ("verify", "bls/verify/verify_tampered_signature_case_2f09d443ab8a3ac2.json", include_str!("../../../vectors/bls/verify/verify_tampered_signature_case_2f09d443ab8a3ac2.json")),
    ("verify", "bls/verify/verify_tampered_signature_case_3208262581c8fc09.json", include_str!("../../../vectors/bls/verify/verify_tampered_signature_case_3208262581c8fc09.json")),
    ("verify", "bls/verify/verify_tampered_signature_case_6b3b17f6962a490c.json", include_str!("../../../vectors/bls/verify/verify_tampered_signature_case_6b3b17f6962a490c.json")),
    ("verify", "bls/verify/verify_tampered_signature_case_6eeb7c52dfd9baf0.json", include_str!("../../../vectors/bls/verify/verify_tampered_signature_case_6eeb7c52dfd9baf0.json")),
    ("verify", "bls/verify/verify_tampered_signature_case_8761a0b7e920c323.json", include_str!("../../../vectors/bls/verify/verify_tampered_signature_case_8761a0b7e920c323.json")),
    ("verify", "bls/verify/verify_tampered_signature_case_d34885d766d5f705.json", include_str!("../../../vectors/bls/verify/verify_tampered_signature_case_d34885d766d5f705.json")),
    ("verify", "bls/verify/verify_tampered_signature_case_e8a50c445c855360.json", include_str!("../../../vectors/bls/verify/verify_tampered_signature_case_e8a50c445c855360.json")),
    ("verify", "bls/verify/verify_valid_case_195246ee3bd3b6ec.json", include_str!("../../../vectors/bls/verify/verify_valid_case_195246ee3bd3b6ec.json")),
    ("verify", "bls/verify/verify_valid_case_2ea479adf8c40300.json", include_str!("../../../vectors/bls/verify/verify_valid_case_2ea479adf8c40300.json")),
    ("verify", "bls/verify/verify_valid_case_2f09d443ab8a3ac2.json", include_str!("../../../vectors/bls/verify/verify_valid_case_2f09d443ab8a3ac2.json")),
    ("verify", "bls/verify/verify_valid_case_3208262581c8fc09.json", include_str!("../../../vectors/bls/verify/verify_valid_case_3208262581c8fc09.json")),
    ("verify", "bls/verify/verify_valid_case_6b3b17f6962a490c.json", include_str!("../../../vectors/bls/verify/verify_valid_case_6b3b17f6962a490c.json")),
    ("verify", "bls/verify/verify_valid_case_6eeb7c52dfd9baf0.json", include_str!("../../../vectors/bls/verify/verify_valid_case_6eeb7c52dfd9baf0.json")),
    ("verify", "bls/verify/verify_valid_case_8761a0b7e920c323.json", include_str!("../../../vectors/bls/verify/verify_valid_case_8761a0b7e920c323.json")),
    ("verify", "bls/verify/verify_valid_case_d34885d766d5f705.json", include_str!("../../../vectors/bls/verify/verify_valid_case_d34885d766d5f705.json")),
    ("verify", "bls/verify/verify_valid_case_e8a50c445c855360.json", include_str!("../../../vectors/bls/verify/verify_valid_case_e8a50c445c855360.json")),
    ("verify", "bls/verify/verify_wrong_pubkey_case_195246ee3bd3b6ec.json", include_str!("../../../vectors/bls/verify/verify_wrong_pubkey_case_195246ee3bd3b6ec.json")),
    ("verify", "bls/verify/verify_wrong_pubkey_case_2ea479adf8c40300.json", include_str!("../../../vectors/bls/verify/verify_wrong_pubkey_case_2ea479adf8c40300.json")),
    ("verify", "bls/verify/verify_wrong_pubkey_case_2f09d443ab8a3ac2.json", include_str!("../../../vectors/bls/verify/verify_wrong_pubkey_case_2f09d443ab8a3ac2.json")),
    ("verify", "bls/verify/verify_wrong_pubkey_case_3208262581c8fc09.json", include_str!("../../../vectors/bls/verify/verify_wrong_pubkey_case_3208262581c8fc09.json")),
    ("verify", "bls/verify/verify_wrong_pubkey_case_6b3b17f6962a490c.json", include_str!("../../../vectors/bls/verify/verify_wrong_pubkey_case_6b3b17f6962a490c.json")),
    ("verify", "bls/verify/verify_wrong_pubkey_case_6eeb7c52dfd9baf0.json", include_str!("../../../vectors/bls/verify/verify_wrong_pubkey_case_6eeb7c52dfd9baf0.json")),
    ("verify", "bls/verify/verify_wrong_pubkey_case_8761a0b7e920c323.json", include_str!("../../../vectors/bls/verify/verify_wrong_pubkey_case_8761a0b7e920c323.json")),
    ("verify", "bls/verify/verify_wrong_pubkey_case_d34885d766d5f705.json", include_str!("../../../vectors/bls/verify/verify_wrong_pubkey_case_d34885d766d5f705.json")),
    ("verify", "bls/verify/verify_wrong_pubkey_case_e8a50c445c855360.json", include_str!("../../../vectors/bls/verify/verify_wrong_pubkey_case_e8a50c445c855360.json")),
    ("verify", "bls/verify/verifycase_one_privkey_47117849458281be.json", include_str!("../../../vectors/bls/verify/verifycase_one_privkey_47117849458281be.json")),
    ("deserialization_G1", "bls-unreleased/deserialization_G1/deserialization_fails_with_mask_bits_001.json", include_str!("../../../vectors/bls-unreleased/deserialization_G1/deserialization_fails_with_mask_bits_001.json")),
    ("deserialization_G1", "bls-unreleased/deserialization_G1/deserialization_fails_with_mask_bits_011.json", include_str!("../../../vectors/bls-unreleased/deserialization_G1/deserialization_fails_with_mask_bits_011.json")),
    ("deserialization_G1", "bls-unreleased/deserialization_G1/deserialization_fails_with_mask_bits_111.json", include_str!("../../../vectors/bls-unreleased/deserialization_G1/deserialization_fails_with_mask_bits_111.json")),
    ("deserialization_G2", "bls-unreleased/deserialization_G2/deserialization_fails_with_mask_bits_001.json", include_str!("../../../vectors/bls-unreleased/deserialization_G2/deserialization_fails_with_mask_bits_001.json")),
    ("deserialization_G2", "bls-unreleased/deserialization_G2/deserialization_fails_with_mask_bits_011.json", include_str!("../../../vectors/bls-unreleased/deserialization_G2/deserialization_fails_with_mask_bits_011.json")),
    ("deserialization_G2", "bls-unreleased/deserialization_G2/deserialization_fails_with_mask_bits_111.json", include_str!("../../../vectors/bls-unreleased/deserialization_G2/deserialization_fails_with_mask_bits_111.json")),
];

fn unhex(v: &Value) -> Vec<u8> {
    let s = v.as_str().expect("hex string");
    hex::decode(s.trim_start_matches("0x")).expect("hex")
}

fn keys(v: &Value) -> Option<Vec<PublicKey>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|k| PublicKey::from_bytes(&unhex(k)).ok())
        .collect()
}

/// Runs one vector; returns whether the outcome matched the expected output.
fn run(folder: &str, json: &str) -> Result<(), String> {
    let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let (input, output) = (&v["input"], &v["output"]);
    match folder {
        "sign" => {
            let found = SecretKey::from_bytes(&unhex(&input["privkey"]))
                .ok()
                .map(|sk| sk.sign(&unhex(&input["message"])).to_bytes().to_vec());
            let expected = (!output.is_null()).then(|| unhex(output));
            (found == expected)
                .then_some(())
                .ok_or(format!("sign: expected {expected:?}, found {found:?}"))
        }
        "verify" => {
            let ok = (|| {
                let pk = PublicKey::from_bytes(&unhex(&input["pubkey"])).ok()?;
                let sig = Signature::from_bytes(&unhex(&input["signature"])).ok()?;
                sig.verify(&pk, &unhex(&input["message"])).ok()
            })()
            .is_some();
            (ok == output.as_bool().unwrap())
                .then_some(())
                .ok_or(format!("verify gave {ok}"))
        }
        "aggregate" => {
            let sigs: Option<Vec<Signature>> = input
                .as_array()
                .unwrap()
                .iter()
                .map(|s| Signature::from_bytes(&unhex(s)).ok())
                .collect();
            let found = sigs
                .and_then(|s| aggregate(&s).ok())
                .map(|s| s.to_bytes().to_vec());
            let expected = (!output.is_null()).then(|| unhex(output));
            (found == expected)
                .then_some(())
                .ok_or(format!("aggregate: expected {expected:?}, found {found:?}"))
        }
        "fast_aggregate_verify" => {
            let ok = (|| {
                let pks = keys(&input["pubkeys"])?;
                let sig = Signature::from_bytes(&unhex(&input["signature"])).ok()?;
                fast_aggregate_verify(&pks, &unhex(&input["message"]), &sig).ok()
            })()
            .is_some();
            (ok == output.as_bool().unwrap())
                .then_some(())
                .ok_or(format!("fast_aggregate_verify gave {ok}"))
        }
        "aggregate_verify" => {
            let ok = (|| {
                let pks = keys(&input["pubkeys"])?;
                let msgs: Vec<Vec<u8>> = input["messages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(unhex)
                    .collect();
                let refs: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
                let sig = Signature::from_bytes(&unhex(&input["signature"])).ok()?;
                aggregate_verify(&pks, &refs, &sig).ok()
            })()
            .is_some();
            (ok == output.as_bool().unwrap())
                .then_some(())
                .ok_or(format!("aggregate_verify gave {ok}"))
        }
        "batch_verify" => {
            let ok = (|| {
                let pks = keys(&input["pubkeys"])?;
                let msgs: Vec<Vec<u8>> = input["messages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(unhex)
                    .collect();
                let refs: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
                let sigs: Option<Vec<Signature>> = input["signatures"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| Signature::from_bytes(&unhex(s)).ok())
                    .collect();
                batch_verify(&mut rand::rngs::OsRng, &pks, &refs, &sigs?).ok()
            })()
            .is_some();
            (ok == output.as_bool().unwrap())
                .then_some(())
                .ok_or(format!("batch_verify gave {ok}"))
        }
        "deserialization_G1" => {
            let ok = g1_from_bytes_allow_identity(&unhex(&input["pubkey"])).is_ok();
            (ok == output.as_bool().unwrap())
                .then_some(())
                .ok_or(format!("G1 decoding gave {ok}"))
        }
        "deserialization_G2" => {
            let ok = g2_from_bytes_allow_identity(&unhex(&input["signature"])).is_ok();
            (ok == output.as_bool().unwrap())
                .then_some(())
                .ok_or(format!("G2 decoding gave {ok}"))
        }
        "hash_to_G2" => {
            use credkit_core::curve::G2Affine;
            let p = G2Affine::from(credkit_core::hash_to_curve::hash_to_g2_xmd_sha256(
                input["msg"].as_str().unwrap().as_bytes(),
                b"QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_",
            ));
            let coord = |s: &Value| -> Vec<u8> {
                s.as_str()
                    .unwrap()
                    .split(',')
                    .rev()
                    .flat_map(|c| {
                        hex::decode(format!("{:0>96}", c.trim_start_matches("0x"))).unwrap()
                    })
                    .collect()
            };
            let mut expected = coord(&output["x"]);
            expected.extend(coord(&output["y"]));
            (p.to_uncompressed().to_vec() == expected)
                .then_some(())
                .ok_or("hash_to_G2 differs".into())
        }
        other => Err(format!("unknown folder {other}")),
    }
}

#[test]
fn every_bls_vector_passes() {
    let mut failures = vec![];
    for (folder, path, json) in VECTORS {
        if let Err(why) = run(folder, json) {
            failures.push(format!("{path}: {why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        VECTORS.len(),
        failures.join("\n")
    );
    assert_eq!(VECTORS.len(), 98 + 6);
}

/// KeyGen (draft -06, salt H("BLS-SIG-KEYGEN-SALT-")) agrees with blst's own `key_gen_v5`.
#[test]
fn key_gen_matches_blst() {
    use sha2::Digest;
    let salt = sha2::Sha256::digest(b"BLS-SIG-KEYGEN-SALT-");
    for seed in 0u8..8 {
        let ikm = [seed; 32];
        let ours = SecretKey::key_gen(&ikm, b"info").unwrap();
        let theirs = blst::min_pk::SecretKey::key_gen_v5(&ikm, &salt, b"info").unwrap();
        assert_eq!(&ours.to_bytes()[..], &theirs.to_bytes()[..]);
        assert_eq!(ours.public_key().to_bytes(), theirs.sk_to_pk().to_bytes());
    }
    assert!(SecretKey::key_gen(&[0u8; 31], b"").is_err());
}
