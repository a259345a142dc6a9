//! Linli's domain: the rules every other crate relies on, with no I/O.
//!
//! Everything here is a pure function or a validated type, unit-tested without a database,
//! so that a rule (who may see which place, how an audit record is hashed, when a login is
//! locked) is written once and read in one place.

/// A closed list of codes: the code is stored and sent over the API (a contract: never rename
/// one), the Chinese label is what people read. Used by every module's enums.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $code:literal, $zh:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "snake_case")]
        $(#[$m])*
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            pub fn label_zh(self) -> &'static str { match self { $($name::$variant => $zh),+ } }
            pub fn parse(s: &str) -> Option<$name> { $name::ALL.iter().copied().find(|v| v.as_str() == s.trim()) }
        }
        impl $crate::Codes for $name {
            fn codes() -> Vec<&'static str> { $name::ALL.iter().map(|v| v.as_str()).collect() }
        }
        /// The code, as stored and sent (catalogue keys are made from it).
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

/// An enum whose values travel as codes. Request types that carry a code as a string
/// (`"kind": "dibao"`) describe it in the OpenAPI document with [`code_schema`].
pub trait Codes {
    fn codes() -> Vec<&'static str>;
}

/// The JSON Schema of a string field that takes one of `E`'s codes
/// (`#[schemars(schema_with = "linli_core::code_schema::<E>")]`).
pub fn code_schema<E: Codes>(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "enum": E::codes()})
}

/// Like [`code_schema`], for an optional field.
pub fn optional_code_schema<E: Codes>(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": ["string", "null"], "enum": E::codes().into_iter().map(Some).chain([None]).collect::<Vec<_>>()})
}

/// Like [`code_schema`], for a list of codes.
pub fn code_list_schema<E: Codes>(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "array", "items": {"type": "string", "enum": E::codes()}})
}

pub mod assistance;
pub mod authz;
pub mod cards;
pub mod chain;
pub mod claims;
pub mod clock;
pub mod corrections;
pub mod corridors;
pub mod dates;
pub mod fund;
pub mod id_number;
pub mod idempotency;
pub mod indicators;
pub mod learning;
pub mod login;
pub mod mask;
pub mod partners;
pub mod password;
pub mod pinyin;
pub mod place;
pub mod privacy;
pub mod publicity;
pub mod role;
pub mod roster;
pub mod street;
pub mod summary;
pub mod text;
pub mod visits;
pub mod volunteers;
pub mod window;
pub mod workdays;

pub use authz::{Action, Decision, Grant, authorize};
pub use clock::{Clock, ManualClock, SystemClock};
pub use id_number::{Gender, IdNumber};
pub use place::{PlaceKind, PlacePath};
pub use role::Role;
