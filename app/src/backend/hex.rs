//! Bytes as lowercase hex: how tokens, digests and stored files' names are written.

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex (either case) back into bytes; `None` when it is not an even run of hex digits.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{hex, unhex};

    #[test]
    fn every_byte_is_two_lowercase_digits() {
        assert_eq!(hex(&[0, 9, 171, 255]), "0009abff");
    }

    #[test]
    fn hex_reads_back_and_anything_else_is_refused() {
        assert_eq!(unhex("0009abFF"), Some(vec![0, 9, 171, 255]));
        assert_eq!(unhex(""), Some(vec![]));
        for bad in ["abc", "zz", "+f", "0x00"] {
            assert_eq!(unhex(bad), None, "{bad}");
        }
    }
}
