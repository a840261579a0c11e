//! A real SMTP server for the tests (`scripts/test-smtp-server`, aiosmtpd): the app's own
//! SMTP client talks to it, and the tests read what it received, parsed by Python's MIME
//! parser into one JSON file per message.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const USER: &str = "lumen";
pub const PASSWORD: &str = "smtp-test-password";

pub struct SmtpServer {
    child: Option<Child>,
    pub port: u16,
    dir: PathBuf,
    auth: bool,
}

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received(pub Value);

impl Received {
    pub fn to(&self) -> Vec<String> {
        self.0["rcpt_tos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    pub fn header(&self, name: &str) -> String {
        self.0["headers"][name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} header in {}", self.0))
            .to_owned()
    }

    /// The part of `content_type`, such as `text/plain`.
    pub fn part(&self, content_type: &str) -> &Value {
        self.0["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["content_type"] == content_type)
            .unwrap_or_else(|| panic!("no {content_type} part in {}", self.0))
    }

    pub fn text_of(&self, content_type: &str) -> String {
        self.part(content_type)["text"]
            .as_str()
            .unwrap()
            .replace("\r\n", "\n")
    }
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/test-smtp-server")
}

impl SmtpServer {
    /// A server requiring this module's user and password.
    pub fn start() -> SmtpServer {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("lumen-smtp-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut server = SmtpServer {
            child: None,
            port: 0,
            dir,
            auth: true,
        };
        server.run(None);
        server
    }

    fn run(&mut self, port: Option<u16>) {
        let mut command = Command::new(script());
        command.arg(&self.dir);
        if let Some(port) = port {
            command.arg("--port").arg(port.to_string());
        }
        if self.auth {
            command.args(["--user", USER, "--password", PASSWORD]);
        }
        let (child, port) = super::stand_in::start(
            command,
            "scripts/test-smtp-server starts (python3-aiosmtpd is installed by scripts/setup)",
        );
        self.port = port;
        self.child = Some(child);
    }

    /// The URL Lumen is configured with (plain SMTP with authentication, on loopback).
    pub fn url(&self) -> String {
        format!("smtp://{USER}:{PASSWORD}@127.0.0.1:{}", self.port)
    }

    /// Takes the server down (the provider is unreachable until `restart`).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Brings the server back on the same port, keeping what it had received.
    pub fn restart(&mut self) {
        self.stop();
        let port = self.port;
        self.run(Some(port));
    }

    /// Everything received so far, in the order it arrived.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|entries| entries.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|e| e == "json"));
        names.sort();
        names
            .iter()
            .map(|p| Received(serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
