//! Link the `authdoctor` executable as a position-dependent (non-PIE) binary on x86-64/aarch64
//! GNU/Linux. A PIE of this size carries ~50,000 relative relocations that the dynamic loader applies
//! at every start, dirtying ~800 KB of `.data.rel.ro` (about 250 page faults): ~0.6 ms of a 2 ms run,
//! which decides whether `authdoctor jwt decode` starts as fast as a small single-purpose tool.
//! Libraries, heap and stack stay randomised; only the executable's own image is at a fixed address.
//! Set AUTHDOCTOR_PIE=1 when building to keep the platform default (e.g. for a distribution package).
fn main() {
    println!("cargo:rerun-if-env-changed=AUTHDOCTOR_PIE");
    println!("cargo:rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    let linux_gnu =
        target.ends_with("-unknown-linux-gnu") && (target.starts_with("x86_64") || target.starts_with("aarch64"));
    if linux_gnu && std::env::var_os("AUTHDOCTOR_PIE").is_none_or(|v| v.is_empty() || v == "0") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
