//! A real AWS-protocol endpoint for the tests: `moto_server` on 127.0.0.1 (PyPI `moto[server]`,
//! installed by scripts/test.sh), started once per test binary and stopped when it exits, seeded
//! through the AWS SDK.
#![allow(dead_code)]

use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct Moto {
    pub endpoint: String,
    /// The watchdog shell; it ends with this process.
    _watchdog: std::process::Child,
}

fn moto_binary() -> String {
    if let Ok(p) = std::env::var("AUTHDOCTOR_MOTO_SERVER")
        && !p.is_empty()
    {
        return p;
    }
    let local = super::root().join("tools/.venv-test/bin/moto_server");
    if local.is_file() {
        return local.display().to_string();
    }
    "moto_server".to_string()
}

/// The shared moto_server of this test binary (started on first use).
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(|| {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port");
        let bin = moto_binary();
        // A watchdog shell stops moto_server when this test process goes away.
        let script = format!(
            "\"$0\" -H 127.0.0.1 -p {port} >/dev/null 2>&1 & m=$!; while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; kill $m",
            pid = std::process::id()
        );
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(&bin)
            .env("MOTO_ENABLE_RECORDING", "True")
            .env("MOTO_RECORDER_FILEPATH", std::env::temp_dir().join(format!("authdoctor-moto-{port}.log")))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {bin} ({e}): run `bash scripts/test.sh`, which installs moto[server]"));
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "moto_server ({bin}) did not start on port {port}: run `bash scripts/test.sh`, which installs moto[server]"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { endpoint: format!("http://127.0.0.1:{port}"), _watchdog: watchdog }
    })
}

impl Moto {
    pub fn config(&self) -> aws_config::SdkConfig {
        let creds = aws_sdk_ssm::config::Credentials::new("testing", "testing", None, None, "tests");
        rt().block_on(
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                // The SDK is built without its default client: seed moto through authdoctor's own.
                .http_client(authdoctor::source::aws::https_client())
                .region(aws_config::Region::new("us-east-1"))
                .credentials_provider(creds)
                .endpoint_url(&self.endpoint)
                .load(),
        )
    }

    pub fn put_parameter(&self, name: &str, value: &str) {
        let c = aws_sdk_ssm::Client::new(&self.config());
        rt().block_on(
            c.put_parameter()
                .name(name)
                .value(value)
                .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
                .overwrite(true)
                .send(),
        )
        .unwrap_or_else(|e| panic!("put_parameter {name}: {e:?}"));
    }

    /// Many parameters through one client (the scale test seeds hundreds).
    pub fn put_parameters(&self, params: &[(String, String)]) {
        let c = aws_sdk_ssm::Client::new(&self.config());
        rt().block_on(async {
            for (name, value) in params {
                c.put_parameter()
                    .name(name)
                    .value(value)
                    .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
                    .overwrite(true)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("put_parameter {name}: {e:?}"));
            }
        });
    }

    pub fn put_secret(&self, id: &str, value: &str) {
        let c = aws_sdk_secretsmanager::Client::new(&self.config());
        if rt()
            .block_on(c.create_secret().name(id).secret_string(value).send())
            .is_err()
        {
            rt().block_on(c.put_secret_value().secret_id(id).secret_string(value).send())
                .unwrap_or_else(|e| panic!("put_secret_value {id}: {e:?}"));
        }
    }

    pub fn put_binary_secret(&self, id: &str, value: &[u8]) {
        let c = aws_sdk_secretsmanager::Client::new(&self.config());
        rt().block_on(
            c.create_secret()
                .name(id)
                .secret_binary(aws_sdk_secretsmanager::primitives::Blob::new(value))
                .send(),
        )
        .unwrap_or_else(|e| panic!("create_secret {id}: {e:?}"));
    }

    /// The ARN of a Secrets Manager secret (moto adds a random suffix, as AWS does).
    pub fn secret_arn(&self, id: &str) -> String {
        let c = aws_sdk_secretsmanager::Client::new(&self.config());
        rt().block_on(c.describe_secret().secret_id(id).send())
            .unwrap_or_else(|e| panic!("describe_secret {id}: {e:?}"))
            .arn()
            .unwrap_or_default()
            .to_string()
    }

    /// An ECS cluster and a service running task definition FAMILY (one container `app` with
    /// `environment` and `secrets` (name, valueFrom)); its deployment is created now.
    pub fn ecs_service(
        &self,
        cluster: &str,
        service: &str,
        family: &str,
        env: &[(&str, &str)],
        secrets: &[(&str, &str)],
    ) {
        use aws_sdk_ecs::types::{ContainerDefinition, KeyValuePair, Secret};
        let c = aws_sdk_ecs::Client::new(&self.config());
        rt().block_on(async {
            c.create_cluster()
                .cluster_name(cluster)
                .send()
                .await
                .unwrap_or_else(|e| panic!("create_cluster: {e:?}"));
            let mut container = ContainerDefinition::builder()
                .name("app")
                .image("api:latest")
                .memory(256);
            for (k, v) in env {
                container = container.environment(KeyValuePair::builder().name(*k).value(*v).build());
            }
            for (k, v) in secrets {
                container = container.secrets(Secret::builder().name(*k).value_from(*v).build().expect("secret"));
            }
            let td = c
                .register_task_definition()
                .family(family)
                .container_definitions(container.build())
                .send()
                .await
                .unwrap_or_else(|e| panic!("register_task_definition: {e:?}"));
            let arn = td
                .task_definition()
                .and_then(|t| t.task_definition_arn())
                .unwrap_or_default()
                .to_string();
            c.create_service()
                .cluster(cluster)
                .service_name(service)
                .task_definition(arn)
                .desired_count(1)
                .send()
                .await
                .unwrap_or_else(|e| panic!("create_service: {e:?}"));
        });
    }

    /// Start recording requests; `calls` then counts those with this X-Amz-Target whose recorded
    /// request contains `mentioning` (tests share one server and run at the same time, so a test
    /// counts only requests about its own names).
    pub fn start_recording(&self) {
        let _ = http_post(&format!("{}/moto-api/recorder/start-recording", self.endpoint));
    }

    pub fn calls(&self, target: &str, mentioning: &str) -> usize {
        let body = http_get(&format!("{}/moto-api/recorder/download-recording", self.endpoint));
        body.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|r| r["headers"]["X-Amz-Target"] == target)
            .filter(|r| {
                let body = r["body"].as_str().unwrap_or_default();
                let body = if r["body_encoded"] == true {
                    use base64::Engine;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(body)
                        .unwrap_or_default();
                    String::from_utf8_lossy(&bytes).into_owned()
                } else {
                    body.to_string()
                };
                body.contains(mentioning)
            })
            .count()
    }
}

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    })
}

fn http(method: &str, url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    let mut s = TcpStream::connect(host).expect("connect moto");
    let _ = write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}

fn http_get(url: &str) -> String {
    http("GET", url)
}

fn http_post(url: &str) -> String {
    http("POST", url)
}

/// The binary with only moto's test credentials: no profile, config or endpoint from the machine
/// running the tests, and a HOME of its own.
pub fn aws() -> assert_cmd::Command {
    let home = std::env::temp_dir().join("authdoctor-aws-test-home");
    let _ = std::fs::create_dir_all(&home);
    let mut c = super::ad();
    for v in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_ENDPOINT_URL",
    ] {
        c.env_remove(v);
    }
    c.env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1");
    c
}
