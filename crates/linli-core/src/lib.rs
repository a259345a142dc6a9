//! Linli's domain: the rules every other crate relies on, with no I/O.
//!
//! Everything here is a pure function or a validated type, unit-tested without a database,
//! so that a rule (who may see which place, how an audit record is hashed, when a login is
//! locked) is written once and read in one place.

pub mod assistance;
pub mod authz;
pub mod chain;
pub mod clock;
pub mod dates;
pub mod fund;
pub mod id_number;
pub mod indicators;
pub mod learning;
pub mod login;
pub mod mask;
pub mod partners;
pub mod password;
pub mod pinyin;
pub mod place;
pub mod role;
pub mod roster;
mod text;
pub mod workdays;

pub use authz::{Action, Decision, Grant, authorize};
pub use clock::{Clock, ManualClock, SystemClock};
pub use id_number::{Gender, IdNumber};
pub use place::{PlaceKind, PlacePath};
pub use role::Role;
