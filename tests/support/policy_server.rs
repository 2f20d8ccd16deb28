//! A policy server for tests, speaking the remote-policy protocol over plain HTTP: it serves
//! a linear controller, the same one `CONTROLLER` writes as a linear policy file, so a test can
//! run it remotely and in-process and compare.
// Each test file uses the part of it that it needs.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

/// The controller as a linear policy file: storage follows the industrial load and the wind.
pub const CONTROLLER: &str = r#"LinearPolicy(
    observation: ["load_ind.p_mw", "wind.available_mw"],
    action: ["storage.p_mw"],
    weights: [[0.3, -0.2]],
    bias: [1.0],
)"#;

/// The controller's action for a POST body, as the protocol answers it.
fn act(body: &str) -> String {
    let request: serde_json::Value = serde_json::from_str(body).unwrap();
    let obs = &request["observation"];
    let load = obs["load_ind.p_mw"].as_f64().unwrap();
    let wind = obs["wind.available_mw"].as_f64().unwrap();
    serde_json::json!({"action": {"storage.p_mw": 1.0 + 0.3 * load - 0.2 * wind}}).to_string()
}

/// What the server answers: the controller, or something wrong.
#[derive(Clone, Copy, PartialEq)]
pub enum Behaviour {
    Controller,
    /// Lists an observation component the network does not have.
    UnknownComponent,
    /// Answers a POST with something that is not JSON.
    NotJson,
    /// Answers a POST without the action it listed.
    MissingAction,
}

/// Serves on a free port of 127.0.0.1 until it has answered `actions` POSTs, then stops
/// listening; returns the address.
pub fn serve(behaviour: Behaviour, actions: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut answered = 0;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (method, body) = read_request(&mut stream);
            answered += usize::from(method == "POST");
            let answer = match (method.as_str(), behaviour) {
                ("GET", Behaviour::UnknownComponent) => {
                    r#"{"observation": ["bus9.vm_pu"], "action": ["storage.p_mw"]}"#.to_string()
                }
                ("GET", _) => {
                    r#"{"observation": ["load_ind.p_mw", "wind.available_mw"], "action": ["storage.p_mw"]}"#
                        .to_string()
                }
                (_, Behaviour::NotJson) => "<html>hello</html>".to_string(),
                (_, Behaviour::MissingAction) => r#"{"action": {}}"#.to_string(),
                _ => act(&body),
            };
            let _ = write!(
                stream,
                "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
                answer.len()
            );
            if answered == actions {
                break;
            }
        }
    });
    address
}

fn read_request(stream: &mut std::net::TcpStream) -> (String, String) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let method = line
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        if header.trim().is_empty() {
            break;
        }
        if let Some(value) = header.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (method, String::from_utf8(body).unwrap())
}
