//! The QR codes posted in the stairwells (issue 17): the public address a resident's phone can
//! open, and the code drawn as SVG. Pure functions; the corridor pages call them.

use qrcode::{Color, EcLevel, QrCode};

/// Where the codes point: the deployment's public address, and why it may not be one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// `https://linli.example.cn`, no trailing slash.
    pub url: String,
    /// Set by the administrator (`LINLI_PUBLIC_URL`), not guessed from this request.
    pub configured: bool,
    /// A phone outside this machine or its network cannot open it (localhost, a private
    /// address): the page says so before anyone prints.
    pub unreachable: bool,
}

/// A host header fit to be put in an address: letters, digits, `.-:[]` only (anything else is
/// a forged header and is not echoed into a code someone will post on a wall).
fn clean_host(host: &str) -> Option<&str> {
    let host = host.trim();
    let ok = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then_some(host)
}

/// The host part of `scheme://host:port/…` without the port.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or(v6);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Whether a phone on the street cannot reach this host: this machine, or a private network.
pub fn unreachable_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    if h == "localhost" || h.ends_with(".localhost") || h == "::1" || h == "0.0.0.0" {
        return true;
    }
    let Ok(ip) = h.parse::<std::net::Ipv4Addr>() else {
        return false;
    };
    ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified()
}

/// The public address: the configured one, else the address this request came to (with
/// `https` when the request did).
pub fn public_base(configured: Option<&str>, host: Option<&str>, https: bool) -> Option<Base> {
    if let Some(url) = configured.map(str::trim).filter(|u| !u.is_empty()) {
        let url = url.trim_end_matches('/').to_string();
        let unreachable = unreachable_host(host_of(&url));
        return Some(Base { url, configured: true, unreachable });
    }
    let host = clean_host(host?)?;
    let scheme = if https { "https" } else { "http" };
    Some(Base {
        url: format!("{scheme}://{host}"),
        configured: false,
        unreachable: unreachable_host(host_of(host)),
    })
}

/// The page a stairwell's code opens.
pub fn corridor_url(base: &str, corridor_id: i64) -> String {
    format!("{base}/public/corridors/{corridor_id}")
}

/// `data` as a QR code in SVG (error correction M: a code behind glass on a stairwell wall
/// keeps reading with a smudge), scaled by CSS; `None` when it does not fit in a code.
pub fn svg(data: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    // One rectangle per run of dark modules in a row (a third of the bytes of one per module).
    let colors = code.to_colors();
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            let run = x - start;
            path.push_str(&format!("M{} {}h{run}v1h-{run}z", start + quiet, y + quiet));
        }
    }
    let label = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="qr" role="img" aria-label="{label}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_address_wins_and_loses_its_trailing_slash() {
        let b =
            public_base(Some("https://linli.example.cn/"), Some("127.0.0.1:8080"), false).unwrap();
        assert_eq!(b.url, "https://linli.example.cn");
        assert!(b.configured && !b.unreachable);
        assert_eq!(corridor_url(&b.url, 7), "https://linli.example.cn/public/corridors/7");
    }

    #[test]
    fn without_a_setting_the_request_address_is_used_and_a_local_one_is_flagged() {
        let b = public_base(None, Some("127.0.0.1:8080"), false).unwrap();
        assert_eq!(b.url, "http://127.0.0.1:8080");
        assert!(!b.configured && b.unreachable);
        assert!(public_base(None, Some("localhost:8080"), false).unwrap().unreachable);
        assert!(public_base(None, Some("192.168.1.20"), false).unwrap().unreachable);
        assert!(public_base(None, Some("[::1]:8080"), false).unwrap().unreachable);
        let street = public_base(None, Some("sq.example.cn"), true).unwrap();
        assert_eq!(street.url, "https://sq.example.cn");
        assert!(!street.unreachable);
        assert!(public_base(Some("http://10.0.0.5"), None, false).unwrap().unreachable);
    }

    #[test]
    fn a_forged_host_is_not_put_in_a_code() {
        assert_eq!(public_base(None, Some("evil.cn/<script>"), false), None);
        assert_eq!(public_base(None, Some("a b"), false), None);
        assert_eq!(public_base(None, None, false), None);
        assert_eq!(public_base(Some("  "), None, false), None);
    }

    #[test]
    fn the_code_is_square_svg_with_a_quiet_zone_and_an_escaped_label() {
        let s = svg("https://linli.example.cn/public/corridors/7", "1号楼<1单元>").unwrap();
        assert!(s.starts_with("<svg ") && s.ends_with("</svg>"));
        // Version 4 (33 modules) for this length at level M, plus 4 modules of quiet zone on
        // each side.
        assert!(s.contains(r#"viewBox="0 0 41 41""#), "{s}");
        assert!(s.contains("1号楼&lt;1单元&gt;"));
        // The three finder patterns' top rows alone are runs of 7 dark modules.
        assert!(s.contains("M4 4h7v1h-7z"), "{s}");
        assert!(s.matches('M').count() > 100, "the code has dark modules");
    }
}
