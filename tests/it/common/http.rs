//! A small HTTP/1.1 server on 127.0.0.1 for the tests: scripted routes, delays, request counts,
//! and a TLS variant with a self-signed certificate.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Response {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    pub fn status(status: u16) -> Response {
        Response {
            status,
            headers: vec![],
            body: format!("status {status}").into_bytes(),
            delay: Duration::ZERO,
        }
    }
    pub fn redirect(to: &str) -> Response {
        Response {
            status: 302,
            headers: vec![("Location".into(), to.into())],
            body: vec![],
            delay: Duration::ZERO,
        }
    }
    pub fn after(mut self, delay: Duration) -> Response {
        self.delay = delay;
        self
    }
}

pub type Routes = Arc<dyn Fn(&str) -> Response + Send + Sync>;

pub struct Server {
    pub base: String,
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().map(|h| h.get(path).copied().unwrap_or(0)).unwrap_or(0)
    }
}

fn read_request<S: Read>(stream: S) -> Option<String> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_string();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
    }
    Some(path)
}

fn write_response<S: Write>(mut stream: S, r: &Response) {
    let reason = match r.status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n",
        r.status,
        r.body.len()
    );
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&r.body);
    let _ = stream.flush();
}

/// Serve `routes` on a free port until the process ends.
pub fn serve(routes: impl Fn(&str) -> Response + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let routes: Routes = Arc::new(routes);
    let h = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (routes, hits) = (routes.clone(), h.clone());
            std::thread::spawn(move || handle(stream, &routes, &hits));
        }
    });
    Server { base, hits }
}

fn handle(stream: TcpStream, routes: &Routes, hits: &Arc<Mutex<HashMap<String, usize>>>) {
    let Ok(read_half) = stream.try_clone() else { return };
    let Some(path) = read_request(read_half) else { return };
    if let Ok(mut h) = hits.lock() {
        *h.entry(path.clone()).or_default() += 1;
    }
    let r = routes(&path);
    std::thread::sleep(r.delay);
    write_response(stream, &r);
}

/// An HTTPS server whose certificate is self-signed for 127.0.0.1 (so no client trusts it).
pub fn serve_tls(routes: impl Fn(&str) -> Response + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let base = format!("https://{}", listener.local_addr().expect("addr"));
    let cert =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()]).expect("cert");
    let der = cert.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::try_from(cert.signing_key.serialize_der()).expect("key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![der], key)
        .expect("server config");
    let config = Arc::new(config);
    let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let routes: Routes = Arc::new(routes);
    let h = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (routes, hits, config) = (routes.clone(), h.clone(), config.clone());
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut buf = [0u8; 4096];
                // The handshake fails on the client side (unknown issuer); nothing more to serve then.
                if let Ok(n) = tls.read(&mut buf) {
                    let req = String::from_utf8_lossy(&buf[..n]).into_owned();
                    let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
                    if let Ok(mut h) = hits.lock() {
                        *h.entry(path.clone()).or_default() += 1;
                    }
                    write_response(&mut tls, &routes(&path));
                }
            });
        }
    });
    Server { base, hits }
}
