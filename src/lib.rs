//! authdoctor: why a JWT secret that "matches" everywhere still gives 401 Invalid signature.
//! Data flows one way: spec → source → value → checks → findings → report → renderer.

pub mod baseline;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dotenv;
pub mod error;
pub mod findings;
pub mod jwt;
pub mod paths;
pub mod report;
pub mod run;
pub mod secret;
pub mod source;
pub mod transform;
