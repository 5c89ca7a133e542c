;; Out-of-bounds pointers and lengths get EFAULT (21), never a crash.
;; Prints each call's errno on its own line, then exits 0.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  ;; 1000: iovec pointing past the end of memory
  (data (i32.const 1000) "\fa\ff\00\00\64\00\00\00")

  ;; prints n (0..999) as decimal and a newline
  (func $print (param $n i32)
    (i32.store8 (i32.const 2000) (i32.add (i32.const 48) (i32.div_u (local.get $n) (i32.const 100))))
    (i32.store8 (i32.const 2001) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $n) (i32.const 10)) (i32.const 10))))
    (i32.store8 (i32.const 2002) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
    (i32.store8 (i32.const 2003) (i32.const 10))
    (i32.store (i32.const 2008) (i32.const 2000))
    (i32.store (i32.const 2012) (i32.const 4))
    (drop (call $fd_write (i32.const 1) (i32.const 2008) (i32.const 1) (i32.const 2016))))

  (func (export "_start")
    ;; iovec array itself out of bounds
    (call $print (call $fd_write (i32.const 1) (i32.const 0xfffffff8) (i32.const 1) (i32.const 100)))
    ;; iovec buffer runs past the end
    (call $print (call $fd_write (i32.const 1) (i32.const 1000) (i32.const 1) (i32.const 100)))
    ;; an iovec count whose byte size overflows 32 bits
    (call $print (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0x20000001) (i32.const 100)))
    ;; result pointer straddles the end of memory
    (call $print (call $args_sizes_get (i32.const 65534) (i32.const 0)))
    (call $print (call $args_sizes_get (i32.const 0) (i32.const -1)))
    ;; buffer past the end
    (call $print (call $random_get (i32.const 65000) (i32.const 1000)))
    (call $print (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 65532)))))
