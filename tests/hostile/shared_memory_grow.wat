;; An exported shared memory that grows: its buffer is not detached, so the
;; shim must notice the new size itself before writing from the new page.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 4 shared)
  (func (export "_start")
    (drop (memory.grow (i32.const 1)))
    (i64.store (i32.const 0x10000) (i64.const 0x0a6e776f7267))
    (i32.store (i32.const 0x50) (i32.const 0x10000))
    (i32.store (i32.const 0x54) (i32.const 6))
    (if (call $fd_write (i32.const 1) (i32.const 0x50) (i32.const 1) (i32.const 0x58)) (then (unreachable)))))
