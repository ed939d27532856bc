//! `authdoctor compare`: one secret, many places; group equal values and explain each difference.

use crate::checks::compare::{Member, compare};
use crate::cli::Global;
use crate::error::Error;
use crate::report::Report;

pub async fn run(
    sources: Vec<crate::source::Spec>,
    global: &Global,
) -> Result<(Report, Vec<crate::source::Outcome>), Error> {
    if sources.len() < 2 {
        return Err(Error::new("compare needs at least two sources").hint("use `authdoctor inspect` for one"));
    }
    let outcomes = super::fetch(sources, global).await?;
    let mut report = build(&outcomes.iter().collect::<Vec<_>>(), global.reveal, "compare");
    if let Ok(cwd) = std::env::current_dir() {
        super::relocate(std::slice::from_mut(&mut report), &cwd, &cwd);
    }
    Ok((report, outcomes))
}

/// The comparison report for sources already fetched (`compare`, and each group of `check`).
pub fn build(outcomes: &[&crate::source::Outcome], reveal: bool, command: &'static str) -> Report {
    let mut report = Report::new(command);
    super::source_rows(outcomes, &mut report, reveal);

    // Only readable sources take part; an unreadable one already made the verdict `error`.
    let readable: Vec<usize> = (0..outcomes.len()).filter(|&i| outcomes[i].result.is_ok()).collect();
    // A source that reads several places (every Fly machine) takes part once per place.
    let mut members: Vec<Member> = Vec::new();
    let mut member_outcome: Vec<usize> = Vec::new();
    for &i in &readable {
        let Ok(f) = outcomes[i].result.as_ref() else { continue };
        let scheme = outcomes[i].spec.scheme.info().name;
        if f.parts.is_empty() {
            members.push(Member {
                name: outcomes[i].spec.name(),
                item: &f.yielded,
                scheme,
            });
            member_outcome.push(i);
        } else {
            for p in &f.parts {
                let Ok(item) = &p.yielded else { continue };
                members.push(Member {
                    name: &p.label,
                    item,
                    scheme,
                });
                member_outcome.push(i);
            }
        }
    }
    let mut marks = Vec::new();
    if members.len() >= 2 {
        let cmp = compare(&members);
        report.groups = Some(
            cmp.groups
                .iter()
                .map(|g| g.iter().map(|&i| members[i].name.to_string()).collect())
                .collect(),
        );
        report.findings.extend(cmp.findings);
        for (a, b, off) in cmp.first_difference {
            if let (Some(&a), Some(&b)) = (member_outcome.get(a), member_outcome.get(b)) {
                marks.push((a, off));
                marks.push((b, off));
            }
        }
        // Hygiene once per distinct value, naming every source that holds it.
        for g in &cmp.groups {
            if let crate::source::Yield::Value(s) = members[g[0]].item {
                let names: Vec<String> = g.iter().map(|&i| members[i].name.to_string()).collect();
                report
                    .findings
                    .extend(crate::checks::value::hygiene(s.expose(), &names));
            }
        }
        crate::checks::compare::drop_repeated(&mut report.findings);
    }
    super::locate(&mut report.findings, outcomes);
    if reveal {
        report.dumps = super::dumps(outcomes, &marks);
    }
    report
}
