#!/usr/bin/env python3
"""Runs every case in tests/cases under wasmtime (the reference) and writes
what it did to target/expected/<case>.json: exit code or trap, stdout,
stderr, and the contents of every preopened directory afterwards.

The native and browser tests run the same cases through browser-wasi and
compare against these files, so a difference from wasmtime fails a test.

wasi-threads programs (a kind with "threads" in tests/guests.json) run
under the wasmtime CLI 46.0.1 with `-S threads` instead (wasmtime-py has no
wasi-threads, and later CLIs dropped the flag), which scripts/setup unpacks
into ~/.cache/browser-wasi/tools/bin/wasmtime-threads.

Usage: wasmtime_run.py ROOT   (the repository root)
"""

import base64
import json
import os
import subprocess
import sys
import tempfile

import wasmtime
import wasmtime.component


def write_tree(path, spec):
    """Creates a directory from a case's tree: str = text file, {"b64": ...}
    = binary file, {"symlink": target}, dict = directory."""
    os.makedirs(path, exist_ok=True)
    for name, value in spec.items():
        p = os.path.join(path, name)
        if isinstance(value, str):
            with open(p, "wb") as f:
                f.write(value.encode())
        elif isinstance(value, dict) and "b64" in value:
            with open(p, "wb") as f:
                f.write(base64.b64decode(value["b64"]))
        elif isinstance(value, dict) and "symlink" in value:
            os.symlink(value["symlink"], p)
        else:
            write_tree(p, value)


def snapshot(path):
    """The tree below path in the normalised form the Rust tests build."""
    out = {}
    for name in sorted(os.listdir(path)):
        p = os.path.join(path, name)
        if os.path.islink(p):
            out[name] = {"symlink": os.readlink(p)}
        elif os.path.isdir(p):
            out[name] = {"dir": snapshot(p)}
        else:
            with open(p, "rb") as f:
                out[name] = {"file": base64.b64encode(f.read()).decode()}
    return out


def guest_kind(root, guest):
    """(binary path, is a threads program, component path or None) of a
    case's guest, by the rules in tests/guests.json (which tests/build.rs
    reads too)."""
    with open(os.path.join(root, "tests", "guests.json")) as f:
        kinds = json.load(f)["kinds"]
    for kind in kinds:
        if guest.startswith(kind["prefix"]):
            bare = guest[len(kind["prefix"]):]
            path = os.path.join(root, kind["binary"].replace("{name}", bare))
            component = kind.get("component")
            if bare not in kind.get("component_names", [bare]):
                component = None
            component = component and os.path.join(root, component.replace("{name}", bare))
            return path, kind.get("threads", False), component
    sys.exit("no kind of guest in tests/guests.json matches %r" % guest)


THREADS_CLI = os.path.join(
    os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "browser-wasi", "tools", "bin", "wasmtime-threads"
)
# What the CLI itself writes to stderr: the `-S threads` deprecation warning
# (two lines) first, and on a trap its report from "Error: " on.
CLI_WARNING = b"WARNING: the `-Sthreads` flag"


def run_threads_case(root, name, case, wasm, tmp):
    """A wasi-threads program under the wasmtime CLI: the same result fields
    as run_case."""
    args = case.get("args", [name])
    cmd = [THREADS_CLI, "run", "-W", "threads=y,shared-memory=y", "-S", "threads=y", "--argv0", args[0]]
    for k, v in case.get("env", []):
        cmd += ["--env", "%s=%s" % (k, v)]
    dirs = []
    for i, (guest, tree) in enumerate(case.get("preopens", [])):
        host = os.path.join(tmp, "pre%d" % i)
        write_tree(host, tree)
        cmd += ["--dir", "%s::%s" % (host, guest)]
        dirs.append((guest, host))
    cmd += ["--", wasm] + args[1:]
    # An open stdin is a pipe nobody writes to, closed only once it exited.
    stdin = subprocess.PIPE if case.get("stdin_open") else None
    with open(os.path.join(tmp, "stdin"), "wb") as f:
        f.write(case.get("stdin", "").encode())
    with open(os.path.join(tmp, "stdin"), "rb") as given:
        p = subprocess.Popen(cmd, stdin=stdin or given, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stdout, stderr = p.communicate(timeout=120) if stdin is None else wait_open(p)
    if stderr.startswith(CLI_WARNING):
        stderr = stderr.split(b"\n", 2)[2] if stderr.count(b"\n") >= 2 else b""
    trap = None
    if p.returncode == 134 and b"Error: " in stderr:
        at = stderr.index(b"Error: ")
        stderr, trap = stderr[:at], stderr[at:].decode(errors="replace")
    return {
        "exit": None if trap else p.returncode,
        "trap": trap is not None,
        "trap_message": trap,
        "stdout": base64.b64encode(stdout).decode(),
        "stderr": base64.b64encode(stderr).decode(),
        "fs": [[guest, snapshot(host)] for guest, host in dirs],
    }


def wait_open(p):
    """Waits for a program whose stdin stays open: reads its output, keeping
    stdin open (not written, not closed) until it has exited."""
    out, err = [], []
    import threading

    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read())) for s, b in ((p.stdout, out), (p.stderr, err))]
    for r in readers:
        r.start()
    p.wait(timeout=120)
    for r in readers:
        r.join()
    p.stdin.close()
    return out[0], err[0]


