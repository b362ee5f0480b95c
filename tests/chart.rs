//! The lifecycle chart as the CLI writes it: `ordinal run SCRIPT --chart
//! OUT.svg`. A golden SVG for the `web` script, byte-identical runs, the
//! theme and width flags. `UPDATE_GOLDEN=1 cargo test --test chart`
//! rewrites the golden file; review it (open it in a browser) first.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/chart")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .arg("run")
        .args(args)
        .output()
        .expect("run the ordinal CLI")
}

/// Runs the web script with `extra` flags and returns the SVG written.
fn chart(name: &str, extra: &[&str]) -> String {
    let out_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_file(&out_path);
    let script = dir().join("web.script");
    let mut args = vec![
        script.to_str().unwrap(),
        "--chart",
        out_path.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    // The transcript is printed as without --chart.
    let transcript = String::from_utf8(out.stdout).unwrap();
    assert!(transcript.contains("$ kubectl scale statefulset web --replicas=5"));
    std::fs::read_to_string(&out_path).expect("the chart was written")
}

#[test]
fn golden_web_chart() {
    let actual = chart("web.svg", &[]);
    let golden_path = dir().join("web.svg");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &actual).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(&golden_path).unwrap_or_default();
    if actual != golden {
        let actual_path = dir().join("web.actual.svg");
        std::fs::write(&actual_path, &actual).unwrap();
        panic!(
            "chart differs from {} (actual written to {})",
            golden_path.display(),
            actual_path.display()
        );
    }
}

#[test]
fn same_script_and_seed_give_the_same_bytes() {
    let a = chart("a.svg", &["--seed", "7"]);
    let b = chart("b.svg", &["--seed", "7"]);
    assert_eq!(a, b);
    // The web pods appear in ordinal order, with their claims.
    let order: Vec<usize> = [
        "pod/web-0",
        "pod/web-1",
        "pod/web-4",
        "PersistentVolumeClaim/www-web-0",
    ]
    .iter()
    .map(|n| {
        let n = n.replace("pod/", "Pod/");
        a.find(&format!("data-object=\"{n}\""))
            .unwrap_or_else(|| panic!("no row {n}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn theme_and_width_flags() {
    let dark = chart("dark.svg", &["--chart-theme", "dark", "--chart-width=640"]);
    assert!(dark.contains(r#"width="640""#));
    assert!(dark.contains("#0d1117"), "dark background");
    let light = chart("light.svg", &["--chart-theme=light"]);
    assert!(light.contains(r#"width="960""#) && light.contains("#ffffff"));
    for bad in [
        ["--chart-theme", "blue"],
        ["--chart-width", "12"],
        ["--chart-width", "wide"],
    ] {
        let out = run(&[dir().join("web.script").to_str().unwrap(), bad[0], bad[1]]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(bad[0]));
    }
}
