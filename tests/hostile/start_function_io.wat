;; A start function that writes to stdout: the shim calls it after
;; instantiation, when it has the module's memory (the browser would run it
;; before, when WASI calls could only fail with EFAULT).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x60) "from the start function\n")
  (data (i32.const 0x80) "from _start\n")
  (func $say (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0x50) (local.get $ptr))
    (i32.store (i32.const 0x54) (local.get $len))
    (if (call $fd_write (i32.const 1) (i32.const 0x50) (i32.const 1) (i32.const 0x58)) (then (unreachable))))
  (func $init (call $say (i32.const 0x60) (i32.const 24)))
  (start $init)
  (func (export "_start") (call $say (i32.const 0x80) (i32.const 12))))
