/* A WASI reactor (built with -mexec-model=reactor) with an import of its
 * own: each note() appends a line to /data/notes.txt and tells the host
 * through env.log; lines() reads the file back; quit() calls exit() inside
 * an export. The WASI object tests call its exports many times. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((import_module("env"), import_name("log"))) void host_log(const char *text, int len);

static int notes;

__attribute__((export_name("buffer"))) char *buffer(int size) { return malloc(size); }

__attribute__((export_name("note"))) int note(const char *text, int len) {
  FILE *f = fopen("/data/notes.txt", "a");
  if (!f) return -1;
  fwrite(text, 1, len, f);
  fputc('\n', f);
  fclose(f);
  host_log(text, len);
  return ++notes;
}

__attribute__((export_name("lines"))) int lines(void) {
  FILE *f = fopen("/data/notes.txt", "r");
  if (!f) return -1;
  int n = 0, c;
  while ((c = fgetc(f)) != EOF)
    if (c == '\n') n++;
  fclose(f);
  return n;
}

__attribute__((export_name("quit"))) void quit(int code) {
  printf("leaving with %d\n", code);
  exit(code);
}
