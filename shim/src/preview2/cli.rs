//! `wasi:cli`: arguments, environment, exit, the standard streams and the
//! terminal interfaces (no standard stream is a terminal here).

use browser_wasi_component::value::Val;

use super::io::{Input, Output};
use super::{case_arg, u32_arg, Cx, HostResult, HostStop};
use crate::ctx::StringList;
use crate::syscalls::Stop;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fn {
    GetArguments,
    GetEnvironment,
    InitialCwd,
    Exit,
    ExitWithCode,
    GetStdin,
    GetStdout,
    GetStderr,
    /// `get-terminal-stdin`, `-stdout`, `-stderr`.
    GetTerminal,
}

pub fn bind(interface: &str, func: &str) -> Option<Fn> {
    Some(match (interface, func) {
        ("wasi:cli/environment", "get-arguments") => Fn::GetArguments,
        ("wasi:cli/environment", "get-environment") => Fn::GetEnvironment,
        ("wasi:cli/environment", "initial-cwd") => Fn::InitialCwd,
        ("wasi:cli/exit", "exit") => Fn::Exit,
        ("wasi:cli/exit", "exit-with-code") => Fn::ExitWithCode,
        ("wasi:cli/stdin", "get-stdin") => Fn::GetStdin,
        ("wasi:cli/stdout", "get-stdout") => Fn::GetStdout,
        ("wasi:cli/stderr", "get-stderr") => Fn::GetStderr,
        ("wasi:cli/terminal-stdin", "get-terminal-stdin")
        | ("wasi:cli/terminal-stdout", "get-terminal-stdout")
        | ("wasi:cli/terminal-stderr", "get-terminal-stderr") => Fn::GetTerminal,
        _ => return None,
    })
}

/// The strings of a list (lossily UTF-8: a component's strings must be).
fn strings(l: &StringList) -> impl Iterator<Item = String> + '_ {
    l.offsets.iter().map(move |&off| {
        let rest = &l.bytes[off as usize..];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        String::from_utf8_lossy(&rest[..end]).into_owned()
    })
}

pub fn call(cx: &mut Cx, f: Fn, args: &[Val]) -> HostResult {
    Ok(Some(match f {
        Fn::GetArguments => Val::List(strings(&cx.ctx.args).map(Val::String).collect()),
        Fn::GetEnvironment => Val::List(
            strings(&cx.ctx.env)
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((&kv, ""));
                    Val::Record(vec![Val::String(k.to_string()), Val::String(v.to_string())])
                })
                .collect(),
        ),
        // As wasmtime: no initial working directory unless one is set.
        Fn::InitialCwd => Val::none(),
        Fn::Exit => {
            let (case, _) = case_arg(args, 0)?;
            return Err(HostStop::Stop(Stop::Exit(if case == 0 { 0 } else { 1 })));
        }
        Fn::ExitWithCode => {
            let code = match args.first() {
                Some(Val::U8(c)) => u32::from(*c),
                _ => u32_arg(args, 0)?,
            };
            return Err(HostStop::Stop(Stop::Exit(code)));
        }
        Fn::GetStdin => Val::Own(cx.p2.tables.inputs.push(Input::Stdin)?),
        Fn::GetStdout => Val::Own(cx.p2.tables.outputs.push(Output::Fd { fd: 1, at: None })?),
        Fn::GetStderr => Val::Own(cx.p2.tables.outputs.push(Output::Fd { fd: 2, at: None })?),
        Fn::GetTerminal => Val::none(),
    }))
}
