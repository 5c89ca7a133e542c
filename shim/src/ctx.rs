//! [`WasiCtx`]: the state of one guest, which every syscall reads and
//! changes: its arguments and environment, descriptors, filesystem,
//! standard streams and host.

use crate::config::{ConfigError, WasiConfig};
use crate::fd_table::{Descriptor, FdTable, OpenDir, Stdio, PREOPEN_RIGHTS};
use crate::filesystem::{Filesystem, FsView};
use crate::host::Host;
use crate::stdio::{BytesInput, CapturedBytes, InputSource, Output};
use std::rc::Rc;

use crate::vfs::{Ino, Store, Tree, Vfs, VfsLimits};

/// A NUL-terminated string list laid out once, as `args_get` and
/// `environ_get` copy it: the bytes, and each string's offset in them.
#[derive(Clone, Debug, Default)]
pub struct StringList {
    pub bytes: Vec<u8>,
    pub offsets: Vec<u32>,
}

impl StringList {
    fn new<I: IntoIterator<Item = Vec<u8>>>(items: I) -> StringList {
        let mut list = StringList::default();
        for item in items {
            list.offsets.push(list.bytes.len() as u32);
            list.bytes.extend_from_slice(&item);
            list.bytes.push(0);
        }
        list
    }
}

/// The state of one guest: what every syscall reads and changes.
pub struct WasiCtx {
    pub args: StringList,
    pub env: StringList,
    pub fds: FdTable,
    pub vfs: Vfs,
    pub stdin: Box<dyn InputSource>,
    pub stdout: Output,
    pub stderr: Output,
    pub host: Box<dyn Host>,
    /// The preopens' guest paths and root inodes, in configuration order.
    pub preopens: Vec<(String, Ino)>,
    /// The same, less those kept in a store (the store has their files;
    /// what this run saw of them is only a part).
    memory_preopens: Vec<(String, Ino)>,
    /// The edge can suspend the guest (JSPI): calls that must wait return
    /// [`crate::syscalls::Stop::Pending`] instead of blocking the thread.
    pub can_suspend: bool,
    /// When a pending `poll_oneoff` first ran (monotonic ns): its retry
    /// measures relative timeouts from there, not from the retry.
    pub poll_origin: Option<u64>,
}

impl WasiCtx {
    /// Builds the state for a run: descriptors 0–2 are the standard streams,
    /// the preopens follow from 3 in order.
    pub fn new(config: WasiConfig, host: Box<dyn Host>) -> Result<WasiCtx, ConfigError> {
        config.validate()?;
        let now = host.realtime_ns();
        let mut ctx = WasiCtx {
            args: StringList::new(config.args.iter().map(|a| a.as_bytes().to_vec())),
            env: StringList::new(config.env.iter().map(|(k, v)| format!("{k}={v}").into_bytes())),
            fds: FdTable::with_limit(config.limits.descriptors),
            vfs: Vfs::new(),
            stdin: Box::new(BytesInput::new(config.stdin)),
            stdout: Output::capturing(config.limits.stdout_bytes),
            stderr: Output::capturing(config.limits.stderr_bytes),
            host,
            preopens: Vec::new(),
            memory_preopens: Vec::new(),
            can_suspend: false,
            poll_origin: None,
        };
        for s in [Stdio::Stdin, Stdio::Stdout, Stdio::Stderr] {
            ctx.fds.insert(Descriptor::stdio(s)).map_err(|_| ConfigError::TooManyPreopens)?;
        }
        let store = Rc::new(Store::new(config.store_abilities));
        for mut p in config.preopens {
            let Some(entries) = p.tree.take_entries() else {
                return Err(ConfigError::PreopenNotADirectory { guest_path: p.guest_path });
            };
            let root = if p.in_store {
                ctx.vfs.new_store_root(&store, now, p.readonly).map_err(|_| ConfigError::TooManyPreopens)?.0
            } else {
                ctx.vfs.new_root(now, p.readonly).map_err(|_| ConfigError::TooManyPreopens)?
            };
            ctx.vfs.fill(root, entries, now).map_err(|errno| ConfigError::InvalidPreopenEntry {
                guest_path: p.guest_path.clone(),
                errno,
            })?;
            ctx.vfs.retain(root);
            ctx.fds
                .insert(Descriptor::Dir(OpenDir {
                    ino: root,
                    preopen: Some(p.guest_path.clone()),
                    fdflags: 0,
                    rights: PREOPEN_RIGHTS,
                }))
                .map_err(|_| ConfigError::TooManyPreopens)?;
            if !p.in_store {
                ctx.memory_preopens.push((p.guest_path.clone(), root));
            }
            ctx.preopens.push((p.guest_path, root));
        }
        // What the page gave is in; the limits bound what the guest adds.
        let limits = config.limits;
        ctx.vfs.set_limits(VfsLimits { file_bytes: limits.file_bytes, inodes: limits.inodes });
        Ok(ctx)
    }

    /// The current contents of every preopen in memory, by guest path
    /// (also those whose descriptor the guest closed; a preopen kept in a
    /// store is read there).
    pub fn preopen_trees(&self) -> Vec<(String, Tree)> {
        crate::filesystem::trees(&self.vfs, &self.memory_preopens)
    }

    /// Its filesystem in memory, to read (between the calls of a reactor,
    /// say).
    pub fn filesystem(&self) -> FsView<'_> {
        FsView::new(&self.vfs, &self.memory_preopens)
    }

    /// Ends the run's state: what it wrote to stdout and stderr, and its
    /// filesystem.
    pub fn finish(self) -> (CapturedBytes, CapturedBytes, Filesystem) {
        (
            self.stdout.captured.unwrap_or_default(),
            self.stderr.captured.unwrap_or_default(),
            Filesystem::new(self.vfs, self.memory_preopens),
        )
    }
}
