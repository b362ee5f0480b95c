//! Built-in manifests: the seeds' systems (to be written).

/// The built-in copy of a `https://k8s.io/examples/...` manifest, if
/// Ordinal ships it. (Stub added by the kubectl helper; the manifest
/// helper owns this file and fills it.)
pub fn builtin_url(_url: &str) -> Option<&'static str> {
    None
}
