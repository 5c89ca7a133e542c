;; Out-of-range enum arguments (a clock id, a whence, an advice, a
;; subscription tag) get EINVAL (28). Prints each errno on its own line.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $print (param $n i32)
    (i32.store8 (i32.const 2000) (i32.add (i32.const 48) (i32.div_u (local.get $n) (i32.const 10))))
    (i32.store8 (i32.const 2001) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
    (i32.store8 (i32.const 2002) (i32.const 10))
    (i32.store (i32.const 2008) (i32.const 2000))
    (i32.store (i32.const 2012) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 2008) (i32.const 1) (i32.const 2016))))
  (func (export "_start")
    (call $print (call $clock_time_get (i32.const 9) (i64.const 1) (i32.const 100)))
    (call $print (call $clock_res_get (i32.const 77) (i32.const 100)))
    ;; whence 3 on stdin (checked before the descriptor)
    (call $print (call $fd_seek (i32.const 0) (i64.const 0) (i32.const 3) (i32.const 100)))
    ;; a subscription with tag 5
    (i32.store8 (i32.const 308) (i32.const 5))
    (call $print (call $poll_oneoff (i32.const 300) (i32.const 400) (i32.const 1) (i32.const 500)))))
