//! The busybox tools, the shell and the probes, across the seeds' pods.

use super::cassandra::cassandra;
use super::mysql::{mysql_cluster, MYSQL_READ_IP};
use super::zk::zk;
use super::*;

#[test]
fn tools_show_mounts_reachability_and_service_env() {
    let mut sim = Sim::new(4);
    mysql_cluster(&mut sim);
    web(&mut sim);
    let m = run(&mut sim, "web-0", "mount | grep html").output;
    assert_eq!(
        m,
        "/dev/sdb on /usr/share/nginx/html type ext4 (rw,relatime)\n"
    );
    let r = run(&mut sim, "web-1", "ping -c 2 web-0.nginx");
    assert_eq!(r.exit_code, 0);
    assert!(r.output.starts_with(
        "PING web-0.nginx (10.244.1.5): 56 data bytes\n64 bytes from 10.244.1.5: seq=0"
    ));
    // A Service's virtual IP does not answer ICMP.
    let r = run(&mut sim, "web-1", "ping -c 1 mysql-read");
    assert_eq!(r.exit_code, 1);
    assert!(r.output.contains("100% packet loss"));
    assert_eq!(
        run(&mut sim, "web-1", "nc -z mysql-read 3306 && echo open").output,
        "open\n"
    );
    assert_eq!(
        run(&mut sim, "web-1", "nc -z web-0.nginx 3306").exit_code,
        1
    );
    assert_eq!(run(&mut sim, "web-1", "wget -qO- web-0.nginx").exit_code, 0);
    run(&mut sim, "web-1", "cd /tmp && wget -q http://web-0.nginx");
    assert!(run(&mut sim, "web-1", "cat /tmp/index.html")
        .output
        .contains("403 Forbidden"));
    // The web pods started after mysql-read existed; the client before nginx.
    assert_eq!(
        run(
            &mut sim,
            "web-0",
            "echo $MYSQL_READ_SERVICE_HOST:$MYSQL_READ_SERVICE_PORT"
        )
        .output,
        format!("{MYSQL_READ_IP}:3306\n")
    );
    assert_eq!(
        run(&mut sim, "web-0", "printenv NGINX_SERVICE_HOST").exit_code,
        1
    );
    assert_eq!(
        run(&mut sim, "web-0", "echo $KUBERNETES_SERVICE_HOST").output,
        "10.96.0.1\n"
    );
}

#[test]
fn date_and_dns_policy() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    assert_eq!(
        run(&mut sim, "web-0", "date").output,
        "Wed Jan  1 00:00:00 UTC 2025\n"
    );
    assert_eq!(
        run(&mut sim, "web-0", "sleep 61; date").output,
        "Wed Jan  1 00:01:01 UTC 2025\n"
    );
    let mut p = sim
        .store
        .get(Kind::Pod, "default", "web-1")
        .unwrap()
        .clone();
    p.spec_mut()["dnsPolicy"] = json!("Default");
    api::update(&mut sim, p, "test").unwrap();
    assert_eq!(run(&mut sim, "web-1", "nslookup web-0.nginx").exit_code, 1);
    assert_eq!(
        run(&mut sim, "web-1", "cat /etc/resolv.conf").output,
        "nameserver 169.254.169.254\n"
    );
}

#[test]
fn shell_expansions_and_redirections() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let cases = [
        ("echo \"$(echo 'a b')\" `hostname`", "a b web-0\n", 0),
        ("echo ${NOPE:-fallback} ${HOSTNAME}", "fallback web-0\n", 0),
        ("X=1; Y=$((X + 41)); echo $Y", "42\n", 0),
        ("cat /nope 2>/dev/null || echo missing", "missing\n", 0),
        ("cat /nope 2>&1 | grep -c x; echo done", "done\n", 0),
        ("echo -n a; echo b", "ab\n", 0),
        ("printf '%s-%s\\n' x y", "x-y\n", 0),
        (
            "for f in $(seq 1 3); do echo $f; done | tail -n 1",
            "3\n",
            0,
        ),
        ("exit 3; echo never", "", 3),
        ("! true", "", 1),
        (
            "mkdir -p /data/d && echo x > /data/d/f && ls /data/d",
            "f\n",
            0,
        ),
        (
            "echo hi > /usr/share/nginx/html/hi.txt; ls /usr/share/nginx/html",
            "hi.txt\n",
            0,
        ),
        (
            "rm /usr/share/nginx/html/hi.txt; ls /usr/share/nginx/html",
            "",
            0,
        ),
        ("echo 'unterminated", "sh: unterminated quoted string\n", 2),
    ];
    for (script, want, code) in cases {
        let r = run(&mut sim, "web-0", script);
        assert_eq!((r.output.as_str(), r.exit_code), (want, code), "{script}");
    }
}

