//! The password policy, applied at `linli init`, user creation and password change.

/// Long enough to resist guessing, short enough for a community worker to type.
pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password is empty")]
    Empty,
    #[error("the password is shorter than {MIN_CHARS} characters")]
    TooShort,
    #[error("the password is longer than {MAX_CHARS} characters")]
    TooLong,
    #[error("the password is too easy to guess")]
    TooSimple,
    #[error("the password must not be the user name")]
    SameAsUsername,
}

impl PasswordError {
    pub fn code(&self) -> &'static str {
        match self {
            PasswordError::Empty => "password_empty",
            PasswordError::TooShort => "password_too_short",
            PasswordError::TooLong => "password_too_long",
            PasswordError::TooSimple => "password_too_simple",
            PasswordError::SameAsUsername => "password_same_as_username",
        }
    }
}

const COMMON: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "password",
    "password1",
    "qwertyui",
    "11111111",
    "88888888",
    "66666666",
    "abcd1234",
    "a1234567",
    "iloveyou",
    "admin123",
    "admin888",
];

pub fn check_password(password: &str, username: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n == 0 {
        return Err(PasswordError::Empty);
    }
    if n < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if n > MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    if password.eq_ignore_ascii_case(username.trim()) {
        return Err(PasswordError::SameAsUsername);
    }
    let first = password.chars().next();
    if password.chars().all(|c| Some(c) == first)
        || COMMON.contains(&password.to_lowercase().as_str())
    {
        return Err(PasswordError::TooSimple);
    }
    Ok(())
}

/// A user name: 2-32 characters of letters, digits, `_`, `-` and `.`; Chinese letters allowed.
pub fn parse_username(raw: &str) -> Option<String> {
    let name = raw.trim();
    let n = name.chars().count();
    ((2..=32).contains(&n)
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
    .then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_short_passwords_are_refused() {
        assert_eq!(check_password("", "admin"), Err(PasswordError::Empty));
        assert_eq!(check_password("abc123", "admin"), Err(PasswordError::TooShort));
    }

    #[test]
    fn guessable_passwords_are_refused() {
        assert_eq!(check_password("88888888", "admin"), Err(PasswordError::TooSimple));
        assert_eq!(check_password("aaaaaaaaaa", "admin"), Err(PasswordError::TooSimple));
        assert_eq!(check_password("Password", "admin"), Err(PasswordError::TooSimple));
        assert_eq!(check_password("zhangsan1", "zhangsan1"), Err(PasswordError::SameAsUsername));
    }

    #[test]
    fn a_reasonable_password_passes() {
        assert_eq!(check_password("邻里守望2026", "admin"), Ok(()));
        assert_eq!(check_password("linli2026", "admin"), Ok(()));
    }

    #[test]
    fn user_names_are_trimmed_and_restricted() {
        assert_eq!(parse_username(" wang.li ").as_deref(), Some("wang.li"));
        assert_eq!(parse_username("王丽").as_deref(), Some("王丽"));
        assert_eq!(parse_username("a"), None);
        assert_eq!(parse_username("a b"), None);
        assert_eq!(parse_username("x'; drop"), None);
    }
}

/// Hashing with argon2id (the crate's defaults: 19 MiB, 2 passes). Slow on purpose: callers on
/// async threads run it through `spawn_blocking`.
pub mod hashing {
    use argon2::Argon2;
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    use std::sync::LazyLock;

    #[derive(Debug, thiserror::Error)]
    #[error("password hashing failed: {0}")]
    pub struct HashError(String);

    pub fn hash(password: &str) -> Result<String, HashError> {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    }

    pub fn verify(password: &str, phc: &str) -> bool {
        PasswordHash::new(phc)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    }

    /// A hash to verify against when the user name is unknown, so that a wrong name and a
    /// wrong password take the same time.
    pub fn dummy_hash() -> &'static str {
        static DUMMY: LazyLock<String> =
            LazyLock::new(|| hash("linli-dummy-password-for-timing").unwrap_or_default());
        &DUMMY
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_hash_verifies_its_password_and_nothing_else() {
            let h = hash("邻里守望2026").unwrap();
            assert!(h.starts_with("$argon2id$"));
            assert!(verify("邻里守望2026", &h));
            assert!(!verify("邻里守望2027", &h));
            assert!(!verify("x", "not a hash"));
        }

        #[test]
        fn the_dummy_hash_is_a_real_argon2id_hash() {
            assert!(dummy_hash().starts_with("$argon2id$"));
        }
    }
}
