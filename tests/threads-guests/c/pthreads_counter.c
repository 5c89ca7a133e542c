// C pthreads through wasi-libc (its wasm32-wasip1-threads build): four
// threads add to a counter under a pthread mutex and signal a condition
// variable; main waits for all of them, joins them and prints the total.
#include <pthread.h>
#include <stdio.h>

#define THREADS 4
#define ROUNDS 10000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finished_cv = PTHREAD_COND_INITIALIZER;
static long counter = 0;
static int finished = 0;

static void *work(void *arg) {
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
  }
  pthread_mutex_lock(&lock);
  finished++;
  pthread_cond_signal(&finished_cv);
  pthread_mutex_unlock(&lock);
  return arg;
}

int main(void) {
  pthread_t threads[THREADS];
  for (long i = 0; i < THREADS; i++) {
    int r = pthread_create(&threads[i], NULL, work, (void *)i);
    if (r != 0) {
      printf("pthread_create failed: %d\n", r);
      return 1;
    }
  }
  pthread_mutex_lock(&lock);
  while (finished < THREADS) pthread_cond_wait(&finished_cv, &lock);
  pthread_mutex_unlock(&lock);
  long sum = 0;
  for (int i = 0; i < THREADS; i++) {
    void *ret;
    pthread_join(threads[i], &ret);
    sum += (long)ret;
  }
  printf("counter %ld\njoined %d threads, their results sum to %ld\n", counter, THREADS, sum);
  return 0;
}
