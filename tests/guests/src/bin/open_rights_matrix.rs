//! The rights `fd_fdstat_get` reports for a descriptor opened with each
//! right alone (as base, then as inheriting) and with common combinations,
//! for a file and a directory: whatever wasmtime reports, we must too.
use guests::wasi::*;
use guests::*;

fn report(label: &str, path: &str, base: Rights, inheriting: Rights) {
    let opened = unsafe { path_open(DIR, LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, base, inheriting, 0) };
    match opened {
        Ok(fd) => {
            match unsafe { fd_fdstat_get(fd) } {
                Ok(s) => println!(
                    "{label}: {} base={:#x} inheriting={:#x}",
                    s.fs_filetype.name(),
                    s.fs_rights_base,
                    s.fs_rights_inheriting
                ),
                Err(e) => println!("{label}: fdstat {}", e.name()),
            }
            unsafe { fd_close(fd) }.unwrap();
        }
        Err(e) => println!("{label}: open {}", e.name()),
    }
}

fn main() {
    let combos: [(&str, Rights); 6] = [
        ("none", 0),
        ("all", ALL_RIGHTS),
        ("read", RIGHTS_FD_READ),
        ("write", RIGHTS_FD_WRITE),
        ("read+write", RIGHTS_FD_READ | RIGHTS_FD_WRITE),
        ("readdir+lookup", RIGHTS_FD_READDIR | RIGHTS_PATH_OPEN | RIGHTS_PATH_FILESTAT_GET),
    ];
    for path in ["file", "dir"] {
        for bit in 0..30 {
            report(&format!("{path} base bit {bit}"), path, 1 << bit, 0);
        }
        for bit in 0..30 {
            report(&format!("{path} inheriting bit {bit}"), path, 0, 1 << bit);
        }
        for (name, base) in combos {
            for (iname, inheriting) in combos {
                report(&format!("{path} base {name} inheriting {iname}"), path, base, inheriting);
            }
        }
    }
}
