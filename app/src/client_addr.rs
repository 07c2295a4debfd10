//! Who is asking: the client address every limit is counted against, by one rule.
//!
//! Behind a proxy of ours (`TRUST_PROXY=true`) it is the **last** `X-Forwarded-For` entry,
//! the one our proxy appended; the entries before it are whatever the client wrote. Without
//! that setting the header is ignored and the connection's peer address counts. IPv6 is
//! counted per /64 (one phone usually owns a whole /64, so single v6 addresses would let it
//! rotate freely); an IPv4-mapped v6 address is its IPv4 address.

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The unit a limit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    pub fn from_ip(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Self(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }

    /// The client of a request from its headers and its connection's peer address.
    /// Without connection info every client shares one key: fail safe, not open.
    pub fn of(headers: &HeaderMap, peer: Option<SocketAddr>, trust_proxy: bool) -> Self {
        if trust_proxy && let Some(ip) = last_forwarded_for(headers) {
            return Self::from_ip(ip);
        }
        Self::from_ip(
            peer.map(|a| a.ip())
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        )
    }

    /// The client of a request's parts (middleware and server functions alike).
    pub fn of_parts(parts: &Parts, trust_proxy: bool) -> Self {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| *a);
        Self::of(&parts.headers, peer, trust_proxy)
    }

    /// The client of the request a server function or page is answering.
    pub fn current(trust_proxy: bool) -> Self {
        match leptos::prelude::use_context::<Parts>() {
            Some(parts) => Self::of_parts(&parts, trust_proxy),
            None => Self::from_ip(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        }
    }
}

/// As stored with login failures: the address, or the /64 network for IPv6.
impl std::fmt::Display for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

fn last_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|s| s.trim().parse::<IpAddr>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn key(s: &str) -> ClientKey {
        ClientKey::from_ip(s.parse().unwrap())
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_v4_as_v4() {
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:10.0.0.1"), key("10.0.0.1"));
        assert_eq!(key("2001:db8:1:2::1").to_string(), "2001:db8:1:2::/64");
        assert_eq!(key("10.0.0.1").to_string(), "10.0.0.1");
    }

    #[test]
    fn forwarded_for_counts_only_behind_our_proxy_and_only_its_last_entry() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 10.0.0.7"),
        );
        assert_eq!(ClientKey::of(&h, Some(peer), true), key("10.0.0.7"));
        assert_eq!(ClientKey::of(&h, Some(peer), false), key("127.0.0.1"));
        // A second header line: its last entry is the proxy's.
        h.append("x-forwarded-for", HeaderValue::from_static("10.0.0.8"));
        assert_eq!(ClientKey::of(&h, Some(peer), true), key("10.0.0.8"));
        // A last entry that is no address is not skipped over to a client-written one.
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, garbage"),
        );
        assert_eq!(ClientKey::of(&h, Some(peer), true), key("127.0.0.1"));
        assert_eq!(
            ClientKey::of(&HeaderMap::new(), None, false),
            key("0.0.0.0")
        );
    }
}
