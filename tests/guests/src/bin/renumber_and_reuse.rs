//! fd_renumber (including onto stdout) and which descriptor numbers are
//! handed out after closes.
use guests::wasi::*;
use guests::*;

fn main() {
    let a = open(DIR, "a", OFLAGS_CREAT, 0).unwrap();
    let b = open(DIR, "b", OFLAGS_CREAT, 0).unwrap();
    let c = open(DIR, "c", OFLAGS_CREAT, 0).unwrap();
    println!("first three: {} {} {}", a, b, c);
    unsafe { fd_close(b) }.unwrap();
    unsafe { fd_close(a) }.unwrap();
    let d = open(DIR, "d", OFLAGS_CREAT, 0).unwrap();
    let e = open(DIR, "e", OFLAGS_CREAT, 0).unwrap();
    let f = open(DIR, "f", OFLAGS_CREAT, 0).unwrap();
    println!("after closing {b} then {a}: {d} {e} {f}");
    unsafe { fd_close(e) }.unwrap();
    unsafe { fd_close(d) }.unwrap();
    let h = open(DIR, "h", OFLAGS_CREAT, 0).unwrap();
    let i = open(DIR, "i", OFLAGS_CREAT, 0).unwrap();
    println!("after closing {e} then {d}: {h} {i}");
    let (d, e) = (h, i);
    show("renumber onto stdout", unsafe { fd_renumber(c, 1) });
    println!("this line goes into c");
    show("old number gone", unsafe { fd_fdstat_get(c) }.map(|_| ()));
    show("renumber to closed", unsafe { fd_renumber(d, 40) });
    show("renumber from closed", unsafe { fd_renumber(40, d) });
    show("renumber to itself", unsafe { fd_renumber(d, d) });
    let g = open(DIR, "g", OFLAGS_CREAT, 0).unwrap();
    write(2, format!("next after renumber: {g}\n").as_bytes()).unwrap();
    show("renumber preopen", unsafe { fd_renumber(DIR, e) });
    write(2, format!("open via moved preopen: {:?}\n", open(e, "a", 0, 0).is_ok()).as_bytes()).unwrap();
    write(2, format!("prestat of moved preopen: {:?}\n", unsafe { fd_prestat_get(e) }.is_ok()).as_bytes())
        .unwrap();
}
