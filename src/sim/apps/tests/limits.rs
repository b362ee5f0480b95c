//! The bounds that keep one exec from freezing the page or exhausting its
//! memory: Linux's name limits and the byte budget (`MAX_BYTES`).

use super::*;

/// Names (path components) of every file the pod's own layer holds.
fn layer_names(sim: &Sim) -> Vec<String> {
    sim.container_data
        .values()
        .flat_map(|d| d.keys())
        .flat_map(|k| k.split('/').map(str::to_string).collect::<Vec<_>>())
        .collect()
}

/// Found by the fuzzer (`fuzz/regressions/shell/timeout-edc6c8…`): a loop
/// naming a file after `ls -l` of its own directory, so each name held the
/// previous ones (four times longer per round, gigabytes in 20 s). Linux
/// refuses a name over 255 bytes, so the names stop growing there.
#[test]
fn file_names_past_name_max_are_refused() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let r = run(
        &mut sim,
        "web-0",
        "cd /tmp; for i in 1 2 3 4 5 6 7 8 9 10; do echo $i > \"f$(ls -l)\"; done",
    );
    let names = layer_names(&sim);
    assert!(names.iter().all(|n| n.len() <= 255), "{names:?}");
    // Rounds 1-3 fit (names of 8, 76 and 212 bytes: each holds `ls -l` of
    // the ones before), the other seven are refused.
    let made: Vec<usize> = names
        .iter()
        .filter(|n| n.starts_with("ftotal"))
        .map(|n| n.len())
        .collect();
    assert_eq!(made, [8, 76, 212]);
    assert_eq!(r.output.matches(": File name too long\n").count(), 7);
    assert!(r
        .output
        .starts_with("sh: can't create /tmp/ftotal 12\n-rw-r--r--"));
    assert_eq!(r.exit_code, 1);

    // A path of short components past PATH_MAX (4096 bytes) too.
    let long = format!("/tmp/{}", vec!["d".repeat(200); 21].join("/"));
    let r = run(&mut sim, "web-0", &format!("echo x > {long}"));
    assert_eq!(r.exit_code, 1);
    assert!(r.output.ends_with(": File name too long\n"));
    let long = format!("/tmp/{}", vec!["d".repeat(200); 19].join("/"));
    assert_eq!(
        run(&mut sim, "web-0", &format!("echo x > {long}")).exit_code,
        0
    );
}

/// The fuzzer's input itself, through the fuzz entry, with the base
/// cluster of the target: it returns quickly and leaves no name over
/// `NAME_MAX` behind.
#[test]
fn the_fuzzers_ls_naming_loop_is_bounded() {
    let data = include_bytes!(
        "../../../../fuzz/regressions/shell/timeout-edc6c8a116d11629943b634ff88d05b16a642085"
    );
    let start = std::time::Instant::now();
    crate::sim::fuzzing::shell_target(data);
    assert!(start.elapsed() < std::time::Duration::from_secs(10));

    let mut sim = Sim::new(1);
    web(&mut sim);
    let script = String::from_utf8_lossy(data);
    let r = run(&mut sim, "web-0", &script);
    assert!(r.output.contains("File name too long"));
    assert!(r.output.len() < 1 << 20, "{} bytes", r.output.len());
    let names = layer_names(&sim);
    assert!(names.iter().all(|n| n.len() <= 255));
    let stored: usize = sim
        .container_data
        .values()
        .flat_map(|d| d.iter())
        .map(|(k, v)| k.len() + v.len())
        .sum();
    assert!(stored < 64 << 10, "{stored} bytes stored");
}

