//! `poll_oneoff`.

use super::clock::now;
use super::{Env, Stop, SysResult, Wait};
use crate::abi::{
    eventtype, ClockId, Errno, Event, Subscription, SubscriptionKind, SUBSCRIPTION_CLOCK_ABSTIME,
};
use crate::fd_table::{Descriptor, Stdio};
use crate::memory::GuestMemoryExt;

/// Checks an fd subscription. Streams in their direction and regular
/// files are always ready; wasmtime reports `nbytes` 1 for them. Anything
/// else (a closed descriptor, a directory, the wrong direction) fails the
/// whole call with `EBADF`, as in wasmtime.
fn fd_ready(e: &Env, fd: u32, read: bool) -> Result<u64, Errno> {
    match e.ctx.fds.get(fd)? {
        Descriptor::Stdio { stream: Stdio::Stdin, .. } if read => Ok(1),
        Descriptor::Stdio { stream: Stdio::Stdout | Stdio::Stderr, .. } if !read => Ok(1),
        Descriptor::File(_) => Ok(1),
        Descriptor::Stdio { .. } | Descriptor::Dir(_) => Err(Errno::Badf),
    }
}

/// `poll_oneoff`: reports every ready fd subscription at once; if none is
/// ready, waits for the earliest clock and reports the clocks that are due.
/// Where the edge can suspend the guest, the wait is a `Pending` result and
/// the edge calls again once the time has come.
pub fn poll_oneoff(e: &mut Env, subs: u32, events: u32, nsubscriptions: u32, nevents: u32) -> SysResult {
    let origin = e.ctx.poll_origin.take().unwrap_or_else(|| e.ctx.host.monotonic_ns());
    if nsubscriptions == 0 {
        return Err(Errno::Inval.into());
    }
    let size = Subscription::size_of(e.flavor) as u32;
    let raw = e.mem.read_vec(subs, nsubscriptions.checked_mul(size).ok_or(Errno::Fault)?)?;
    e.mem.check(events, u64::from(nsubscriptions) * Event::SIZE as u64)?;
    let subs: Vec<Subscription> = raw
        .chunks_exact(size as usize)
        .map(|c| Subscription::decode(c, e.flavor))
        .collect::<Result<_, _>>()?;

    let mut out = Vec::new();
    // (userdata, deadline on the monotonic clock) of each clock subscription
    let mut clocks = Vec::new();
    for s in &subs {
        match s.kind {
            SubscriptionKind::FdRead { fd } | SubscriptionKind::FdWrite { fd } => {
                let read = matches!(s.kind, SubscriptionKind::FdRead { .. });
                let kind = if read { eventtype::FD_READ } else { eventtype::FD_WRITE };
                let nbytes = fd_ready(e, fd, read)?;
                out.push(Event { userdata: s.userdata, error: Errno::Success, kind, nbytes, flags: 0 });
            }
            SubscriptionKind::Clock { id, timeout, flags, .. } => {
                let clock = ClockId::from_raw(id)?;
                if matches!(clock, ClockId::ProcessCputime | ClockId::ThreadCputime) {
                    return Err(Errno::Inval.into());
                }
                let deadline = if flags & SUBSCRIPTION_CLOCK_ABSTIME != 0 {
                    e.ctx.host.monotonic_ns().saturating_add(timeout.saturating_sub(now(e, clock)))
                } else {
                    origin.saturating_add(timeout)
                };
                clocks.push((s.userdata, deadline));
            }
        }
    }
    if out.is_empty() {
        let earliest = clocks.iter().map(|c| c.1).min().unwrap_or(0);
        let mono = e.ctx.host.monotonic_ns();
        if earliest > mono {
            if e.ctx.can_suspend {
                e.ctx.poll_origin = Some(origin);
                return Err(Stop::Pending(Wait::Until(earliest)));
            }
            e.ctx.host.sleep_ns(earliest - mono);
        }
        let mono = e.ctx.host.monotonic_ns().max(earliest);
        for &(userdata, deadline) in &clocks {
            if deadline <= mono {
                out.push(Event {
                    userdata,
                    error: Errno::Success,
                    kind: eventtype::CLOCK,
                    nbytes: 0,
                    flags: 0,
                });
            }
        }
    }
    let bytes: Vec<u8> = out.iter().flat_map(|ev| ev.encode()).collect();
    e.mem.write(events, &bytes)?;
    e.mem.write_u32(nevents, out.len() as u32)?;
    Ok(())
}
