//! Built-in manifests: the seeds' systems (to be written).
