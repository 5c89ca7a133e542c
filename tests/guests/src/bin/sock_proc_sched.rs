//! The socket calls on non-sockets, proc_raise and sched_yield.
use guests::wasi::*;
use guests::*;

fn main() {
    let mut b = [0u8; 4];
    let iov = [Iovec { buf: b.as_mut_ptr(), buf_len: 4 }];
    let ciov = [Ciovec { buf: b.as_ptr(), buf_len: 4 }];
    let f = open(DIR, "file", 0, 0).unwrap();
    for (name, fd) in [("stdout", 1), ("file", f), ("dir", DIR), ("bad", 99)] {
        show(&format!("{name} sock_accept"), unsafe { sock_accept(fd, 0) });
        show(&format!("{name} sock_recv"), unsafe { sock_recv(fd, &iov, 0) });
        show(&format!("{name} sock_send"), unsafe { sock_send(fd, &ciov, 0) });
        show(&format!("{name} sock_shutdown"), unsafe { sock_shutdown(fd, SDFLAGS_RD) });
    }
    show("process cputime", unsafe { clock_time_get(CLOCKID_PROCESS_CPUTIME_ID, 1) }.map(|t| t > 0));
    show("thread cputime", unsafe { clock_time_get(CLOCKID_THREAD_CPUTIME_ID, 1) }.map(|t| t > 0));
    show("process cputime res", unsafe { clock_res_get(CLOCKID_PROCESS_CPUTIME_ID) }.map(|t| t > 0));
    // wasmtime reports 1 ns; a browser's clocks are coarser, and say so.
    show(
        "realtime res plausible",
        unsafe { clock_res_get(CLOCKID_REALTIME) }.map(|r| (1..=1_000_000).contains(&r)),
    );
    show(
        "monotonic res plausible",
        unsafe { clock_res_get(CLOCKID_MONOTONIC) }.map(|r| (1..=1_000_000).contains(&r)),
    );
    show("sched_yield", unsafe { sched_yield() });
    show("proc_raise", unsafe { proc_raise(SIGNAL_TERM) });
}