/// `x=$x$x` doubles a variable each round: 64 rounds would be 2^65 bytes.
/// The exec stops at `MAX_BYTES` as if interrupted, as at the command
/// limit; ten rounds (2 KiB) are fine.
#[test]
fn doubling_a_variable_stops_at_the_byte_budget() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let r = run(
        &mut sim,
        "web-0",
        "x=ab; for i in 1 2 3 4 5 6 7 8 9 10; do x=$x$x; done; echo $x",
    );
    assert_eq!(r.output, format!("{}\n", "ab".repeat(1024)));
    for body in [
        "x=$x$x",
        "x=\"$x$x\"",
        "x=`echo $x$x`",
        "x=$(echo \"$x$x\")",
    ] {
        let r = run(
            &mut sim,
            "web-0",
            &format!("x=ab; for i in $(seq 64); do {body}; done; echo after"),
        );
        assert_eq!(r.exit_code, 130, "{body}");
        assert_eq!(r.output, "^C\n", "{body}");
    }
}

/// Files doubled with `cat f f > g; mv g f`, copied in a loop, or printed
/// over and over: each stops at the budget, with what was printed before.
#[test]
fn doubling_files_and_output_floods_stop_at_the_byte_budget() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let r = run(
        &mut sim,
        "web-0",
        "echo abcdefgh > /tmp/f; for i in $(seq 64); do cat /tmp/f /tmp/f > /tmp/g; mv /tmp/g /tmp/f; done; echo after",
    );
    assert_eq!((r.exit_code, r.output.as_str()), (130, "^C\n"));
    let biggest = sim
        .container_data
        .values()
        .flat_map(|d| d.values())
        .map(String::len)
        .max()
        .unwrap_or(0);
    assert!(biggest <= MAX_BYTES, "{biggest}");

    let r = run(
        &mut sim,
        "web-0",
        "seq 10000 > /tmp/s; for i in $(seq 5000); do cp /tmp/s /tmp/s$i; done; echo after",
    );
    assert_eq!((r.exit_code, r.output.as_str()), (130, "^C\n"));
    let copies = layer_names(&sim)
        .iter()
        .filter(|n| n.starts_with('s'))
        .count();
    assert!((10..200).contains(&copies), "{copies} copies");

    let r = run(
        &mut sim,
        "web-0",
        "for i in $(seq 1000); do seq 10000; done; echo after",
    );
    assert_eq!(r.exit_code, 130);
    assert!(r.output.starts_with("1\n2\n3\n"));
    assert!(r.output.ends_with("10000\n^C\n"));
    assert!(r.output.len() <= MAX_BYTES + 50_000);
    assert!(!r.output.contains("after"));

    // `cat` of the same file many times stops reading at the budget.
    let many = vec!["/tmp/s"; 2000].join(" ");
    let r = run(&mut sim, "web-0", &format!("cat {many} | wc -l"));
    assert_eq!(r.exit_code, 130);
    assert!(r.output.len() < 100, "{}", r.output.len());
}

/// `is_dir` answers from key ranges; it must agree with the definition
/// it replaced (a mount point, or a file listed under the path), over the
/// container layer, the image, a claim's volume and files beside a mount.
#[test]
fn is_dir_agrees_with_listing_every_file() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let r = run(
        &mut sim,
        "web-0",
        "mkdir -p /tmp/a/b; echo 1 > /tmp/a/b/c; echo 2 > /usr/share/nginx/html/x; \
         mkdir /usr/share/nginx/html/d; echo 3 > /usr/share/nginx/html/d/e; \
         echo 4 > /usr/share/other; echo 5 > /opt/f; rm /opt/f; echo 6 > /optx",
    );
    assert_eq!(r.exit_code, 0, "{}", r.output);
    let pod = sim
        .store
        .get(Kind::Pod, "default", "web-0")
        .unwrap()
        .clone();
    let c = "nginx";
    let mounts: Vec<String> = fs::container_spec(&pod, c)
        .unwrap()
        .array_at("volumeMounts")
        .iter()
        .filter_map(|m| m.str_at("mountPath").map(|p| fs::normalize("/", p)))
        .collect();
    for path in [
        "/tmp/a",
        "/tmp/a/b",
        "/tmp/a/b/c",
        "/tmp/a/",
        "/tmp/ab",
        "/usr/share",
        "/usr/share/nginx",
        "/usr/share/nginx/html",
        "/usr/share/nginx/html/d",
        "/usr/share/nginx/html/x",
        "/usr/share/nginx/html/nope",
        "/usr/share/nginx/htm",
        "/usr/share/other",
        "/opt",
        "/optx",
        "/etc",
        "/nope",
        "/usr/sbin",
    ] {
        let p = fs::normalize("/", path);
        let listed = mounts.contains(&p) || !fs::files_under(&sim, &pod, c, &p).is_empty();
        let base = ["/", "/etc", "/tmp", "/usr", "/usr/sbin"].contains(&p.as_str());
        assert_eq!(fs::is_dir(&sim, &pod, c, path), listed || base, "{path}");
    }
}

