//! The integration tests, as one test binary. Each test binary links the whole dependency tree
//! (the AWS SDK, reqwest, rustls …); thirteen of them took 5 GB of debug builds and filled a CI
//! machine's disk, and linked thirteen times. One module per area:

mod common;

mod aws;
mod check;
mod ci;
mod cli;
mod codes;
mod compare_kinds;
mod configjs;
mod dotenvy_prop;
mod ecs;
mod envfile;
mod expansion_bounds;
mod file_safety;
mod fly;
mod init;
mod input_bounds;
mod jwt;
mod k8s;
mod loader_dirs;
mod loader_fuzz;
mod loaders;
mod parsers_prop;
mod probe;
mod proc;
mod recipes;
mod redaction;
mod resources;
mod scale;
mod snapshots;
mod token_kinds;
mod vercel;
