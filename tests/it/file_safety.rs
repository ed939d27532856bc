//! Files (issue 17, item 8): a lock that cannot be parsed is refused, not replaced; the lock is
//! written through a unique temporary file, never through a planted symlink, and parallel runs do
//! not collide; `init --write` never writes through a symlink.

use crate::common::*;

const VALUE: &str = "k7Qw2Rt9Yp4Ux8Zc3Vb6Nm1Lj5Hg0Fd";

/// A project of two groups over two files holding the same strong value.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for f in ["a", "b", "c"] {
        std::fs::write(d.join(f), VALUE).expect("value");
    }
    std::fs::write(
        d.join("authdoctor.toml"),
        "[[secret]]\nname = \"A\"\nsources = [\"file:a\", \"file:b\"]\n\n\
         [[secret]]\nname = \"B\"\nsources = [\"file:b\", \"file:c\"]\n",
    )
    .expect("config");
    dir
}

fn update(d: &std::path::Path, extra: &[&str]) -> Run {
    run(ad().current_dir(d).args(["check", "--update-baseline"]).args(extra))
}

#[test]
fn an_unparseable_lock_is_refused_not_replaced() {
    let dir = project();
    let d = dir.path();
    let r = update(d, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let good = std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock");
    let broken = [
        format!("{good}\nstray line\n"),
        good.replacen("version = 1", "version = 2", 1),
        "not toml at all [".to_string(),
    ];
    for text in broken {
        std::fs::write(d.join("authdoctor.lock"), &text).expect("write");
        for extra in [&[][..], &["--only", "A"][..], &["--baseline"][..]] {
            let r = update(d, extra);
            assert_eq!(r.code, 2, "{extra:?} over {text:?}: {}{}", r.stdout, r.stderr);
            assert!(r.stderr.contains("authdoctor.lock"), "{}", r.stderr);
            assert!(r.stderr.contains("move the file away"), "{}", r.stderr);
            assert_eq!(
                std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock"),
                text,
                "the lock was replaced"
            );
        }
    }
    // Recovery as the message says: move it away and write a new one.
    std::fs::rename(d.join("authdoctor.lock"), d.join("authdoctor.lock.old")).expect("mv");
    assert_eq!(update(d, &[]).code, 0);
    // The same entries; each hash has a fresh salt, so compare without them.
    let unsalted = |t: &str| -> String {
        t.lines()
            .filter(|l| !l.starts_with("hash = "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let again = std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock");
    assert_eq!(unsalted(&again), unsalted(&good));
}

#[test]
fn the_lock_is_never_written_through_a_tmp_symlink() {
    let dir = project();
    let d = dir.path();
    let victim = d.join("victim");
    std::fs::write(&victim, "do not touch\n").expect("victim");
    std::os::unix::fs::symlink(&victim, d.join("authdoctor.lock.tmp")).expect("link");
    std::os::unix::fs::symlink(d.join("elsewhere"), d.join(".authdoctor.lock.tmp")).expect("link");
    let r = update(d, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "do not touch\n");
    assert!(!d.join("elsewhere").exists());
    let lock = std::fs::symlink_metadata(d.join("authdoctor.lock")).expect("lock");
    assert!(lock.file_type().is_file());
    // No temporary file is left behind.
    let left: Vec<String> = std::fs::read_dir(d)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") && n != "authdoctor.lock.tmp" && n != ".authdoctor.lock.tmp")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn parallel_updates_do_not_collide() {
    let dir = project();
    let d = dir.path().to_path_buf();
    let runs: Vec<_> = (0..6)
        .map(|i| {
            let d = d.clone();
            std::thread::spawn(move || {
                let only = if i % 2 == 0 { "A" } else { "B" };
                update(&d, &["--only", only])
            })
        })
        .collect();
    for r in runs {
        let r = r.join().expect("thread");
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    let lock = std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock");
    // Whole and parseable: `--baseline` reads it without complaint.
    let r = run(ad().current_dir(&d).args(["check", "--baseline"]));
    assert!(r.code == 0 || r.code == 1, "{lock}\n{}", r.stderr);
    assert!(!r.stderr.contains("error"), "{lock}\n{}", r.stderr);
    assert!(
        lock.contains("spec = \"file:a\"") || lock.contains("spec = \"file:c\""),
        "{lock}"
    );
}

#[test]
fn init_write_never_follows_a_symlink() {
    for dangling in [true, false] {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join(".env"), format!("JWT_SECRET={VALUE}\n")).expect("env");
        let target = d.join("outside.toml");
        if !dangling {
            std::fs::write(&target, "# mine\n").expect("target");
        }
        std::os::unix::fs::symlink(&target, d.join("authdoctor.toml")).expect("link");
        let r = run(ad().args(["init", "--write"]).arg(d));
        assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
        if dangling {
            assert!(!target.exists(), "init wrote through a dangling symlink");
        } else {
            assert_eq!(std::fs::read_to_string(&target).expect("target"), "# mine\n");
        }
    }
}
