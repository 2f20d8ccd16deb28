//! A small HTTP/1.1 client on the standard library, for remote policies on localhost or a
//! given host: one request per connection (`Connection: close`), with a timeout on every part
//! of it. Plain `http://` only.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Where requests go.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpUrl {
    pub host: String,
    pub port: u16,
    pub path: String,
}

impl HttpUrl {
    /// Reads `http://host[:port][/path]`.
    pub fn parse(url: &str) -> Result<HttpUrl, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("'{url}' is not an http:// address"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => {
                let port = port
                    .parse()
                    .map_err(|_| format!("'{url}': '{port}' is not a port number"))?;
                (host, port)
            }
            None => (authority, 80),
        };
        if host.is_empty() {
            return Err(format!("'{url}' names no host"));
        }
        Ok(HttpUrl {
            host: host.to_string(),
            port,
            path: path.to_string(),
        })
    }
}

/// Sends a request (a JSON body for POST) and returns the body of a 200 answer.
pub fn request(
    url: &HttpUrl,
    method: &str,
    body: Option<&str>,
    timeout: Duration,
) -> Result<String, String> {
    let address = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot find {}: {e}", url.host))?
        .next()
        .ok_or_else(|| format!("cannot find {}", url.host))?;
    let mut stream = TcpStream::connect_timeout(&address, timeout)
        .map_err(|e| format!("cannot connect to {}:{}: {e}", url.host, url.port))?;
    let no_answer = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
            format!("no answer within {:.1} s", timeout.as_secs_f64())
        }
        _ => format!("the connection failed: {e}"),
    };
    stream.set_read_timeout(Some(timeout)).map_err(no_answer)?;
    stream.set_write_timeout(Some(timeout)).map_err(no_answer)?;
    let body = body.unwrap_or("");
    let head = format!(
        "{method} {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        url.path,
        url.host,
        url.port,
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .map_err(no_answer)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(no_answer)?;
    parse_answer(&answer)
}

/// The body of an answer, if its status is 200.
fn parse_answer(answer: &[u8]) -> Result<String, String> {
    let text = String::from_utf8_lossy(answer);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return Err("the answer is not HTTP".to_string());
    };
    let status = head.lines().next().unwrap_or_default();
    let code = status.split_whitespace().nth(1).unwrap_or_default();
    if code != "200" {
        let body: String = body.chars().take(200).collect();
        return Err(format!("the server answered '{status}' {body}")
            .trim()
            .to_string());
    }
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        return Err("the server answered in chunks; send a Content-Length".to_string());
    }
    Ok(body.to_string())
}

/// How long a remote policy may take to answer.
pub const POLICY_TIMEOUT: Duration = Duration::from_secs(5);

/// HTTP for a remote policy: GET and POST at its address.
pub struct HttpTransport {
    url: HttpUrl,
}

impl HttpTransport {
    pub fn new(address: &str) -> Result<Self, String> {
        Ok(HttpTransport {
            url: HttpUrl::parse(address).map_err(|e| format!("remote policy {e}"))?,
        })
    }
}

impl crate::agent::Transport for HttpTransport {
    fn get(&mut self) -> Result<String, String> {
        request(&self.url, "GET", None, POLICY_TIMEOUT)
    }

    fn post(&mut self, body: &str) -> Result<String, String> {
        request(&self.url, "POST", Some(body), POLICY_TIMEOUT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_or_refused_with_the_reason() {
        let url = HttpUrl::parse("http://127.0.0.1:8765/policy").unwrap();
        assert_eq!(
            (url.host.as_str(), url.port, url.path.as_str()),
            ("127.0.0.1", 8765, "/policy")
        );
        assert_eq!(HttpUrl::parse("http://localhost").unwrap().path, "/");
        assert!(
            HttpUrl::parse("https://x")
                .unwrap_err()
                .contains("not an http://")
        );
        assert!(
            HttpUrl::parse("http://x:port")
                .unwrap_err()
                .contains("not a port")
        );
    }

    #[test]
    fn only_a_200_answer_gives_its_body() {
        let ok = b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(parse_answer(ok).unwrap(), "{}");
        let bad = b"HTTP/1.0 500 Internal Server Error\r\n\r\nboom";
        assert!(parse_answer(bad).unwrap_err().contains("500"));
        assert!(parse_answer(b"garbage").is_err());
    }
}
