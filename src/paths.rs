//! How file paths are shown in findings: relative to the repository root, so GitHub annotations
//! and SARIF locations land on the pull request, and no absolute machine path appears in output
//! unless the user gave one.

use std::path::{Component, Path, PathBuf};

/// The repository root: `GITHUB_WORKSPACE` when set (GitHub Actions' checkout), else the nearest
/// directory at or above `from` holding `.git` (a directory, or a file for worktrees and
/// submodules), else `None`.
pub fn repo_root(from: &Path) -> Option<PathBuf> {
    if let Some(ws) = std::env::var_os("GITHUB_WORKSPACE").filter(|v| !v.is_empty()) {
        let ws = PathBuf::from(ws);
        return Some(ws.canonicalize().unwrap_or(ws));
    }
    let start = from.canonicalize().ok()?;
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// `path` as findings show it. `path` is as the user's config or command line gave it, taken
/// relative to `base` (the directory it was given in, absolute) when it is relative; `shown` is
/// how to show it when it is not under the repository root (relative to where authdoctor was
/// started, or absolute if the user gave it so). Under `root` the result is root-relative with
/// `/` separators and no `./`.
pub fn display(path: &str, base: &Path, shown: &str, root: Option<&Path>) -> String {
    let given = Path::new(path);
    let abs = normalise(&base.join(given));
    if let Some(root) = root {
        let abs = abs.canonicalize().unwrap_or(abs);
        if let Ok(rel) = abs.strip_prefix(root) {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if !parts.is_empty() {
                return parts.join("/");
            }
        }
    }
    tidy(shown)
}

/// The current directory as messages name it without a machine path: relative to the repository
/// root (`the repository root`, `examples/`), else `the current directory`.
pub fn here() -> String {
    let Ok(cwd) = std::env::current_dir() else {
        return "the current directory".to_string();
    };
    match repo_root(&cwd) {
        Some(root) => match relative_to(&cwd.canonicalize().unwrap_or(cwd), &root).as_str() {
            "." => "the repository root".to_string(),
            rel if rel.starts_with("..") || rel.starts_with('/') => "the current directory".to_string(),
            rel => format!("{rel}/ in the repository"),
        },
        None => "the current directory".to_string(),
    }
}

/// `target` (absolute) relative to `base` (absolute): `sub/x`, `../x`; `target` itself when they
/// share no prefix (another drive).
pub fn relative_to(target: &Path, base: &Path) -> String {
    let (t, b) = (normalise(target), normalise(base));
    let common = t.components().zip(b.components()).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return t.display().to_string();
    }
    let ups = b.components().count().saturating_sub(common);
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), ups).collect();
    parts.extend(
        t.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Whether git would ignore `path` (relative to the current directory): the `.gitignore` files
/// from the repository root (nearest directory with `.git`) down to the file's directory, and
/// `.git/info/exclude`, matched by the `ignore` crate (ripgrep's gitignore semantics; the deepest
/// file that matches decides, `!pattern` re-includes). Outside a repository, `false`. The file need
/// not exist: this is how a missing `.env.local` is told from a missing committed file.
pub fn gitignored(path: &Path) -> bool {
    let Ok(cwd) = std::env::current_dir() else {
        return false;
    };
    let abs = normalise(&cwd.join(path));
    let Some(root) = abs.ancestors().skip(1).find(|d| d.join(".git").exists()) else {
        return false;
    };
    let is_dir = abs.is_dir();
    let dirs: Vec<&Path> = abs.ancestors().skip(1).take_while(|d| d.starts_with(root)).collect();
    // Deepest first: a nested .gitignore overrides its parents'.
    for dir in &dirs {
        if let Some(m) = matcher(dir, &[dir.join(".gitignore")]) {
            match m.matched_path_or_any_parents(&abs, is_dir) {
                ignore::Match::Ignore(_) => return true,
                ignore::Match::Whitelist(_) => return false,
                ignore::Match::None => {}
            }
        }
    }
    matcher(root, &[root.join(".git/info/exclude")])
        .is_some_and(|m| m.matched_path_or_any_parents(&abs, is_dir).is_ignore())
}

/// The patterns of those files that exist, rooted at `dir`; `None` if there are none.
fn matcher(dir: &Path, files: &[PathBuf]) -> Option<ignore::gitignore::Gitignore> {
    let mut b = ignore::gitignore::GitignoreBuilder::new(dir);
    let mut any = false;
    for f in files.iter().filter(|f| f.is_file()) {
        any |= b.add(f).is_none();
    }
    any.then(|| b.build().ok()).flatten()
}

/// `./a/../b` → `b`, without touching the file system (the file may not exist).
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A relative path without leading `./` segments.
fn tidy(p: &str) -> String {
    let mut s = p;
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_the_root_paths_are_root_relative() {
        let root = Path::new("/repo");
        assert_eq!(
            display(".env", Path::new("/repo/web"), "web/.env", Some(root)),
            "web/.env"
        );
        assert_eq!(
            display("./frontend/../frontend/.env.local", Path::new("/repo"), "x", Some(root)),
            "frontend/.env.local"
        );
        assert_eq!(
            display("/repo/a/.env", Path::new("/tmp"), "/repo/a/.env", Some(root)),
            "a/.env"
        );
    }

    #[test]
    fn gitignore_decides_from_the_deepest_file() {
        let d = tempfile::tempdir().expect("tempdir");
        let r = d.path();
        std::fs::create_dir_all(r.join(".git/info")).expect("git");
        std::fs::create_dir_all(r.join("web")).expect("web");
        std::fs::write(r.join(".gitignore"), ".env*.local\n.env\n").expect("write");
        std::fs::write(r.join("web/.gitignore"), "!.env\n").expect("write");
        std::fs::write(r.join(".git/info/exclude"), "secret.txt\n").expect("write");
        assert!(gitignored(&r.join("web/.env.local")));
        assert!(gitignored(&r.join(".env")));
        assert!(!gitignored(&r.join("web/.env")), "re-included by web/.gitignore");
        assert!(!gitignored(&r.join("web/config.toml")));
        assert!(gitignored(&r.join("web/secret.txt")));
        assert!(!gitignored(Path::new("/nonexistent-root-dir/.env.local")));
    }

    #[test]
    fn elsewhere_paths_stay_as_given() {
        let root = Path::new("/repo");
        assert_eq!(display("/etc/x", Path::new("/repo"), "/etc/x", Some(root)), "/etc/x");
        assert_eq!(display(".env", Path::new("/w"), "./sub/.env", None), "sub/.env");
        assert_eq!(relative_to(Path::new("/a/b/c"), Path::new("/a/d")), "../b/c");
        assert_eq!(relative_to(Path::new("/a/b"), Path::new("/a")), "b");
    }
}