#[test]
fn ls_long_and_df_show_the_claims_volume() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    run(
        &mut sim,
        "web-0",
        "echo hello > /usr/share/nginx/html/index.html",
    );
    assert_eq!(
        run(&mut sim, "web-0", "ls -l /usr/share/nginx/html").output,
        "total 4\n-rw-r--r--    1 root     root               6 Jan  1 00:00 index.html\n"
    );
    let df = run(&mut sim, "web-0", "df -h /usr/share/nginx/html").output;
    assert_eq!(
        df,
        "Filesystem                Size      Used Available Use% Mounted on\n/dev/sdb                  1.0G      4.0K      1.0G   1% /usr/share/nginx/html\n"
    );
    assert_eq!(crate::sim::quantity::value("10Gi"), Some(10 << 30));
}

#[test]
fn curl_through_a_service_port_mapping() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    create(
        &mut sim,
        Kind::Service,
        "web-lb",
        json!({"spec": {"clusterIP": "10.96.9.9", "selector": {"app": "nginx"},
                        "ports": [{"port": 8080, "targetPort": "web"}]}}),
    );
    run(
        &mut sim,
        "web-0",
        "echo zero > /usr/share/nginx/html/index.html",
    );
    run(
        &mut sim,
        "web-1",
        "echo one > /usr/share/nginx/html/index.html",
    );
    let seen: std::collections::BTreeSet<String> = (0..20)
        .map(|_| run(&mut sim, "web-0", "curl -s http://web-lb:8080/").output)
        .collect();
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["one\n", "zero\n"]);
    let r = run(&mut sim, "web-0", "curl web-lb");
    assert_eq!(
        r.output,
        "curl: (7) Failed to connect to web-lb port 80: Connection refused\n"
    );
}

#[test]
fn odd_input_never_panics() {
    let mut sim = Sim::new(6);
    mysql_cluster(&mut sim);
    zk(&mut sim);
    cassandra(&mut sim, &[true]);
    let scripts = [
        "",
        ";",
        "&&",
        "||",
        "|",
        "'",
        "\"",
        "`",
        "$(",
        "$((",
        "$((1/0))",
        "$((",
        "${",
        "${X",
        "echo $((1 +))",
        "cat <",
        "echo >",
        "for",
        "for i in",
        "for i in 1; do",
        "if",
        "if true; then",
        "while",
        "done",
        "fi",
        "(",
        ")",
        "(echo a",
        "echo a)",
        "! ",
        "a=b",
        "=x",
        "echo ééé 🦀 > /tmp/ü; cat /tmp/ü",
        "cd /nope",
        "cd",
        "ls /nope /tmp",
        "rm -rf /",
        "mv",
        "mv a",
        "cp /nope /x",
        "seq",
        "seq 5 1",
        "head -n x",
        "printf",
        "printf %",
        "echo ${X:-",
        "sh -c",
        "bash -c 'echo $((2*3))'",
        "exit x",
        "test",
        "[ 1 -gt ]",
        "[ -d ]",
        "nslookup",
        "dig",
        "host",
        "curl",
        "wget",
        "nc",
        "nc -z",
        "ping",
        "ping -c",
        "df -h /nope",
        "mount",
        "hostname -x",
        "env | head -n 1",
        "mysql -e",
        "mysql -h",
        "mysql -h mysql-0.mysql -e \"'\"",
        "mysql -h mysql-0.mysql -e 'SELECT'",
        "mysql -h mysql-0.mysql -e 'SELECT * FROM'",
        "mysql -h mysql-0.mysql -e 'INSERT INTO'",
        "mysql -h mysql-0.mysql -e 'INSERT INTO t VALUES ('",
        "mysql -h mysql-0.mysql -e 'CREATE TABLE x.'",
        "mysql -h mysql-0.mysql -e 'CREATE DATABASE'",
        "mysql -h mysql-0.mysql -e 'USE'",
        "mysql -h mysql-0.mysql -e 'SELECT 1,,2'",
        "mysql -h mysql-0.mysql -e 'SELECT \"'",
        "mysql -h mysql-0.mysql -e 'DELETE FROM a.b WHERE'",
        "mysql -h mysql-0.mysql -e ';;;'",
        "mysql -h mysql-0.mysql -e 'SELECT `'",
        "mysql -h mysql-0.mysql -e 'SHOW TABLES'",
        "mysql -h mysql-0.mysql -e 'SELECT a AS'",
        "mysql -h mysql-0.mysql -e 'SELECT COUNT(*) FROM'",
    ];
    for pod in ["mysql-client", "mysql-0", "zk-0", "cassandra-0"] {
        for s in scripts {
            let _ = run(&mut sim, pod, s);
        }
    }
    for s in [
        "zkCli.sh",
        "zkCli.sh get",
        "zkCli.sh create",
        "zkCli.sh create /a/b c",
        "zkCli.sh ls",
        "zkCli.sh delete /",
        "zkCli.sh -server",
        "zkServer.sh",
        "echo stat | nc localhost 2181",
        "echo | nc localhost 2181",
    ] {
        let _ = run(&mut sim, "zk-0", s);
    }
    for s in [
        "nodetool",
        "nodetool removenode",
        "nodetool removenode x",
        "cqlsh",
        "cqlsh -e",
        "cqlsh -e 'CREATE KEYSPACE'",
        "cqlsh -e 'DROP KEYSPACE'",
        "cqlsh -e ';'",
    ] {
        let _ = run(&mut sim, "cassandra-0", s);
    }
    // Direct argv without a shell, and an unknown pod.
    for argv in [
        vec![],
        vec!["".to_string()],
        vec!["/".to_string()],
        vec!["sh".to_string(), "-c".to_string()],
    ] {
        let _ = exec_resolving(
            &mut sim,
            &Key::new(Kind::Pod, "default", "zk-0"),
            None,
            &argv,
            &ExecOptions::default(),
            test_resolver,
        );
    }
    let r = exec_resolving(
        &mut sim,
        &Key::new(Kind::Pod, "default", "nope"),
        None,
        &["ls".into()],
        &ExecOptions::default(),
        test_resolver,
    );
    assert_eq!(r.exit_code, 1);
}

