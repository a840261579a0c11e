//! Who is asking: the address rate limits count against. Directly connected, it is the
//! connection's. Behind a proxy the connection is the proxy's, and the visitor's address
//! is in `X-Forwarded-For`, a header anyone can write: it is believed only from proxies the
//! server is told to trust (`LUMEN_TRUSTED_PROXIES`), and only as far as they vouch for it.

use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The visitor's address. `peer` is the connection's. When it is a trusted proxy, the
/// `X-Forwarded-For` entries are read from the right (each proxy appends the address it
/// saw): the first that is not itself a trusted proxy is the visitor. An entry that is not
/// an address ends the reading there, at the last address vouched for.
pub fn visitor(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut nearest = peer;
    for entry in forwarded_for.unwrap_or_default().rsplit(',') {
        let Ok(address) = entry.trim().parse::<IpAddr>() else {
            break;
        };
        nearest = address;
        if !trusted.contains(&address) {
            break;
        }
    }
    nearest
}

/// Puts the visitor's address where the app reads the connection's (`ConnectInfo`), so
/// everything that counts per address counts the visitor, not the proxy.
pub async fn resolve_visitor(trusted: Arc<[IpAddr]>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let address = visitor(peer.ip(), forwarded, &trusted);
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(address, peer.port())));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::visitor;
    use std::net::IpAddr;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy, ip("10.0.0.3")];
        // Directly connected: the header is the visitor's own writing, and ignored.
        assert_eq!(
            visitor(ip("203.0.113.9"), Some("198.51.100.1"), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            visitor(ip("203.0.113.9"), Some("198.51.100.1"), &[]),
            ip("203.0.113.9")
        );
        // Through the proxy: the address it saw.
        assert_eq!(
            visitor(proxy, Some("198.51.100.1"), &trusted),
            ip("198.51.100.1")
        );
        // A visitor who writes the header themselves cannot choose their address: the proxy
        // appends the one it saw, and that is the one read.
        assert_eq!(
            visitor(proxy, Some("1.2.3.4, 198.51.100.1"), &trusted),
            ip("198.51.100.1")
        );
        // Two trusted proxies in a row.
        assert_eq!(
            visitor(proxy, Some("198.51.100.1, 10.0.0.3"), &trusted),
            ip("198.51.100.1")
        );
        // Nothing forwarded, or rubbish: the last address vouched for.
        assert_eq!(visitor(proxy, None, &trusted), proxy);
        assert_eq!(
            visitor(proxy, Some("unknown, 10.0.0.3"), &trusted),
            ip("10.0.0.3")
        );
    }
}