/// Creating a file used to list every file of the container first (is it
/// a directory?), so N files cost N^2: 3,000 into a volume took 24 s in a
/// debug build. Now they are made in a blink; listing a directory still
/// walks every file, and `ls` in a loop over thousands of them stops at
/// the byte budget like any other flood.
#[test]
fn many_files_are_linear_and_listing_them_in_a_loop_is_bounded() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let start = std::time::Instant::now();
    let r = run(
        &mut sim,
        "web-0",
        "for i in $(seq 3000); do echo $i > /usr/share/nginx/html/f$i; touch /tmp/t$i; done; \
         cat /usr/share/nginx/html/f2999; ls /tmp | wc -l",
    );
    assert_eq!(r.output, "2999\n3000\n");
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    let r = run(
        &mut sim,
        "web-0",
        "for i in $(seq 3000); do ls / > /dev/null; done; echo after",
    );
    assert_eq!((r.exit_code, r.output.as_str()), (130, "^C\n"));
}

/// Found by the fuzzer (`fuzz/regressions/shell/timeout-5f1a1fa5…`): a
/// `while  do …; done` with no condition, whose body ran `cp "" q` in
/// pipelines. bash refuses the empty condition; and `cp ""` named the
/// working directory `/`, so every round copied the whole filesystem into
/// `q` (doubling it) until the byte budget ran out.
#[test]
fn the_fuzzers_empty_while_and_cp_of_nothing() {
    let data = include_bytes!(
        "../../../../fuzz/regressions/shell/timeout-5f1a1fa598e0bc427be5d20d67342fc0ae30345d"
    );
    crate::sim::fuzzing::shell_target(data);
    let mut sim = Sim::new(1);
    web(&mut sim);
    let script = String::from_utf8_lossy(data);
    let r = run(&mut sim, "web-0", &script);
    assert_eq!(
        (r.output.as_str(), r.exit_code),
        ("sh: syntax error near unexpected token `do'\n", 2)
    );
    // With a condition, it runs its five rounds, and copies nothing.
    let looped = script.replacen("while  do", "while true; do", 1);
    let r = run(&mut sim, "web-0", &looped);
    assert_eq!(r.exit_code, 130);
    assert!(r
        .output
        .contains("cp: can't stat '': No such file or directory\n"));
    assert!(!layer_names(&sim).iter().any(|n| n == "q"));
}

/// busybox `cp` copies a directory only with `-r`/`-R`/`-a`; an empty
/// operand is no file (ENOENT), not the working directory.
#[test]
fn cp_of_a_directory_needs_r_and_an_empty_name_is_no_file() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    run(&mut sim, "web-0", "mkdir -p /tmp/d; echo x > /tmp/d/f");
    for (script, want, code) in [
        ("cp /tmp/d /tmp/e", "cp: omitting directory '/tmp/d'\n", 1),
        (
            "cp '' /tmp/e",
            "cp: can't stat '': No such file or directory\n",
            1,
        ),
        (
            "cp /tmp/d/f ''",
            "cp: can't create '': No such file or directory\n",
            1,
        ),
        ("cp -r /tmp/d /tmp/e; cat /tmp/e/f", "x\n", 0),
        ("cp -a /tmp/d /tmp/g; cat /tmp/g/f", "x\n", 0),
        ("mv /tmp/g /tmp/h; cat /tmp/h/f", "x\n", 0),
    ] {
        let r = run(&mut sim, "web-0", script);
        assert_eq!((r.output.as_str(), r.exit_code), (want, code), "{script}");
    }
}

