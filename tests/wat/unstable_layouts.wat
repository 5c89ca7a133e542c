;; A wasi_unstable (snapshot 0) guest: its whence numbering (SET = 2) and
;; 56-byte filestat (size at offset 24) differ from preview1.
;; Opens "greeting.txt" in the first preopen, seeks to 6 with whence 2,
;; reads to the end, and prints what it read and the size from fd_filestat_get.
(module
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "greeting.txt")
  (func $check (param $errno i32)
    (if (local.get $errno) (then (call $proc_exit (i32.add (i32.const 100) (local.get $errno))))))
  (func (export "_start")
    (local $fd i32) (local $n i32)
    ;; path_open(3, follow, "greeting.txt", 0, rights: read|seek|filestat_get, 0, 0, &fd@200)
    (call $check (call $path_open (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 12) (i32.const 0)
      (i64.const 0x200006) (i64.const 0) (i32.const 0) (i32.const 200)))
    (local.set $fd (i32.load (i32.const 200)))
    ;; whence 2 is SET in snapshot 0
    (call $check (call $fd_seek (local.get $fd) (i64.const 6) (i32.const 2) (i32.const 208)))
    ;; read into 1000.. (iovec at 300)
    (i32.store (i32.const 300) (i32.const 1000))
    (i32.store (i32.const 304) (i32.const 100))
    (call $check (call $fd_read (local.get $fd) (i32.const 300) (i32.const 1) (i32.const 308)))
    (local.set $n (i32.load (i32.const 308)))
    ;; filestat at 400: size is at 400+24 in snapshot 0; append it as a digit pair
    (call $check (call $fd_filestat_get (local.get $fd) (i32.const 400)))
    (i32.store8 (i32.add (i32.const 1000) (local.get $n))
      (i32.add (i32.const 48) (i32.div_u (i32.load (i32.const 424)) (i32.const 10))))
    (i32.store8 (i32.add (i32.const 1001) (local.get $n))
      (i32.add (i32.const 48) (i32.rem_u (i32.load (i32.const 424)) (i32.const 10))))
    (i32.store8 (i32.add (i32.const 1002) (local.get $n)) (i32.const 10))
    (i32.store (i32.const 304) (i32.add (local.get $n) (i32.const 3)))
    (call $check (call $fd_write (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 308)))))
