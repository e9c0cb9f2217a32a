//! base64url without padding (RFC 4648 §5), in constant time in the bytes: no table indexed by
//! them, no branch on them. Decoding is canonical: a length of `1 mod 4` and nonzero unused
//! bits in the last character are refused, so that one byte string has exactly one text.

use zeroize::{Zeroize, Zeroizing};

/// The character of a 6-bit value: `A-Z a-z 0-9 - _`.
fn encode_6(v: u8) -> char {
    let v = i32::from(v);
    // 'A' + v; + 6 past 25 ('a' - 26); - 75 past 51 ('0' - 52); - 13 past 61 ('-');
    // + 49 past 62 ('_'). Each `(k - v) >> 8` is all ones exactly when v > k.
    let mut shift = 65;
    shift += ((25 - v) >> 8) & 6;
    shift -= ((51 - v) >> 8) & 75;
    shift -= ((61 - v) >> 8) & 13;
    shift += ((62 - v) >> 8) & 49;
    char::from((v + shift) as u8)
}

/// The value of a base64url character, or -1.
fn decode_6(c: u8) -> i32 {
    let c = i32::from(c);
    // For a byte, `((lo - c) & (c - hi)) >> 8` is all ones exactly when lo < c < hi.
    let mut value = -1;
    value += (((64 - c) & (c - 91)) >> 8) & (c - 64); // A-Z: c - 65
    value += (((96 - c) & (c - 123)) >> 8) & (c - 70); // a-z: c - 71
    value += (((47 - c) & (c - 58)) >> 8) & (c + 5); // 0-9: c + 4
    value += (((44 - c) & (c - 46)) >> 8) & 63; // '-': 62
    value += (((94 - c) & (c - 96)) >> 8) & 64; // '_': 63
    value
}

/// The text of `bytes`, in a string of exactly the final size.
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            text.push(encode_6(((n >> (18 - 6 * i)) & 0x3f) as u8));
        }
    }
    text
}

/// The bytes of `text`, in a buffer wiped on drop; `None` unless `text` is canonical
/// base64url without padding. Runs in time that depends on the text's length only.
pub fn decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let text = text.as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() / 4 * 3 + 2));
    let mut valid = 0i32; // negative once a character is not base64url
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = decode_6(c);
            valid |= v;
            n |= ((v & 0x3f) as u32) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        let kept = chunk.len() - 1;
        out.extend_from_slice(&bytes[1..=kept]);
        // The bits of the last character that no byte holds must be zero.
        let unused = match chunk.len() {
            2 => n & 0xffff,
            3 => n & 0xff,
            _ => 0,
        };
        valid |= -(((unused | unused.wrapping_neg()) >> 31) as i32);
    }
    if valid < 0 {
        out.zeroize();
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4648_vectors() {
        for (bytes, text) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(bytes.as_bytes()), text);
            assert_eq!(
                decode(text).as_deref().map(Vec::as_slice),
                Some(bytes.as_bytes())
            );
        }
    }

    #[test]
    fn every_character_and_byte() {
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (v, c) in alphabet.bytes().enumerate() {
            assert_eq!(encode_6(v as u8), char::from(c));
            assert_eq!(decode_6(c), v as i32);
        }
        for c in 0..=255u8 {
            if !alphabet.as_bytes().contains(&c) {
                assert_eq!(decode_6(c), -1, "{c}");
            }
        }
        let bytes: Vec<u8> = (0..=255).collect();
        for len in 0..bytes.len() {
            let text = encode(&bytes[..len]);
            assert_eq!(text.len(), (4 * len).div_ceil(3));
            assert_eq!(decode(&text).as_deref(), Some(&bytes[..len].to_vec()));
        }
    }

    #[test]
    fn refuses_what_is_not_canonical() {
        for text in [
            "Z", "Zg=", "Zg==", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm9v\n", " Zm9v", "Zé",
        ] {
            assert_eq!(decode(text), None, "{text:?}");
        }
    }
}
