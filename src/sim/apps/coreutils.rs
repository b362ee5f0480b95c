//! The coreutils a busybox image carries: `cat`, `ls`, `chmod`, `rm`,
//! `mv` and `cp`, over the container's files (`fs.rs`).

use super::*;

impl Proc<'_> {
    pub(super) fn cat(&mut self, args: &[String], stdin: &str) -> Out {
        let files: Vec<&String> = args
            .iter()
            .filter(|a| !a.starts_with('-') || *a == "-")
            .collect();
        if files.is_empty() {
            return Out::ok(stdin);
        }
        let mut out = Out::default();
        for f in files {
            if self.over_limit() {
                // `cat big big big ...`: stop reading (see `MAX_BYTES`).
                break;
            }
            if f == "-" {
                out.chunks.push((false, stdin.to_string()));
                continue;
            }
            let p = self.path(f);
            match self.read_file(&p) {
                Some(s) => out.chunks.push((false, s)),
                None if fs::is_dir(self.sim, &self.pod, &self.container, &p) => {
                    out.chunks
                        .push((true, "cat: read error: Is a directory\n".to_string()));
                    out.code = 1;
                }
                None => {
                    out.chunks.push((
                        true,
                        format!("cat: can't open '{f}': No such file or directory\n"),
                    ));
                    out.code = 1;
                }
            }
        }
        out
    }

    /// What a copied file costs of `MAX_BYTES` at least: a filesystem gives
    /// every file a block of its own (4 KiB on ext4).
    const FS_BLOCK: usize = 4096;

    /// Listing a directory walks every file the container sees (its layer
    /// and its volumes): that counts towards `MAX_BYTES`, 64 bytes a file,
    /// so `ls` in a loop over thousands of files stops like any other
    /// flood.
    fn charge_scan(&self) {
        let mut files = self
            .sim
            .container_data
            .get(&self.pod.meta.uid)
            .map_or(0, |d| d.len());
        if let Some(c) = fs::container_spec(&self.pod, &self.container) {
            for m in c.array_at("volumeMounts") {
                let mp = m.str_at("mountPath").unwrap_or("/");
                if let fs::Loc::Volume { pv, .. } =
                    fs::locate(&self.sim.store, &self.pod, &self.container, mp)
                {
                    files += self.sim.volume_data.get(&pv).map_or(0, |d| d.len());
                }
            }
        }
        self.charge(64 * files);
    }

    /// busybox `ls [-a] [-l] [PATH...]`, one name per line (no terminal
    /// columns).
    pub(super) fn ls(&mut self, args: &[String]) -> Out {
        let flags: String = args
            .iter()
            .filter(|a| a.starts_with('-'))
            .flat_map(|a| a.chars())
            .collect();
        let all = flags.contains('a');
        let long = flags.contains('l');
        let mut paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let cwd = self.cwd.clone();
        if paths.is_empty() {
            paths.push(&cwd);
        }
        let many = paths.len() > 1;
        let mut out = Out::default();
        for (n, a) in paths.iter().enumerate() {
            let p = self.path(a);
            if let Some(content) = self.read_file(&p) {
                let line = if long {
                    ls_long(a, Some(content.len()))
                } else {
                    format!("{a}\n")
                };
                out.chunks.push((false, line));
                continue;
            }
            if !fs::is_dir(self.sim, &self.pod, &self.container, &p) {
                out.chunks
                    .push((true, format!("ls: {a}: No such file or directory\n")));
                out.code = 1;
                continue;
            }
            if many {
                out.chunks
                    .push((false, format!("{}{a}:\n", if n > 0 { "\n" } else { "" })));
            }
            self.charge_scan();
            let entries = fs::list_dir(self.sim, &self.pod, &self.container, &p);
            if long {
                out.chunks
                    .push((false, format!("total {}\n", entries.len() * 4)));
            }
            let mut names = String::new();
            for name in entries.into_iter().filter(|n| all || !n.starts_with('.')) {
                if long {
                    let full = format!("{}/{name}", p.trim_end_matches('/'));
                    let size = self.read_file(&full).map(|c| c.len());
                    names.push_str(&ls_long(&name, size));
                } else {
                    names.push_str(&format!("{name}\n"));
                }
            }
            out.chunks.push((false, names));
        }
        out
    }

    /// `chmod MODE FILE...`: only the execute bit is modelled (it decides
    /// whether a probe's program can run).
    pub(super) fn chmod(&mut self, args: &[String]) -> Out {
        let [mode, files @ ..] = args else {
            return Out::err("BusyBox: usage: chmod MODE FILE...\n", 1);
        };
        if files.is_empty() {
            return Out::err("BusyBox: usage: chmod MODE FILE...\n", 1);
        }
        let exec = if mode.chars().all(|c| c.is_ascii_digit()) {
            // The owner's digit (root owns image files).
            let owner = mode
                .chars()
                .rev()
                .nth(2)
                .and_then(|c| c.to_digit(8))
                .unwrap_or(0);
            Some(owner % 2 == 1)
        } else if mode.contains("-x") || mode.ends_with("-rwx") {
            Some(false)
        } else if mode.contains("+x") || mode.contains("=rwx") {
            Some(true)
        } else {
            None
        };
        let mut out = Out::default();
        for f in files {
            let p = self.path(f);
            if self.read_file(&p).is_none() && !fs::is_dir(self.sim, &self.pod, &self.container, &p)
            {
                out.chunks
                    .push((true, format!("chmod: {f}: No such file or directory\n")));
                out.code = 1;
                continue;
            }
            if let Some(e) = exec {
                fs::set_executable(self.sim, &self.pod, &self.container, &p, e);
            }
        }
        self.check_readiness_probe();
        out
    }

    pub(super) fn rm(&mut self, args: &[String]) -> Out {
        let recursive = args
            .iter()
            .any(|a| a.starts_with('-') && (a.contains('r') || a.contains('R')));
        let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
        let mut out = Out::default();
        for a in args.iter().filter(|a| !a.starts_with('-')) {
            let p = self.path(a);
            let removed = fs::remove(self.sim, &self.pod, &self.container, &p);
            match removed {
                Ok(true) => {}
                Ok(false) if fs::is_dir(self.sim, &self.pod, &self.container, &p) => {
                    if !recursive {
                        out.chunks
                            .push((true, format!("rm: '{a}' is a directory\n")));
                        out.code = 1;
                        continue;
                    }
                    self.charge_scan();
                    for f in fs::files_under(self.sim, &self.pod, &self.container, &p) {
                        let _ = fs::remove(self.sim, &self.pod, &self.container, &f);
                    }
                    let _ = fs::remove(self.sim, &self.pod, &self.container, &format!("{p}/.keep"));
                }
                Ok(false) if !force => {
                    out.chunks.push((
                        true,
                        format!("rm: can't remove '{a}': No such file or directory\n"),
                    ));
                    out.code = 1;
                }
                Ok(false) => {}
                Err(e) => {
                    out.chunks
                        .push((true, format!("rm: can't remove '{a}': {e}\n")));
                    out.code = 1;
                }
            }
        }
        self.check_readiness_probe();
        out
    }

    pub(super) fn mv_cp(&mut self, name: &str, args: &[String]) -> Out {
        let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let [src, dst] = paths.as_slice() else {
            return Out::err(format!("BusyBox: usage: {name} SOURCE DEST\n"), 1);
        };
        // An empty operand names no file (ENOENT), not the working directory.
        if src.is_empty() {
            return Out::err(
                format!("{name}: can't stat '': No such file or directory\n"),
                1,
            );
        }
        if dst.is_empty() {
            return Out::err(
                format!("{name}: can't create '': No such file or directory\n"),
                1,
            );
        }
        let recursive = name == "mv"
            || args
                .iter()
                .any(|a| a.starts_with('-') && a.contains(['r', 'R', 'a']));
        let s = self.path(src);
        let mut d = self.path(dst);
        if fs::is_dir(self.sim, &self.pod, &self.container, &d) {
            d = format!("{d}/{}", s.rsplit('/').next().unwrap_or(""));
        }
        let Some(content) = self.read_file(&s) else {
            if fs::is_dir(self.sim, &self.pod, &self.container, &s) {
                if !recursive {
                    // busybox cp without -r/-a: nothing copied.
                    return Out::err(format!("{name}: omitting directory '{src}'\n"), 1);
                }
                self.charge_scan();
                let files = if self.over_limit() {
                    Vec::new()
                } else {
                    fs::files_under(self.sim, &self.pod, &self.container, &s)
                };
                for f in files {
                    // Each file copied costs at least a disk block of the
                    // byte budget, as it would take one on a real disk: a
                    // tree of many small files copied into itself round
                    // after round stops at the budget (^C, see
                    // `MAX_BYTES`) instead of running for seconds (found
                    // by the fuzzer).
                    self.charge(Self::FS_BLOCK);
                    if self.over_limit() {
                        break;
                    }
                    let rel = f.strip_prefix(&s).unwrap_or(&f).to_string();
                    let c = self.read_file(&f).unwrap_or_default();
                    if let Err(e) = self.write_file(&format!("{d}{rel}"), c, false) {
                        return Out::err(format!("{name}: {e}\n"), 1);
                    }
                    if name == "mv" {
                        let _ = fs::remove(self.sim, &self.pod, &self.container, &f);
                    }
                }
                self.check_readiness_probe();
                return Out::default();
            }
            return Out::err(
                format!("{name}: can't stat '{src}': No such file or directory\n"),
                1,
            );
        };
        if let Err(e) = self.write_file(&d, content, false) {
            return Out::err(format!("{name}: {e}\n"), 1);
        }
        if name == "mv" {
            if let Err(e) = fs::remove(self.sim, &self.pod, &self.container, &s) {
                return Out::err(format!("mv: can't remove '{src}': {e}\n"), 1);
            }
        }
        self.check_readiness_probe();
        Out::default()
    }
}
