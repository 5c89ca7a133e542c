#!/usr/bin/env python3
"""A cargo runner that runs a wasm32-wasip1 test binary under wasmtime
(wasmtime-py), shaped like `wasmtime run`: --dir HOST[::GUEST], --env K=V.
The reference browser-wasi-runner's cargo tests are compared with.

Usage: wasmtime_cargo_runner.py [--dir D]... [--env K=V]... MODULE [ARGS...]"""

import sys

import wasmtime


def main():
    args = sys.argv[1:]
    dirs, env = [], []
    while args and args[0].startswith("--"):
        flag, value = args[0], args[1]
        args = args[2:]
        if flag == "--dir":
            host, _, guest = value.partition("::")
            dirs.append((host, guest or host))
        elif flag == "--env":
            k, _, v = value.partition("=")
            env.append((k, v))
    module, argv = args[0], args
    config = wasmtime.WasiConfig()
    config.argv = [module.rsplit("/", 1)[-1]] + argv[1:]
    config.env = env
    config.inherit_stdin()
    config.inherit_stdout()
    config.inherit_stderr()
    for host, guest in dirs:
        config.preopen_dir(host, guest)
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, module))
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        sys.exit(e.code)
    except wasmtime.Trap as e:
        print(f"Error: failed to run main module `{module}`\n\nCaused by:\n    wasm trap: {e}", file=sys.stderr)
        sys.exit(134)


if __name__ == "__main__":
    main()
