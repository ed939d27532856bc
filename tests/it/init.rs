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
                \"api=env:api/.env#AUTH_SECRET?loader=python&local\",\n  \
                \"web=env:web#AUTH_SECRET?loader=nextjs&local\",\n  \
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

/// Stores named in the repository are proposed beside the .env files (which are marked local), so
/// that a CI checkout without the .env files still compares stores with stores.
#[test]
fn proposes_the_stores_the_repository_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for sub in ["web/.vercel", "api", "infra", ".git"] {
        std::fs::create_dir_all(d.join(sub)).expect("mkdir");
    }
    let put = |p: &str, text: &str| std::fs::write(d.join(p), text).expect("write");
    put(".gitignore", ".env\n.env*.local\n.vercel\n");
    put("web/package.json", r#"{"dependencies":{"next":"15.0.0"}}"#);
    put("web/.env.local", &format!("AUTH_SECRET={KNOWN}\n"));
    put(
        "web/.vercel/project.json",
        r#"{"projectId":"prj_1","orgId":"team_9","projectName":"catwalk-web"}"#,
    );
    put("api/.env", &format!("AUTH_SECRET={KNOWN}\n"));
    put("api/fly.toml", "app = \"catwalk-backend\"\n");
    put(
        "infra/task-definition.json",
        r#"{"family":"api","containerDefinitions":[{"name":"api","secrets":[
            {"name":"AUTH_SECRET","valueFrom":"arn:aws:ssm:us-east-1:123456789012:parameter/catwalk/auth-secret"},
            {"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf:password::"}]}]}"#,
    );
    put(
        "serverless.yml",
        "provider:\n  environment:\n    AUTH_SECRET: ${ssm:/catwalk/auth-secret}\n",
    );
    put(
        "docker-compose.yml",
        "services:\n  worker:\n    env_file:\n      - ./worker.env\n",
    );
    put("worker.env", &format!("AUTH_SECRET={KNOWN}\n"));

    let r = run(ad().args(["init", &d.display().to_string()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(leaks(&r.stdout, KNOWN).is_none(), "{}", r.stdout);
    for want in [
        "=ssm:/catwalk/auth-secret?region=us-east-1\"",
        "=ssm:/catwalk/auth-secret\"",
        "\"vercel-catwalk-web=vercel:catwalk-web#AUTH_SECRET?target=production&team=team_9\"",
        "\"fly-catwalk-backend=fly:catwalk-backend#AUTH_SECRET\"",
        "\"compose-worker.env=env:worker.env#AUTH_SECRET?loader=compose&local\"",
        "\"web=env:web#AUTH_SECRET?loader=nextjs&local\"",
        "DB_PASSWORD=secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf#password?region=us-east-1",
    ] {
        assert!(r.stdout.contains(want), "{want}: {}", r.stdout);
    }
}

/// Vite and bun read a directory's files together, as Next.js does: one `env:DIR` source each, in
/// development mode, whose value `check` then reads with the tool's own precedence (Vite: the
/// mode file over `.env.local`; bun: `.env.local` first). Another mode's files are not proposed.
#[test]
fn vite_and_bun_directories_are_one_source_each() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for sub in ["web", "api"] {
        std::fs::create_dir_all(d.join(sub)).expect("mkdir");
    }
    let put = |p: &str, text: &str| std::fs::write(d.join(p), text).expect("write");
    put("web/package.json", r#"{"devDependencies":{"vite":"8.4.0"}}"#);
    put("web/vite.config.ts", "export default {}\n");
    put("web/.env", "JWT_SECRET=from-dotenv-file-0123456789abcdef\n");
    put("web/.env.local", "JWT_SECRET=from-local-file-0123456789abcdef\n");
    put("web/.env.development", &format!("JWT_SECRET={KNOWN}\n"));
    put("web/.env.staging", "STAGING_ONLY_SECRET=x\n");
    put("api/bun.lock", "{}\n");
    put("api/.env", "JWT_SECRET=from-dotenv-file-0123456789abcdef\n");
    put("api/.env.local", &format!("JWT_SECRET={KNOWN}\n"));
    put("api/.env.development", "JWT_SECRET=from-mode-file-0123456789abcdef\n");

    let r = run(ad().args(["init", "--write"]).current_dir(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let toml = std::fs::read_to_string(d.join("authdoctor.toml")).expect("written");
    assert!(
        toml.contains("\"api=env:api#JWT_SECRET?loader=bun&local\"")
            && toml.contains("\"web=env:web#JWT_SECRET?loader=vite&local\""),
        "{toml}"
    );
    assert!(
        toml.contains("Not proposed (another environment's values): web/.env.staging"),
        "{toml}"
    );
    assert!(!toml.contains("STAGING_ONLY_SECRET"), "{toml}");
    // Both tools' winners are the same value: the check passes.
    let r = run(ad().arg("check").current_dir(d));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(leaks(&r.stdout, KNOWN).is_none(), "{}", r.stdout);
}