def run_case(root, engine, name, case, as_component=False):
    wasm, threads, component = guest_kind(root, case["guest"])
    with tempfile.TemporaryDirectory() as tmp:
        if threads:
            return run_threads_case(root, name, case, wasm, tmp)
        wasi = wasmtime.WasiConfig()
        wasi.argv = case.get("args", [name])
        wasi.env = [list(kv) for kv in case.get("env", [])]
        stdin = os.path.join(tmp, "stdin")
        with open(stdin, "wb") as f:
            f.write(case.get("stdin", "").encode())
        wasi.stdin_file = stdin
        wasi.stdout_file = os.path.join(tmp, "stdout")
        wasi.stderr_file = os.path.join(tmp, "stderr")
        dirs = []
        for i, (guest, tree) in enumerate(case.get("preopens", [])):
            host = os.path.join(tmp, "pre%d" % i)
            write_tree(host, tree)
            readonly = guest in case.get("readonly", [])
            wasi.preopen_dir(host, guest, not readonly)
            dirs.append((guest, host))

        store = wasmtime.Store(engine)
        store.set_wasi(wasi)
        exit_code, trap = 0, None
        try:
            if as_component:
                exit_code = run_component(engine, store, component)
            else:
                linker = wasmtime.Linker(engine)
                linker.define_wasi()
                module = wasmtime.Module.from_file(engine, wasm)
                instance = linker.instantiate(store, module)
                # wasmtime's C API links wasi_snapshot_preview1 only.
                instance.exports(store)["_start"](store)
        except wasmtime.ExitTrap as e:
            exit_code = e.code
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
            exit_code, trap = None, str(e)
        del store

        def read(p):
            with open(p, "rb") as f:
                return base64.b64encode(f.read()).decode()

        return {
            "exit": exit_code,
            "trap": trap is not None,
            "trap_message": trap,
            "stdout": read(os.path.join(tmp, "stdout")),
            "stderr": read(os.path.join(tmp, "stderr")),
            "fs": [[guest, snapshot(host)] for guest, host in dirs],
        }


def run_component(engine, store, path):
    """Runs a wasip2 component's wasi:cli/run: its exit code (0 for ok, 1
    for err), as the wasmtime CLI reports it."""
    linker = wasmtime.component.Linker(engine)
    linker.add_wasip2()
    component = wasmtime.component.Component.from_file(engine, path)
    instance = linker.instantiate(store, component)
    run_interface = next(
        n for n in component_exports(component, engine) if n.split("@")[0] == "wasi:cli/run"
    )
    run = instance.get_func(store, instance.get_export_index(store, "run", instance.get_export_index(store, run_interface)))
    # result<_, _>, as a Variant whose tag is "ok" or "err".
    return 0 if run(store).tag == "ok" else 1


def component_exports(component, engine):
    """The names of a component's exports."""
    return [name for name, _ in component.type.exports(engine).items()]


def main():
    root = sys.argv[1]
    cases_dir = os.path.join(root, "tests", "cases")
    out_dir = os.path.join(root, "target", "expected")
    os.makedirs(out_dir, exist_ok=True)
    engine = wasmtime.Engine()
    names = sorted(f[:-5] for f in os.listdir(cases_dir) if f.endswith(".json"))
    components = 0
    for name in names:
        with open(os.path.join(cases_dir, name + ".json")) as f:
            case = json.load(f)
        result = run_case(root, engine, name, case)
        deviation = case.get("deviation")
        if deviation:
            # browser-wasi deliberately differs here; the case says how and
            # why. Keep wasmtime's answer on record, and fail loudly if it no
            # longer differs (the deviation would then be stale).
            ours = dict(result)
            for key in ("exit", "trap"):
                if key in deviation:
                    ours[key] = deviation[key]
            for key in ("stdout", "stderr"):
                if key in deviation:
                    ours[key] = base64.b64encode(deviation[key].encode()).decode()
            if all(ours[k] == result[k] for k in ("exit", "trap", "stdout", "stderr")):
                sys.exit("case %s: its deviation matches wasmtime now; remove it" % name)
            ours["wasmtime"] = result
            ours["deviation"] = deviation["reason"]
            result = ours
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            json.dump(result, f, indent=1, sort_keys=True)
        # The same case, the guest built as a wasip2 component.
        _, _, component = guest_kind(root, case["guest"])
        if component and os.path.exists(component):
            result = run_case(root, engine, name, case, as_component=True)
            with open(os.path.join(out_dir, name + ".component.json"), "w") as f:
                json.dump(result, f, indent=1, sort_keys=True)
                components += 1
    print("wasmtime: recorded %d cases and %d as components in %s" % (len(names), components, out_dir))


if __name__ == "__main__":
    main()
