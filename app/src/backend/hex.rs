//! Bytes as lowercase hex: how tokens, digests and stored files' names are written.

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_byte_is_two_lowercase_digits() {
        assert_eq!(super::hex(&[0, 9, 171, 255]), "0009abff");
    }
}
