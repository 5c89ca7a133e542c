;; Recursion that calls fd_write at every level until the engine's stack
;; runs out, inside the guest or inside the shim: the run ends as a trap
;; with the output so far, and the next run on the same page works.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x60) ".")
  (func $deeper (param $n i64) (result i64)
    (i32.store (i32.const 0x50) (i32.const 0x60))
    (i32.store (i32.const 0x54) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 0x50) (i32.const 1) (i32.const 0x58)))
    (i64.add (call $deeper (i64.add (local.get $n) (i64.const 1))) (local.get $n)))
  (func (export "_start") (drop (call $deeper (i64.const 0)))))
