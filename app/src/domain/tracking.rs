//! 查询码: the short public handle a resident uses to follow a report.
//! Eight characters from an alphabet without the easily confused 0/O, 1/I/L.

use serde::{Deserialize, Serialize};

/// Digits 2–9 and the letters A–Z without I, L and O: 31 symbols.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TrackingCodeError {
    #[error("查询码应为8位")]
    WrongLength,
    #[error("查询码含有无效字符")]
    BadCharacter,
}

impl TrackingCode {
    /// Accepts what a person types: lower case, spaces and dashes are forgiven; the
    /// look-alikes o→0 are not silently "corrected" because 0 is not in the alphabet.
    pub fn parse(input: &str) -> Result<Self, TrackingCodeError> {
        let cleaned: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if cleaned.chars().count() != LEN {
            return Err(TrackingCodeError::WrongLength);
        }
        if !cleaned.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(TrackingCodeError::BadCharacter);
        }
        Ok(Self(cleaned))
    }

    /// Builds a code from random bytes (the server supplies them from a CSPRNG).
    pub fn from_random(bytes: [u8; LEN]) -> Self {
        // 256 is not a multiple of 31; the bias (at most 1/256 per symbol) is irrelevant
        // for a lookup handle that is also rate-limited.
        Self(
            bytes
                .iter()
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .collect(),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TrackingCode {
    type Error = TrackingCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TrackingCode> for String {
    fn from(value: TrackingCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_has_no_confusable_symbols() {
        for c in [b'0', b'O', b'1', b'I', b'L'] {
            assert!(!ALPHABET.contains(&c), "{}", c as char);
        }
        assert_eq!(ALPHABET.len(), 31);
    }

    #[test]
    fn parse_normalises_what_people_type() {
        assert_eq!(
            TrackingCode::parse(" abcd-2345 ").unwrap().as_str(),
            "ABCD2345"
        );
    }

    #[test]
    fn parse_rejects_bad_input() {
        assert_eq!(
            TrackingCode::parse("ABC"),
            Err(TrackingCodeError::WrongLength)
        );
        assert_eq!(
            TrackingCode::parse("ABCD234O"),
            Err(TrackingCodeError::BadCharacter)
        );
        assert_eq!(
            TrackingCode::parse("ABCD2341"),
            Err(TrackingCodeError::BadCharacter)
        );
        assert_eq!(
            TrackingCode::parse("'; DROP T"),
            Err(TrackingCodeError::WrongLength)
        );
        assert_eq!(
            TrackingCode::parse("汉字汉字汉字汉字"),
            Err(TrackingCodeError::BadCharacter)
        );
    }

    #[test]
    fn random_codes_are_valid() {
        for seed in 0..=255u8 {
            let code =
                TrackingCode::from_random([seed, seed.wrapping_mul(7), 255, 0, 31, 62, 93, seed]);
            assert_eq!(TrackingCode::parse(code.as_str()).as_ref(), Ok(&code));
        }
    }
}
