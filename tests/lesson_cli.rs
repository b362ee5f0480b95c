//! `ordinal lesson ...` end to end, through the built binary: what a
//! teacher grading a class sees, and the exit codes a grading script uses.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn ordinal(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ordinal");
    if let Some(s) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(s.as_bytes())
            .expect("write stdin");
    }
    // Closes stdin (if still open), so the child sees the end of its input.
    child.stdin = None;
    child.wait_with_output().expect("ordinal output")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ordinal-lesson-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn list_and_show() {
    let o = ordinal(&["lesson", "list"], None);
    assert!(o.status.success());
    let out = text(&o.stdout);
    let ids: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "web",
            "zookeeper",
            "cassandra",
            "petset",
            "mysql",
            "hazelcast"
        ]
    );
    let o = ordinal(&["lesson", "show", "mysql", "--lang", "zh"], None);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("1. 初始化容器按顺序运行"));
    let o = ordinal(&["lesson", "show", "mysql", "--lang", "fr"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_lessons_solution_passes_with_exit_0() {
    let o = ordinal(&["lesson", "check", "hazelcast", "--solution"], None);
    assert_eq!(
        text(&o.stdout),
        "✓ 1 One member behind the Service\n✓ 2 Scale to 2\n✓ 3 Scale to 4\n"
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn a_students_partial_script_fails_with_reasons_and_exit_1() {
    // The student stops at 2 and uses files next to the script.
    let dir = temp_dir("partial");
    std::fs::write(
        dir.join("svc.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: hazelcast\nspec:\n  selector:\n    name: hazelcast\n  ports:\n  - port: 5701\n",
    )
    .unwrap();
    let script = dir.join("student.txt");
    std::fs::write(
        &script,
        "kubectl apply -f svc.yaml\nkubectl create -f examples/hazelcast/hazelcast-controller.yaml\nsleep 1m\nkubectl scale rc hazelcast --replicas=2\nsleep 1m\n",
    )
    .unwrap();
    let o = ordinal(
        &["lesson", "check", "hazelcast", script.to_str().unwrap()],
        None,
    );
    assert_eq!(
        text(&o.stdout),
        "✓ 1 One member behind the Service\n✓ 2 Scale to 2\n✗ 3 Scale to 4: ReplicationController hazelcast has 2 ready replicas, not 4\n"
    );
    assert_eq!(o.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unusable_lessons_and_scripts_exit_2() {
    // A script line that cannot be parsed: nothing runs.
    let o = ordinal(
        &["lesson", "check", "web", "-"],
        Some("kubectl get pods\nfrobnicate\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("line 2: unknown directive \"frobnicate\""),
        "{}",
        text(&o.stderr)
    );
    // A lesson file with a mistake: file, line and problem.
    let dir = temp_dir("bad");
    let f = dir.join("mine.yaml");
    std::fs::write(
        &f,
        "id: mine\ntitle: {en: Mine, zh: 我的}\nsummary: {en: S, zh: S}\nsteps:\n  - title: {en: One, zh: 一}\n    text: {en: T, zh: T}\n    solution: kubectl get pods\n    checks:\n      - pod_ready: web-0\n      - statefulset_ready: web\n",
    )
    .unwrap();
    let o = ordinal(
        &["lesson", "check", f.to_str().unwrap(), "--solution"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("mine.yaml:10:9: unknown check kind \"statefulset_ready\""),
        "{err}"
    );
    // A teacher's own, correct file works like a bundled one.
    std::fs::write(
        &f,
        "id: mine\ntitle: {en: Mine, zh: 我的}\nsummary: {en: S, zh: S}\nsteps:\n  - title: {en: A namespace, zh: 一个命名空间}\n    text: {en: Create `team-a`., zh: 创建 `team-a`。}\n    solution: kubectl create namespace team-a\n    checks:\n      - exists: namespace/team-a\n",
    )
    .unwrap();
    let o = ordinal(
        &["lesson", "check", f.to_str().unwrap(), "--solution"],
        None,
    );
    assert_eq!(text(&o.stdout), "✓ 1 A namespace\n");
    assert_eq!(o.status.code(), Some(0));
    let o = ordinal(&["lesson", "check", "no-such-lesson", "--solution"], None);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
