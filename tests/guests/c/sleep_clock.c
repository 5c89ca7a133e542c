/* Sleeping and clocks through wasi-libc: nanosleep, clock_gettime,
 * time(), and poll() on stdin. */
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
  long long t0 = ns(CLOCK_MONOTONIC);
  struct timespec req = {0, 30 * 1000000};
  int r = nanosleep(&req, NULL);
  long long slept = ns(CLOCK_MONOTONIC) - t0;
  printf("nanosleep: %d, slept >= 30ms: %d, < 2s: %d\n", r, slept >= 30000000, slept < 2000000000LL);
  t0 = ns(CLOCK_MONOTONIC);
  usleep(10000);
  printf("usleep >= 10ms: %d\n", ns(CLOCK_MONOTONIC) - t0 >= 10000000);
  printf("time() after 2020: %d\n", time(NULL) > 1577836800);
  printf("realtime after 2020: %d\n", ns(CLOCK_REALTIME) > 1577836800LL * 1000000000LL);
  struct pollfd p = {.fd = 0, .events = POLLIN};
  int n = poll(&p, 1, 1000);
  printf("poll stdin: %d revents POLLIN %d\n", n, !!(p.revents & POLLIN));
  char buf[64];
  ssize_t got = read(0, buf, sizeof buf);
  printf("read stdin: %zd\n", got);
  return 0;
}
