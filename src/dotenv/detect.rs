//! Which loaders read a `.env` file: the project's own loader, from its markers (as `init` picks
//! it), and other programs the project shows reading the same file (a compose `env_file:`, a
//! `docker run --env-file`, a script that sources it).

use super::Loader;
use std::path::{Path, PathBuf};

/// How far up from a `.env` file's directory the project's markers are looked for.
const MAX_UP: usize = 4;
/// Files read when looking for other readers of a `.env` file, and the most bytes read of each.
const MAX_FILES: usize = 200;
const MAX_FILE_BYTES: u64 = 256 * 1024;

/// A loader and why it is thought to read the file ("package.json depends on next").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub loader: Loader,
    pub reason: String,
    /// The directory whose markers decided it.
    pub root: PathBuf,
}

/// The loader a project's markers name in `dir` alone: `next` in package.json or a next.config
/// → nextjs, a vite.config or `vite` in package.json → vite, a package.json that runs
/// `node --env-file` or `process.loadEnvFile` → node-native, bun.lockb, bun.lock, bunfig.toml or a
/// package.json script running `bun` → bun, another package.json → node,
/// pyproject/requirements/Pipfile/manage.py → python, Gemfile → ruby, Cargo.toml → dotenvy,
/// go.mod → godotenv, a compose file → compose.
///
/// The order is the program that reads `.env` for the app, not the package manager: a Next.js or
/// Vite app installed and started with bun (`bun run dev`) still has its `.env` read by @next/env
/// or Vite's loadEnv — `bun run <script>` does not load `.env` itself, the `next`/`vite` it starts
/// does — so nextjs and vite come first, and bun's lockfile only decides for a project that
/// names no framework (one run as `bun index.ts`, where bun's own loader is the reader). An
/// explicit `node --env-file` in a script likewise names the reader, whatever installed it.
pub fn markers(dir: &Path) -> Option<(Loader, String)> {
    let has = |f: &str| dir.join(f).is_file();
    let package = read_small(&dir.join("package.json")).unwrap_or_default();
    if let Some(f) = ["next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"]
        .iter()
        .find(|f| has(f))
    {
        return Some((Loader::Nextjs, format!("{f} is there")));
    }
    if package.contains("\"next\"") {
        return Some((Loader::Nextjs, "package.json depends on next".into()));
    }
    if let Some(f) = VITE_CONFIGS.iter().find(|f| has(f)) {
        return Some((Loader::Vite, format!("{f} is there")));
    }
    if package.contains("\"vite\"") {
        return Some((Loader::Vite, "package.json depends on vite".into()));
    }
    let bun_script = runs_bun(&package);
    if package.contains("node --env-file")
        || package.contains("loadEnvFile")
        || (package.contains("--env-file") && !bun_script)
    {
        return Some((
            Loader::NodeNative,
            "package.json runs node --env-file (or process.loadEnvFile)".into(),
        ));
    }
    if let Some(f) = ["bun.lockb", "bun.lock", "bunfig.toml"].iter().find(|f| has(f)) {
        return Some((Loader::Bun, format!("{f} is there")));
    }
    if bun_script {
        return Some((Loader::Bun, "package.json runs bun".into()));
    }
    if !package.is_empty() {
        return Some((Loader::Node, "package.json without next".into()));
    }
    if let Some(f) = ["pyproject.toml", "requirements.txt", "Pipfile", "manage.py"]
        .iter()
        .find(|f| has(f))
    {
        return Some((Loader::Python, format!("{f} is there")));
    }
    if has("Gemfile") {
        return Some((Loader::Ruby, "Gemfile is there".into()));
    }
    if has("Cargo.toml") {
        return Some((Loader::Dotenvy, "Cargo.toml is there".into()));
    }
    if has("go.mod") {
        return Some((Loader::Godotenv, "go.mod is there".into()));
    }
    if let Some(f) = COMPOSE_FILES.iter().find(|f| has(f)) {
        return Some((Loader::Compose, format!("{f} is there")));
    }
    None
}

const VITE_CONFIGS: [&str; 6] = [
    "vite.config.js",
    "vite.config.ts",
    "vite.config.mjs",
    "vite.config.mts",
    "vite.config.cjs",
    "vite.config.cts",
];

/// Whether a package.json has a script that runs `bun` (`"dev": "bun run index.ts"`, `… && bun x`).
fn runs_bun(package: &str) -> bool {
    package.match_indices("bun ").any(|(i, _)| {
        matches!(
            package[..i].chars().next_back(),
            Some('"' | ' ' | '&' | ';' | '|' | '(')
        )
    })
}