#[test]
fn chmod_minus_x_breaks_the_probe_too() {
    let mut sim = Sim::new(2);
    zk(&mut sim);
    let uid = sim
        .store
        .get(Kind::Pod, "default", "zk-1")
        .unwrap()
        .meta
        .uid
        .clone();
    run(&mut sim, "zk-1", "chmod -x /opt/zookeeper/bin/zkOk.sh");
    assert!(sim.faults.unready_pods.contains(&uid));
    let r = run(&mut sim, "zk-1", "zkOk.sh");
    assert_eq!(
        (r.output.as_str(), r.exit_code),
        ("sh: zkOk.sh: Permission denied\n", 126)
    );
    run(&mut sim, "zk-1", "chmod 755 /opt/zookeeper/bin/zkOk.sh");
    assert!(!sim.faults.unready_pods.contains(&uid));
    assert_eq!(run(&mut sim, "zk-1", "zkOk.sh").exit_code, 0);
}

#[test]
fn busybox_nslookup_applet_follows_the_image_tag() {
    use super::net::busybox_nslookup_rewritten as new;
    for old in [
        "busybox:1.28",
        "busybox:1.28.4",
        "docker.io/library/busybox:1.27",
        "busybox:1.27.2-glibc",
    ] {
        assert!(!new(old), "{old}");
    }
    for newer in [
        "busybox",
        "busybox:latest",
        "busybox:1.29",
        "busybox:1.36.1",
        "registry:5000/busybox:1.37",
        "busybox@sha256:ab",
    ] {
        assert!(new(newer), "{newer}");
    }
    // Not busybox: the original shape.
    assert!(!new("nginx:1.27"));
    assert!(!new("registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3"));
}

/// An assignment's value is not split into fields (POSIX, bash, dash,
/// busybox): `x=$(echo a b)` holds "a b", while the same substitution as
/// a command's argument is split. Only words written as `name=…` before
/// the command name assign.
#[test]
fn assignments_take_the_whole_substitution() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    for (script, want) in [
        ("x=$(printf 'a   b'); echo \"$x\"", "a   b\n"),
        ("x=`printf 'a\\nb'`; echo \"$x\"", "a\nb\n"),
        ("y='p q'; x=$y; echo \"[$x]\"", "[p q]\n"),
        ("x=$(echo a b) y=$x; echo \"$y\"", "a b\n"),
        ("x=1$(echo ' 2 ')3; echo \"$x\"", "1 2 3\n"),
        ("for w in $(echo a b); do echo \"[$w]\"; done", "[a]\n[b]\n"),
        ("v='x=1'; $v 2>&1", "sh: x=1: not found\n"),
        ("echo x=$(echo a b)", "x=a b\n"),
    ] {
        let r = run(&mut sim, "web-0", script);
        assert_eq!(r.output, want, "{script}");
    }
}

/// `wc` prints the counts its flags ask for (lines, words, bytes, in that
/// order, letters combined), then the file's name when it read one.
#[test]
fn wc_counts_what_its_flags_ask_for() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    run(
        &mut sim,
        "web-0",
        "printf 'one two\\nthree\\nfour' > /tmp/f",
    );
    for (script, want) in [
        ("wc -c < /tmp/f", "18\n"),
        ("wc -l < /tmp/f", "2\n"),
        ("wc -w < /tmp/f", "4\n"),
        ("wc -lc < /tmp/f", "2 18\n"),
        ("wc -c -l < /tmp/f", "2 18\n"),
        ("wc < /tmp/f", "2 4 18\n"),
        ("wc -l /tmp/f", "2 /tmp/f\n"),
        ("printf 'é' | wc -m", "1\n"),
        ("printf 'é' | wc -c", "2\n"),
    ] {
        let r = run(&mut sim, "web-0", script);
        assert_eq!(r.output, want, "{script}");
    }
}

#[test]
fn printf_reuses_its_format_for_the_arguments_left() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    for (script, want) in [
        ("printf '%s|' a b c", "a|b|c|"),
        ("printf '%s=%s\\n' x 1 y", "x=1\ny=\n"),
        ("printf '%d-' 1 2", "1-2-"),
        ("printf '%d'", "0"),
        ("printf '100%%\\n' a", "100%\n"),
        ("printf 'plain'", "plain"),
    ] {
        let r = run(&mut sim, "web-0", script);
        assert_eq!(r.output, want, "{script}");
    }
}
