//! `authdoctor sources`: every scheme the parser accepts, with an example.

use crate::cli::Format;
use crate::source::SCHEMES;
use colored::Colorize;

pub fn run(format: Format) -> String {
    match format {
        Format::Json => {
            let list: Vec<serde_json::Value> = SCHEMES
                .iter()
                .map(|s| s.info())
                .map(|s| serde_json::json!({"scheme": s.name, "example": s.example, "yields": s.yields, "options": s.options}))
                .collect();
            format!(
                "{}\n",
                serde_json::json!({"schema": "authdoctor/1", "command": "sources", "schemes": list})
            )
        }
        _ => {
            let mut out = String::from("Sources are [LABEL=]SCHEME:REST; LABEL names the source in the report.\n\n");
            for s in SCHEMES.iter().map(|s| s.info()) {
                out.push_str(&format!(
                    "  {:<7} {}\n          {}\n",
                    s.name.bold(),
                    s.example,
                    s.yields
                ));
                if !s.options.is_empty() {
                    out.push_str(&format!("          options: {}\n", s.options.join(", ")));
                }
            }
            out.push_str(&format!("\n.env loaders for env: {}\n", crate::dotenv::Loader::names()));
            out
        }
    }
}
