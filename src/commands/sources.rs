//! `authdoctor sources`: every scheme the parser accepts, with an example.

use crate::report::SchemeDoc;
use crate::source::SCHEMES;

/// Every scheme, and the loader names an `env:` source takes.
pub fn run() -> (Vec<SchemeDoc>, String) {
    let schemes = SCHEMES
        .iter()
        .map(|scheme| {
            let s = scheme.info();
            SchemeDoc {
                scheme: s.name,
                example: s.example,
                yields: s.yields,
                options: s.options,
                recipes: scheme.recipes(),
            }
        })
        .collect();
    (schemes, crate::dotenv::Loader::names())
}
