;; Three lines, one fd_write each: the stream the listener tests watch.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x60) "one\ntwo\nthree\n")
  (func $say (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0x50) (local.get $ptr))
    (i32.store (i32.const 0x54) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0x50) (i32.const 1) (i32.const 0x58))))
  (func (export "_start")
    (call $say (i32.const 0x60) (i32.const 4))
    (call $say (i32.const 0x64) (i32.const 4))
    (call $say (i32.const 0x68) (i32.const 6))))
