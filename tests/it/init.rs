//! `authdoctor init`: a proposed authdoctor.toml from a project's .env files and fly.toml.

use crate::common::*;

#[test]
fn proposes_groups_across_directories_and_fly_apps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for sub in ["web", "api", "web/node_modules/pkg", ".git"] {
        std::fs::create_dir_all(d.join(sub)).expect("mkdir");
    }
    let put = |p: &str, text: &str| std::fs::write(d.join(p), text).expect("write");
    put("web/package.json", r#"{"dependencies":{"next":"15.0.0"}}"#);
    put("web/.env.local", &format!("AUTH_SECRET=\"{KNOWN}\"\nPORT=3000\n"));
    put("web/.env.production", &format!("AUTH_SECRET={KNOWN}\n"));
    put("web/node_modules/pkg/.env", "AUTH_SECRET=dependency\n");
    put(".git/.env", "AUTH_SECRET=git\n");
    put("api/requirements.txt", "fastapi\n");
    put("api/fly.toml", "app = \"catwalk-backend\"\nprimary_region = \"cdg\"\n");
    put(
        "api/.env",
        &format!("AUTH_SECRET={KNOWN}\nPORT=8000\nAUTH_SYNC_SECRET=x\n"),
    );
    put("api/.env.example", "AUTH_SECRET=changeme\n");

    let r = run(ad().args(["init", &d.display().to_string()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        leaks(&r.stdout, KNOWN).is_none() && leaks(&r.stderr, KNOWN).is_none(),
        "{}",
        r.stdout
    );
    let want = "[[secret]]\nname = \"AUTH_SECRET\"\nsources = [\n  \
                \"api=env:api/.env#AUTH_SECRET?loader=python\",\n  \
                \"web=env:web#AUTH_SECRET?loader=nextjs\",\n  \
                \"fly-catwalk-backend=fly:catwalk-backend#AUTH_SECRET\",\n]\n";
    assert!(r.stdout.contains(want), "{}", r.stdout);
    // In the api directory and its Fly app: two places.
    assert!(r.stdout.contains("name = \"AUTH_SYNC_SECRET\""), "{}", r.stdout);
    assert!(r.stdout.contains("not secrets by name: PORT"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("Not proposed (another environment's values): web/.env.production"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("node_modules") && !r.stdout.contains(".git"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("example"), "{}", r.stdout);

    // --write, then check runs it as written (the Fly app's AUTH_SECRET is staged: AD501, exit 1).
    let r = run(ad().args(["init", "--write"]).current_dir(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (code, v) = json(
        ad().arg("check")
            .current_dir(d)
            .env("FLYCTL", root().join("tests/fake-fly/fly")),
    );
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["checks"][0]["name"], "AUTH_SECRET", "{v}");
    assert!(leaks(&v.to_string(), KNOWN).is_none());
    let r = run(ad().args(["init", "--write"]).current_dir(d));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("exists: not overwriting it"), "{}", r.stderr);

    let empty = tempfile::tempdir().expect("tempdir");
    let r = run(ad().arg("init").current_dir(empty.path()));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no .env files under ."), "{}", r.stderr);
}
