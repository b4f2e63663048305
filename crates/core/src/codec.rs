//! Compact byte codecs for URL values: base64url without padding (RFC 4648 §5) and unsigned LEB128.
//!
//! Decoding never panics: bad input becomes an [`Error::Parse`] naming the config field it came from.

use crate::{Error, Result};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url of `bytes` without `=` padding (RFC 4648 §5: `-` and `_` instead of `+` and `/`), so the text
/// needs no percent-encoding in a URL. 3 bytes → 4 characters; a final 1 or 2 bytes → 2 or 3 characters.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * k) & 63) as usize]));
        }
    }
    out
}

/// The bytes of unpadded base64url `text` (trailing `=` are tolerated). Errors, naming `field`: a character
/// outside the alphabet, a length of 1 mod 4 (no whole byte), or non-zero unused bits in the last character
/// (non-canonical text, so that every byte string has exactly one encoding).
pub fn base64url_decode(field: &str, text: &str) -> Result<Vec<u8>> {
    let err = |reason: &str| Error::Parse {
        field: field.into(),
        value: shown(text),
        reason: reason.into(),
    };
    let t = text.trim_end_matches('=').as_bytes();
    if t.len() % 4 == 1 {
        return Err(err("base64url text of a length that holds no whole byte"));
    }
    let mut out = Vec::with_capacity(t.len() * 3 / 4);
    for chunk in t.chunks(4) {
        let mut n = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            let v =
                sextet(c).ok_or_else(|| err("expected base64url characters A–Z a–z 0–9 - _"))?;
            n |= u32::from(v) << (18 - 6 * k);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let whole = chunk.len() - 1;
        let unused = n & ((1 << (8 * (3 - whole))) - 1);
        if unused != 0 {
            return Err(err("non-canonical base64url (unused bits set)"));
        }
        out.extend_from_slice(&bytes[..whole]);
    }
    Ok(out)
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Appends `v` as unsigned LEB128: 7 bits per byte, least significant first, high bit set on all but the last.
pub fn leb128_push(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads every unsigned LEB128 number of `bytes`. Errors, naming `field`: a truncated number, a number above
/// `u64::MAX`, or a redundant trailing zero byte (non-canonical).
pub fn leb128_read_all(field: &str, bytes: &[u8]) -> Result<Vec<u64>> {
    let err = |reason: &str| Error::Parse {
        field: field.into(),
        value: base64url_encode(bytes).chars().take(40).collect(),
        reason: reason.into(),
    };
    let mut values = Vec::new();
    let mut v = 0u64;
    let mut shift = 0u32;
    let mut len = 0;
    for &b in bytes {
        let low = u64::from(b & 0x7f);
        if shift >= 64 || (shift == 63 && low > 1) {
            return Err(err("a LEB128 number above 2^64 − 1"));
        }
        v |= low << shift;
        shift += 7;
        len += 1;
        if b & 0x80 == 0 {
            if b == 0 && len > 1 {
                return Err(err("non-canonical LEB128 (trailing zero byte)"));
            }
            values.push(v);
            (v, shift, len) = (0, 0, 0);
        }
    }
    if len > 0 {
        return Err(err("a truncated LEB128 number"));
    }
    Ok(values)
}

/// A user value echoed in a message, cut to 40 characters.
fn shown(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors_in_the_url_alphabet() {
        // RFC 4648 §10 test vectors, without padding.
        let cases = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(base64url_encode(plain.as_bytes()), coded);
            assert_eq!(base64url_decode("f", coded), Ok(plain.as_bytes().to_vec()));
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("f", "-_8"), Ok(vec![0xfb, 0xff]));
    }

    #[test]
    fn bad_base64_names_the_field() {
        for bad in ["A", "Zm9vY", "Z+8", "Zm8/", "Zh", "é"] {
            let e = base64url_decode("pts", bad).expect_err(bad);
            assert_eq!(e.field(), Some("pts"), "{bad}");
        }
    }

    #[test]
    fn leb128_round_trip_and_errors() {
        let values = [0, 1, 127, 128, 300, 16_383, 16_384, u64::MAX];
        let mut bytes = Vec::new();
        for v in values {
            leb128_push(&mut bytes, v);
        }
        assert_eq!(leb128_read_all("del", &bytes), Ok(values.to_vec()));
        assert_eq!(&bytes[..4], &[0, 1, 0x7f, 0x80]);
        assert!(leb128_read_all("del", &[0x80]).is_err());
        assert!(leb128_read_all("del", &[0x80, 0x00]).is_err());
        assert!(leb128_read_all("del", &[0xff; 11]).is_err());
    }
}
