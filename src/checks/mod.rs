//! Checks: every finding's one producer, by family. Each family's module defines its codes
//! (`pub const ADnnn: Code`) beside the checks that emit them and lists them in its `CODES`;
//! `crate::findings::registry` joins the families.

pub mod compare;
pub mod loaders;
pub mod platform;
pub mod probe;
pub mod sources;
pub mod token;
pub mod value;
