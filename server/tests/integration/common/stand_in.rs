//! Starting a local stand-in (`scripts/test-*-server`): each prints `PORT=<n>` once it
//! listens on 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Runs `command` and waits for the port it says it listens on; `expect` says what must
/// be installed when it does not start.
pub fn start(mut command: Command, expect: &str) -> (Child, u16) {
    let mut child = command.stdout(Stdio::piped()).spawn().expect(expect);
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("PORT=")
        .unwrap_or_else(|| panic!("{command:?} said {line:?}"))
        .parse()
        .unwrap();
    (child, port)
}
