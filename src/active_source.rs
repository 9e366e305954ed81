//! Where the active version came from (rustup's "active source"): the request's source, or
//! the go line that raised it, in words and in JSON, the same for `list`, `current`, `which`
//! and `prune`.

use gover_shim::resolve::Request;
use gover_shim::{GoVersion, Source, Spec};
use serde_json::json;

/// Where a version request came from, in JSON.
fn source_json(source: &Source) -> serde_json::Value {
    match source {
        Source::Env => json!({"kind": "env", "name": "GOVER_VERSION"}),
        Source::File { path, line } => json!({"kind": "file", "path": path, "line": line}),
        Source::Global { path } => json!({"kind": "global", "path": path}),
        Source::Argument => json!({"kind": "argument"}),
        Source::Fallback => json!({"kind": "fallback"}),
    }
}

/// What decided that `version` (`None`: the system go) runs, as `list`, `current` and `which`
/// print it in JSON: the request's source, or the `go` line that raised it above the request
/// (which `raised_from` names).
pub fn origin_json(request: &Request, version: Option<&GoVersion>) -> serde_json::Value {
    match version.and_then(|v| request.raised_by(v)) {
        Some(min) => json!({
            "kind": "go_line",
            "path": min.path,
            "line": min.line,
            "go": Spec::Exact(min.version.clone()).to_string(),
            "raised_from": {"spec": request.spec.to_string(), "source": source_json(&request.source)},
        }),
        None => source_json(&request.source),
    }
}

/// The same in words: `set by /src/app/.go-version`, or `the go 1.22 line of /src/app/go.mod
/// raised it from 1.21, which /src/app/.go-version asks for`, as doctor's
/// versions.pin-below-go-line says.
pub fn origin_text(request: &Request, version: &GoVersion) -> String {
    match request.raised_by(version) {
        Some(min) => format!(
            "the go {} line of {} raised it from {}, which {} asks for",
            Spec::Exact(min.version.clone()),
            min.path.display(),
            request.spec,
            request.source
        ),
        None => format!("set by {}", request.source),
    }
}
