//! Static assets, embedded in the binary (no CDN, nothing to install beside it).

use crate::routes::{Policy, Table};
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

struct Asset {
    name: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "linli.css",
        mime: "text/css; charset=utf-8",
        body: include_bytes!("../assets/linli.css"),
    },
    Asset {
        name: "picker.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/picker.js"),
    },
    Asset {
        name: "print.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/print.js"),
    },
    Asset {
        name: "favicon.svg",
        mime: "image/svg+xml",
        body: include_bytes!("../assets/favicon.svg"),
    },
];

fn etag(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("\"{}\"", &hex::encode(Sha256::digest(body))[..16])
}

async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(a) = ASSETS.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let tag = etag(a.body);
    let fresh =
        headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == tag);
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, a.mime)], a.body).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/assets/{name}", Policy::Public, asset)
}