const COMPOSE_FILES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// The loader of the project `file` belongs to: the markers of its directory, else of the nearest
/// parent (at most [`MAX_UP`] levels, not past a repository root).
pub fn project_loader(file: &Path) -> Option<Detected> {
    let mut dir = parent_dir(file);
    for _ in 0..=MAX_UP {
        if let Some((loader, reason)) = markers(&dir) {
            return Some(Detected {
                loader,
                reason,
                root: dir,
            });
        }
        if dir.join(".git").exists() {
            return None;
        }
        dir = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.parent().map(Path::to_path_buf))?;
    }
    None
}

/// Other loaders the project shows reading `file`: docker compose when a compose file's
/// `env_file:` names it, docker when a Dockerfile, script, Makefile, package.json or workflow
/// passes it to `--env-file`, the shell when a script sources it. `root` is where to look (the
/// project directory); its direct files, `scripts/`, `bin/` and `.github/workflows/` are read.
pub fn other_readers(file: &Path, root: &Path) -> Vec<Detected> {
    let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let mut candidates: Vec<PathBuf> = Vec::new();
    for dir in [
        root.to_path_buf(),
        root.join("scripts"),
        root.join("bin"),
        root.join(".github/workflows"),
    ] {
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        for e in rd.flatten().take(MAX_FILES) {
            if e.file_type().is_ok_and(|t| t.is_file()) {
                candidates.push(e.path());
            }
        }
    }
    candidates.sort();
    let mut out: Vec<Detected> = Vec::new();
    let mut add = |loader: Loader, reason: String| {
        if !out.iter().any(|d| d.loader == loader) {
            out.push(Detected {
                loader,
                reason,
                root: root.to_path_buf(),
            });
        }
    };
    for path in candidates.into_iter().take(MAX_FILES) {
        let Some(fname) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let lower = fname.to_ascii_lowercase();
        let wanted = COMPOSE_FILES.contains(&fname)
            || lower.starts_with("dockerfile")
            || lower == "makefile"
            || lower == "package.json"
            || lower.ends_with(".sh")
            || lower.ends_with(".yml")
            || lower.ends_with(".yaml")
            || lower == "justfile"
            || lower == "procfile";
        if !wanted {
            continue;
        }
        let Some(text) = read_small(&path) else { continue };
        if !text.contains(name) {
            continue;
        }
        for line in text.lines().filter(|l| mentions(l, name)) {
            if line.contains("--env-file") {
                // `node --env-file=.env app.js` is Node's own parser; `docker run`/`podman run` the
                // runtime's literal one.
                if line.contains("docker") || line.contains("podman") {
                    add(Loader::Docker, format!("{fname} runs docker with --env-file {name}"));
                } else if runs_bun(line) || line.trim_start().starts_with("bun ") {
                    add(Loader::Bun, format!("{fname} runs bun --env-file {name}"));
                } else if line.contains("node") {
                    add(Loader::NodeNative, format!("{fname} runs node --env-file {name}"));
                } else {
                    add(Loader::Docker, format!("{fname} runs docker with --env-file {name}"));
                }
            }
            let t = line.trim_start().trim_start_matches("- ");
            if t.starts_with("env_file") || (COMPOSE_FILES.contains(&fname) && t.ends_with(name)) {
                add(Loader::Compose, format!("{fname} names it in env_file"));
            }
            if t.starts_with(". ") || t.starts_with("source ") || t.contains("set -a") {
                add(Loader::Shell, format!("{fname} sources it"));
            }
        }
    }
    out
}

/// The directory a file is in (`.` for a bare name).
pub fn parent_dir(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether `line` names the file `name` as a whole word (`.env` is not named by `.env.prod`).
fn mentions(line: &str, name: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    line.match_indices(name).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + name.len()..].chars().next();
        !before.is_some_and(part) && !after.is_some_and(part)
    })
}

