/* wasi-libc's POSIX layer on top of the shim: stdio, stat, directories,
 * links, rename, truncate, times, cwd emulation. One labelled line per
 * result, errno by name, nothing host-specific. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e) {
  switch (e) {
  case 0: return "ok";
  case ENOENT: return "ENOENT";
  case EEXIST: return "EEXIST";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case ENOTEMPTY: return "ENOTEMPTY";
  case EINVAL: return "EINVAL";
  case EPERM: return "EPERM";
  case EACCES: return "EACCES";
  case ELOOP: return "ELOOP";
  case EBADF: return "EBADF";
  case ENOTCAPABLE: return "ENOTCAPABLE";
  default: return strerror(e);
  }
}

#define SHOW(label, expr) do { errno = 0; int r_ = (expr); printf("%s: %s\n", label, r_ < 0 ? ename(errno) : "ok"); } while (0)

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path) {
  DIR *d = opendir(path);
  if (!d) { printf("opendir %s: %s\n", path, ename(errno)); return; }
  char *names[64]; int n = 0; struct dirent *e;
  while ((e = readdir(d)) && n < 64) {
    char buf[300];
    snprintf(buf, sizeof buf, "%s(%s)", e->d_name, e->d_type == DT_DIR ? "d" : e->d_type == DT_LNK ? "l" : e->d_type == DT_REG ? "f" : "?");
    names[n++] = strdup(buf);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  printf("ls %s:", path);
  for (int i = 0; i < n; i++) printf(" %s", names[i]);
  printf("\n");
}

int main(void) {
  FILE *f = fopen("/data/notes.txt", "w");
  fprintf(f, "first line\n");
  fclose(f);
  f = fopen("/data/notes.txt", "a");
  fprintf(f, "appended %d\n", 42);
  fclose(f);
  char line[100];
  f = fopen("/data/notes.txt", "r");
  while (fgets(line, sizeof line, f)) printf("read: %s", line);
  fclose(f);
  printf("fopen missing: %s\n", fopen("/data/missing", "r") ? "ok" : ename(errno));
  printf("fopen outside: %s\n", fopen("/etc/passwd", "r") ? "ok" : ename(errno));

  struct stat st;
  SHOW("stat file", stat("/data/notes.txt", &st));
  printf("size %lld nlink %llu reg %d\n", (long long)st.st_size, (unsigned long long)st.st_nlink, S_ISREG(st.st_mode));
  SHOW("mkdir", mkdir("/data/sub", 0755));
  SHOW("mkdir again", mkdir("/data/sub", 0755));
  SHOW("symlink", symlink("notes.txt", "/data/sub/../ln"));
  SHOW("lstat link", lstat("/data/ln", &st));
  printf("islnk %d\n", S_ISLNK(st.st_mode));
  char target[64] = {0};
  printf("readlink: %zd %s\n", readlink("/data/ln", target, sizeof target - 1), target);
  SHOW("link", link("/data/notes.txt", "/data/sub/hard"));
  SHOW("stat hard", stat("/data/sub/hard", &st));
  printf("nlink %llu\n", (unsigned long long)st.st_nlink);
  SHOW("rename", rename("/data/sub/hard", "/data/hard2"));
  SHOW("rename dir over file", rename("/data/sub", "/data/hard2"));
  SHOW("rmdir non-empty", rmdir("/data"));
  SHOW("unlink dir", unlink("/data/sub"));
  SHOW("truncate", truncate("/data/hard2", 5));
  SHOW("stat after truncate", stat("/data/notes.txt", &st));
  printf("size %lld\n", (long long)st.st_size);
  struct timespec ts[2] = {{1000, 500}, {2000, 0}};
  SHOW("utimensat", utimensat(AT_FDCWD, "/data/notes.txt", ts, 0));
  SHOW("stat times", stat("/data/notes.txt", &st));
  printf("atime %lld.%09ld mtime %lld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec);
  struct timespec omit[2] = {{0, UTIME_OMIT}, {3000, 0}};
  SHOW("utimensat omit atime", utimensat(AT_FDCWD, "/data/notes.txt", omit, 0));
  stat("/data/notes.txt", &st);
  printf("atime %lld mtime %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);
  SHOW("access existing", access("/data/notes.txt", F_OK));
  SHOW("access missing", access("/data/nope", F_OK));
  SHOW("chdir", chdir("/data/sub"));
  f = fopen("relative.txt", "w");
  printf("relative fopen: %s\n", f ? "ok" : ename(errno));
  if (f) fclose(f);
  char cwd[256];
  printf("getcwd: %s\n", getcwd(cwd, sizeof cwd) ? cwd : ename(errno));
  SHOW("chdir ..", chdir(".."));
  list("/data");
  list("/data/sub");
  int fd = open("/data/notes.txt", O_RDONLY);
  printf("lseek end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
  printf("isatty(file): %d isatty(stdout): %d\n", isatty(fd), isatty(1));
  close(fd);
  SHOW("open O_DIRECTORY on file", open("/data/notes.txt", O_RDONLY | O_DIRECTORY));
  SHOW("open O_CREAT|O_EXCL existing", open("/data/notes.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
  SHOW("open O_NOFOLLOW on link", open("/data/ln", O_RDONLY | O_NOFOLLOW));
  SHOW("remove dir", remove("/data/sub/relative.txt"));
  SHOW("rmdir empty", rmdir("/data/sub"));
  return 0;
}
