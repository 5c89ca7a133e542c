//! poll_oneoff: relative and absolute clocks (earliest wins), fd
//! subscriptions, and the errors.
use guests::wasi::*;
use guests::*;

fn clock_sub(userdata: u64, id: Clockid, timeout: u64, abs: bool) -> Subscription {
    Subscription {
        userdata,
        u: SubscriptionU {
            tag: EVENTTYPE_CLOCK.raw(),
            u: SubscriptionUU {
                clock: SubscriptionClock {
                    id,
                    timeout,
                    precision: 0,
                    flags: if abs { SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME } else { 0 },
                },
            },
        },
    }
}

fn fd_sub(userdata: u64, fd: Fd, read: bool) -> Subscription {
    let tag = if read { EVENTTYPE_FD_READ } else { EVENTTYPE_FD_WRITE };
    Subscription {
        userdata,
        u: SubscriptionU {
            tag: tag.raw(),
            u: SubscriptionUU { fd_read: SubscriptionFdReadwrite { file_descriptor: fd } },
        },
    }
}

fn poll(subs: &[Subscription]) -> Result<Vec<String>, Errno> {
    let mut events: Vec<Event> = (0..subs.len()).map(|_| unsafe { std::mem::zeroed() }).collect();
    let n = unsafe { poll_oneoff(subs.as_ptr(), events.as_mut_ptr(), subs.len())? };
    let mut out: Vec<String> = events[..n]
        .iter()
        .map(|e| format!("{}:{}:{}:{}", e.userdata, e.type_.name(), e.error.name(), e.fd_readwrite.nbytes))
        .collect();
    out.sort();
    Ok(out)
}

fn mono() -> u64 {
    unsafe { clock_time_get(CLOCKID_MONOTONIC, 1) }.unwrap()
}

fn main() {
    let t0 = mono();
    show("sleep 20ms", poll(&[clock_sub(1, CLOCKID_MONOTONIC, 20_000_000, false)]));
    println!("slept at least 20ms: {}", mono() - t0 >= 20_000_000);
    let t1 = mono();
    show(
        "earliest of two",
        poll(&[
            clock_sub(1, CLOCKID_MONOTONIC, 200_000_000, false),
            clock_sub(2, CLOCKID_MONOTONIC, 10_000_000, false),
        ]),
    );
    println!("did not wait for the later: {}", mono() - t1 < 150_000_000);
    show("absolute in the past", poll(&[clock_sub(3, CLOCKID_MONOTONIC, 1, true)]));
    let wall = unsafe { clock_time_get(CLOCKID_REALTIME, 1) }.unwrap();
    let t2 = mono();
    show("absolute realtime +15ms", poll(&[clock_sub(4, CLOCKID_REALTIME, wall + 15_000_000, true)]));
    println!("waited for it: {}", mono() - t2 >= 10_000_000);
    show("zero timeout", poll(&[clock_sub(5, CLOCKID_MONOTONIC, 0, false)]));
    let f = open(DIR, "file", 0, 0).unwrap();
    show("file readable", poll(&[fd_sub(6, f, true)]));
    show("file writable", poll(&[fd_sub(7, f, false)]));
    unsafe { fd_seek(f, 3, WHENCE_SET) }.unwrap();
    show("file readable at eof", poll(&[fd_sub(6, f, true)]));
    show(
        "stdout writable, clock not due",
        poll(&[fd_sub(8, 1, false), clock_sub(9, CLOCKID_MONOTONIC, 1_000_000_000, false)]),
    );
    show("stdin readable", poll(&[fd_sub(10, 0, true)]));
    show("bad fd", poll(&[fd_sub(11, 99, true)]));
    show(
        "bad fd and a clock",
        poll(&[fd_sub(12, 99, true), clock_sub(13, CLOCKID_MONOTONIC, 1_000_000_000, false)]),
    );
    let d = open_read(DIR, "dir").unwrap();
    show("directory", poll(&[fd_sub(14, d, true)]));
    show("no subscriptions", poll(&[]));
    show("process cputime clock", poll(&[clock_sub(15, CLOCKID_PROCESS_CPUTIME_ID, 1000, false)]));
}
