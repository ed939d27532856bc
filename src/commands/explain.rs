//! `authdoctor explain CODE`: the long story of a finding code (`all` lists them).

use crate::cli::Format;
use crate::findings::registry;
use crate::usage::UsageError;
use colored::Colorize;

pub fn run(code: &str, format: Format) -> Result<String, UsageError> {
    if code.eq_ignore_ascii_case("all") {
        return Ok(match format {
            Format::Json => {
                let all: Vec<serde_json::Value> = registry::all()
                    .map(|e| serde_json::json!({"code": e.id, "severity": e.severity, "title": e.title}))
                    .collect();
                format!(
                    "{}\n",
                    serde_json::json!({"schema": "authdoctor/1", "command": "explain", "codes": all})
                )
            }
            _ => registry::all()
                .map(|e| format!("{}  {:<7}  {}\n", e.id, e.severity.as_str(), e.title))
                .collect(),
        });
    }
    let Some(e) = registry::lookup(code) else {
        return Err(UsageError::new(format!("unknown finding code '{code}'"))
            .hint("codes look like AD102; `authdoctor explain all` lists every one"));
    };
    Ok(match format {
        Format::Json => format!(
            "{}\n",
            serde_json::json!({
                "schema": "authdoctor/1", "command": "explain", "code": e.id, "severity": e.severity,
                "title": e.title, "hint": e.hint, "explanation": e.explain,
            })
        ),
        _ => {
            let mut s = format!("{} ({}): {}\n\n", e.id.bold(), e.severity.as_str(), e.title.bold());
            for para in e.explain.split('\n') {
                s.push_str(para);
                s.push_str("\n\n");
            }
            if !e.hint.is_empty() {
                s.push_str(&format!("In short: {}\n", e.hint));
            }
            s
        }
    })
}
