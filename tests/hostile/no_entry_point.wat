;; A module with WASI imports and a memory but no _start or _initialize.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "main") (call $proc_exit (i32.const 1))))
