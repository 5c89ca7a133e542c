;; A guest that catches every exception (wasm exception handling) around
;; proc_exit and tries to go on: its later WASI calls throw again, and the
;; run ends with the code it exited with.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x60) "before\n")
  (data (i32.const 0x70) "after exit\n")
  (func $say (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 0x50) (local.get $ptr))
    (i32.store (i32.const 0x54) (local.get $len))
    (call $fd_write (i32.const 1) (i32.const 0x50) (i32.const 1) (i32.const 0x58)))
  (func (export "_start")
    (drop (call $say (i32.const 0x60) (i32.const 7)))
    (block $caught (try_table (catch_all $caught) (call $proc_exit (i32.const 7))))
    (block $again (try_table (catch_all $again) (drop (call $say (i32.const 0x70) (i32.const 11)))))))
