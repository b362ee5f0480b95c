//! ConfigMaps and Secrets (`ConfigMapDescriber`, `describeSecret`): keys
//! in order (Go's map order is random), Secret values hidden behind their
//! decoded size.

use super::*;

pub(super) fn describe_configmap(o: &Object, w: &mut W) {
    common_meta(w, o);
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    w.text.push_str("\nData\n====\n");
    if let Some(m) = o.field("data").as_object() {
        for (k, v) in m {
            w.text
                .push_str(&format!("{k}:\n----\n{}\n\n", v.as_str().unwrap_or("")));
        }
    }
    w.text.push_str("\nBinaryData\n====\n");
    if let Some(m) = o.field("binaryData").as_object() {
        for (k, v) in m {
            w.text.push_str(&format!(
                "{k}: {} bytes\n",
                base64_len(v.as_str().unwrap_or(""))
            ));
        }
    }
    w.text.push('\n');
}

/// The size of what a base64 text decodes to.
fn base64_len(s: &str) -> usize {
    let s: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let pad = s.iter().rev().take_while(|&&b| b == b'=').count();
    (s.len() / 4) * 3
        + match s.len() % 4 {
            2 => 1,
            3 => 2,
            _ => 0,
        }
        - pad.min((s.len() / 4) * 3)
}

pub(super) fn describe_secret(o: &Object, w: &mut W) {
    common_meta(w, o);
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    let ty = o.field("type").as_str().unwrap_or("Opaque");
    w.text.push_str(&format!("\nType:\t{ty}\n"));
    w.text.push_str("\nData\n====\n");
    // `stringData` is merged into `data` by the API server; a stored
    // object that still carries it counts those bytes too.
    let mut sizes: std::collections::BTreeMap<String, usize> = Default::default();
    if let Some(m) = o.field("data").as_object() {
        for (k, v) in m {
            sizes.insert(k.clone(), base64_len(v.as_str().unwrap_or("")));
        }
    }
    if let Some(m) = o.field("stringData").as_object() {
        for (k, v) in m {
            sizes.insert(k.clone(), v.as_str().unwrap_or("").len());
        }
    }
    for (k, n) in sizes {
        if k == "token" && ty == "kubernetes.io/service-account-token" {
            let v = o.field("data").str_at(&k).unwrap_or("");
            w.text.push_str(&format!("{k}:\t{v}\n"));
        } else {
            w.text.push_str(&format!("{k}:\t{n} bytes\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_sizes() {
        assert_eq!(super::base64_len("cGFzc3dvcmQ="), 8);
        assert_eq!(super::base64_len("YWRtaW4="), 5);
        assert_eq!(super::base64_len("YQ=="), 1);
        assert_eq!(super::base64_len(""), 0);
        assert_eq!(super::base64_len("YWJj"), 3);
    }
}