/// A regular file's text, when it is at most [`MAX_FILE_BYTES`] (markers and scripts are small;
/// anything else is not worth reading).
fn read_small(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_pick_the_loader_and_say_why() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(d.path().join("package.json"), r#"{"dependencies":{"next":"15"}}"#).expect("write");
        std::fs::write(d.path().join(".env.local"), "A=1\n").expect("write");
        let found = project_loader(&d.path().join(".env.local")).expect("detected");
        assert_eq!(found.loader, Loader::Nextjs);
        assert_eq!(found.reason, "package.json depends on next");
        let sub = d.path().join("backend");
        std::fs::create_dir(&sub).expect("mkdir");
        std::fs::write(sub.join("requirements.txt"), "fastapi\n").expect("write");
        assert_eq!(
            project_loader(&sub.join(".env")).map(|d| d.loader),
            Some(Loader::Python)
        );
    }

    #[test]
    fn other_readers_come_from_the_project_files() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            d.path().join("compose.yaml"),
            "services:\n  api:\n    env_file:\n      - .env\n",
        )
        .expect("write");
        std::fs::write(d.path().join("run.sh"), "docker run --env-file .env.prod app\n").expect("write");
        let loaders: Vec<Loader> = other_readers(&d.path().join(".env"), d.path())
            .into_iter()
            .map(|d| d.loader)
            .collect();
        assert_eq!(loaders, vec![Loader::Compose]);
        let loaders: Vec<Loader> = other_readers(&d.path().join(".env.prod"), d.path())
            .into_iter()
            .map(|d| d.loader)
            .collect();
        assert_eq!(loaders, vec![Loader::Docker]);
    }

    #[test]
    fn node_env_file_is_node_native() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            d.path().join("package.json"),
            r#"{"scripts":{"start":"node --env-file=.env server.js"}}"#,
        )
        .expect("write");
        let found = project_loader(&d.path().join(".env")).expect("detected");
        assert_eq!(found.loader, Loader::NodeNative);
        assert_eq!(
            found.reason,
            "package.json runs node --env-file (or process.loadEnvFile)"
        );
        let loaders: Vec<Loader> = other_readers(&d.path().join(".env"), d.path())
            .into_iter()
            .map(|d| d.loader)
            .collect();
        assert_eq!(loaders, vec![Loader::NodeNative], "not docker");
        std::fs::write(d.path().join("package.json"), r#"{"dependencies":{"dotenv":"16"}}"#).expect("write");
        assert_eq!(
            project_loader(&d.path().join(".env")).map(|d| d.loader),
            Some(Loader::Node)
        );
    }

    fn detected(files: &[(&str, &str)]) -> (Loader, String) {
        let d = tempfile::tempdir().expect("tempdir");
        for (f, text) in files {
            std::fs::write(d.path().join(f), text).expect("write");
        }
        let found = project_loader(&d.path().join(".env")).expect("detected");
        (found.loader, found.reason)
    }

    #[test]
    fn vite_and_bun_markers() {
        let vite = r#"{"devDependencies":{"vite":"8.4.0"}}"#;
        assert_eq!(
            detected(&[("vite.config.ts", "export default {}")]),
            (Loader::Vite, "vite.config.ts is there".into())
        );
        assert_eq!(
            detected(&[("package.json", vite)]),
            (Loader::Vite, "package.json depends on vite".into())
        );
        assert_eq!(
            detected(&[("bun.lockb", ""), ("package.json", "{}")]),
            (Loader::Bun, "bun.lockb is there".into())
        );
        assert_eq!(detected(&[("bun.lock", "{}")]).0, Loader::Bun);
        assert_eq!(detected(&[("bunfig.toml", "")]).0, Loader::Bun);
        assert_eq!(
            detected(&[("package.json", r#"{"scripts":{"dev":"bun run --watch index.ts"}}"#)]),
            (Loader::Bun, "package.json runs bun".into())
        );
        assert_eq!(
            detected(&[(
                "package.json",
                r#"{"scripts":{"dev":"bun --env-file=.env.dev index.ts"}}"#
            )])
            .0,
            Loader::Bun,
            "bun --env-file is bun's parser, not node's"
        );
        // The framework reads .env, whatever installed it: bun run dev starts next or vite.
        assert_eq!(
            detected(&[
                ("bun.lock", "{}"),
                ("package.json", r#"{"dependencies":{"next":"16"}}"#)
            ])
            .0,
            Loader::Nextjs
        );
        assert_eq!(detected(&[("bun.lockb", ""), ("package.json", vite)]).0, Loader::Vite);
        assert_eq!(
            detected(&[
                ("bun.lockb", ""),
                ("package.json", r#"{"scripts":{"start":"node --env-file=.env a.js"}}"#)
            ])
            .0,
            Loader::NodeNative
        );
        // "bundle" is not bun.
        assert_eq!(
            detected(&[("package.json", r#"{"scripts":{"b":"rollup --bundle x"}}"#)]).0,
            Loader::Node
        );
    }

    #[test]
    fn bun_env_file_in_a_script_is_bun() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(d.path().join("run.sh"), "bun --env-file=.env server.ts\n").expect("write");
        let loaders: Vec<Loader> = other_readers(&d.path().join(".env"), d.path())
            .into_iter()
            .map(|d| d.loader)
            .collect();
        assert_eq!(loaders, vec![Loader::Bun]);
    }

    #[test]
    fn go_mod_is_godotenv() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(d.path().join("go.mod"), "module example.com/api\n").expect("write");
        let found = project_loader(&d.path().join(".env")).expect("detected");
        assert_eq!(
            (found.loader, found.reason.as_str()),
            (Loader::Godotenv, "go.mod is there")
        );
    }
}
