;; 1024 iovecs over the same 1 MiB (so one call asks for 1 GiB): a write to
;; stdout, to a file and a read from stdin each move at most 16 MiB and
;; allocate no more than that; a file past its byte limit gets ENOSPC.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 17)
  ;; 0x100: the iovec array (1024 x {ptr 0x1000, len 1 MiB})
  ;; 0x40: nwritten / nread; 0x48: opened fd; 0x50: a message iovec
  (data (i32.const 0x60) "big")
  (data (i32.const 0x80) "stdout write capped at 16 MiB\n")
  (data (i32.const 0xa0) "file write capped at 16 MiB\n")
  (data (i32.const 0xc0) "third file write: ENOSPC\n")
  (data (i32.const 0xe0) "stdin read: 5 bytes\n")
  (func $say (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0x50) (local.get $ptr))
    (i32.store (i32.const 0x54) (local.get $len))
    (drop (call $fd_write (i32.const 2) (i32.const 0x50) (i32.const 1) (i32.const 0x58))))
  (func $fail (param $code i32) (unreachable))
  (func (export "_start") (local $i i32) (local $fd i32)
    (loop $fill
      (i32.store (i32.add (i32.const 0x100) (i32.shl (local.get $i) (i32.const 3))) (i32.const 0x1000))
      (i32.store (i32.add (i32.const 0x104) (i32.shl (local.get $i) (i32.const 3))) (i32.const 0x100000))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 1024))))
    ;; stdout
    (if (call $fd_write (i32.const 1) (i32.const 0x100) (i32.const 1024) (i32.const 0x40)) (then (unreachable)))
    (if (i32.eq (i32.load (i32.const 0x40)) (i32.const 0x1000000)) (then (call $say (i32.const 0x80) (i32.const 30))))
    ;; a file in the preopen (fd 3), opened for writing with O_CREAT
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x60) (i32.const 3) (i32.const 1)
          (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 0x48)) (then (unreachable)))
    (local.set $fd (i32.load (i32.const 0x48)))
    (if (call $fd_write (local.get $fd) (i32.const 0x100) (i32.const 1024) (i32.const 0x40)) (then (unreachable)))
    (if (i32.eq (i32.load (i32.const 0x40)) (i32.const 0x1000000)) (then (call $say (i32.const 0xa0) (i32.const 28))))
    (if (call $fd_write (local.get $fd) (i32.const 0x100) (i32.const 1024) (i32.const 0x40)) (then (unreachable)))
    ;; the limit is 32 MiB: the third write does not fit
    (if (i32.eq (call $fd_write (local.get $fd) (i32.const 0x100) (i32.const 1024) (i32.const 0x40)) (i32.const 51))
      (then (call $say (i32.const 0xc0) (i32.const 25))))
    ;; stdin holds 5 bytes
    (if (call $fd_read (i32.const 0) (i32.const 0x100) (i32.const 1024) (i32.const 0x40)) (then (unreachable)))
    (if (i32.eq (i32.load (i32.const 0x40)) (i32.const 5)) (then (call $say (i32.const 0xe0) (i32.const 20))))))
