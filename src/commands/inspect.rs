//! `authdoctor inspect`: facts about each value and its hygiene, source by source.

use crate::cli::Global;
use crate::error::Error;
use crate::report::Report;
use crate::secret::Facts;

pub async fn run(
    sources: Vec<crate::source::Spec>,
    global: &Global,
) -> Result<(Report, Vec<crate::source::Outcome>), Error> {
    let outcomes = super::fetch(sources, global).await?;
    let mut report = Report::new("inspect");
    super::source_rows(&outcomes.iter().collect::<Vec<_>>(), &mut report, global.reveal);
    for (o, row) in outcomes.iter().zip(report.sources.iter_mut()) {
        if let Some(s) = o.secret() {
            row.facts = Some(Facts::of(s.expose()));
            report
                .findings
                .extend(crate::checks::value::hygiene(s.expose(), &[o.spec.name().to_string()]));
        }
    }
    if global.reveal {
        report.dumps = super::dumps(&outcomes.iter().collect::<Vec<_>>(), &[]);
    }
    super::locate(&mut report.findings, &outcomes.iter().collect::<Vec<_>>());
    if let Ok(cwd) = std::env::current_dir() {
        super::relocate(std::slice::from_mut(&mut report), &cwd, &cwd);
    }
    Ok((report, outcomes))
}