/// A loop of small copies stopped at the 20,000-command limit stays cheap
/// (about 70 ms in an optimised build; a debug build is slower).
#[test]
fn a_copy_loop_to_the_command_limit_is_bounded() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let start = std::time::Instant::now();
    let r = run(
        &mut sim,
        "web-0",
        "echo x > /tmp/f; for i in $(seq 100); do for j in $(seq 100); do \
         cp /tmp/f /tmp/g | cp /tmp/f /tmp/h; done; done",
    );
    assert_eq!(r.exit_code, 130);
    assert!(r.output.ends_with("^C\n"));
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn the_fuzzers_endless_sleep_stops_the_clock_at_year_9999() {
    // fuzz/regressions/shell/crash-61cfd335…: a sleep of 10^56 seconds
    // overflowed the exec's clock.
    let mut sim = Sim::new(1);
    web(&mut sim);
    let out = run(
        &mut sim,
        "web-0",
        "sleep 144444444444444444444444444444444444444444444444444444444; date; sleep 1e300; sleep inf; date",
    );
    assert_eq!(out.exit_code, 0, "{}", out.output);
    assert_eq!(
        out.output,
        "Fri Dec 31 23:59:59 UTC 9999\nFri Dec 31 23:59:59 UTC 9999\n"
    );
    // An ordinary sleep still moves the clock.
    assert_eq!(
        run(&mut sim, "web-0", "sleep 2; date").output,
        "Wed Jan  1 00:00:02 UTC 2025\n"
    );
}

/// Found by the fuzzer (`fuzz/regressions/shell/slow-unit-3847ef…` and
/// `slow-unit-5aeccd…`): nested loops that ran `cp -r` of the whole
/// filesystem into a directory under it, 17 times, each copy holding the
/// ones before: 76,000 files written, over a second in the fuzzer's build.
/// Each file copied now costs at least a 4 KiB block of the byte budget,
/// so a tree copied into itself stops at the budget (^C) after about two
/// thousand files; an ordinary `cp -r` is unchanged.
#[test]
fn copying_a_tree_into_itself_stops_at_the_byte_budget() {
    for data in [
        &include_bytes!(
            "../../../../fuzz/regressions/shell/slow-unit-3847ef9ae5d7a8f61c8b628e073f6a67649f23f9"
        )[..],
        include_bytes!(
            "../../../../fuzz/regressions/shell/slow-unit-5aeccd760b0bbc6ff97e30c387d49086172c90fb"
        ),
    ] {
        crate::sim::fuzzing::shell_target(data);
    }
    let mut sim = Sim::new(1);
    web(&mut sim);
    let files = |sim: &Sim| sim.container_data.values().map(|d| d.len()).sum::<usize>();
    let before = files(&sim);
    let r = run(
        &mut sim,
        "web-0",
        "mkdir -p /tmp/d; for i in $(seq 20); do echo $i > /tmp/d/f$i; done; \
         for r in 1 2 3 4 5 6 7 8 9 10 11 12; do cp -r / /tmp/d/c$r; done; echo after",
    );
    assert_eq!((r.exit_code, r.output.as_str()), (130, "^C\n"));
    let made = files(&sim) - before;
    assert!(
        (20..=20 + (8 << 20) / 4096).contains(&made),
        "{made} files written"
    );
    // A copy within the budget copies every file.
    let r = run(
        &mut sim,
        "web-0",
        "mkdir -p /tmp/s; for i in $(seq 300); do echo $i > /tmp/s/f$i; done; \
         cp -r /tmp/s /tmp/e; ls /tmp/e | wc -l; cat /tmp/e/f299",
    );
    assert_eq!((r.exit_code, r.output.as_str()), (0, "300\n299\n"));
}
