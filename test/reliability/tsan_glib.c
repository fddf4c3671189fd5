/* tsan_glib.c — makes GLib's locks visible to ThreadSanitizer in the TSan build of the
 * reliability and threading tests (linked only when URL_SANITIZE contains "thread").
 *
 * GLib 2.74 implements GMutex and GCond on Linux with futexes inside libglib, which is not
 * instrumented: TSan sees no synchronisation through them and reports every access they
 * protect as a race. These wrappers override the GLib entry points for code in the test
 * executable (the library is linked in statically), call the real functions, and tell TSan
 * what they mean with __tsan_acquire / __tsan_release on the lock's address. GLib's own
 * internal use of its locks stays invisible; tsan.supp covers exactly that. */
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>
#include <stdlib.h>

#include <glib.h>

typedef void (*MutexFunc)(GMutex *);
typedef gboolean (*MutexTryFunc)(GMutex *);
typedef void (*RecMutexFunc)(GRecMutex *);
typedef void (*CondWaitFunc)(GCond *, GMutex *);
typedef gboolean (*CondWaitUntilFunc)(GCond *, GMutex *, gint64);

/* The next definition of @name (libglib's), looked up once; atomically, since the first
 * calls may come from several threads at once. */
#define REAL(name, type)                                                                           \
    static type resolved_##name;                                                                   \
    type real_##name = __atomic_load_n(&resolved_##name, __ATOMIC_ACQUIRE);                        \
    if (real_##name == NULL) {                                                                     \
        real_##name = (type)dlsym(RTLD_NEXT, #name);                                               \
        __atomic_store_n(&resolved_##name, real_##name, __ATOMIC_RELEASE);                         \
    }

void g_mutex_lock(GMutex *mutex)
{
    REAL(g_mutex_lock, MutexFunc);
    real_g_mutex_lock(mutex);
    __tsan_acquire(mutex);
}

gboolean g_mutex_trylock(GMutex *mutex)
{
    REAL(g_mutex_trylock, MutexTryFunc);
    gboolean locked = real_g_mutex_trylock(mutex);
    if (locked)
        __tsan_acquire(mutex);
    return locked;
}

void g_mutex_unlock(GMutex *mutex)
{
    REAL(g_mutex_unlock, MutexFunc);
    __tsan_release(mutex);
    real_g_mutex_unlock(mutex);
}

void g_rec_mutex_lock(GRecMutex *mutex)
{
    REAL(g_rec_mutex_lock, RecMutexFunc);
    real_g_rec_mutex_lock(mutex);
    __tsan_acquire(mutex);
}

void g_rec_mutex_unlock(GRecMutex *mutex)
{
    REAL(g_rec_mutex_unlock, RecMutexFunc);
    __tsan_release(mutex);
    real_g_rec_mutex_unlock(mutex);
}

void g_cond_wait(GCond *cond, GMutex *mutex)
{
    REAL(g_cond_wait, CondWaitFunc);
    __tsan_release(mutex);
    real_g_cond_wait(cond, mutex);
    __tsan_acquire(mutex);
}

gboolean g_cond_wait_until(GCond *cond, GMutex *mutex, gint64 end_time)
{
    REAL(g_cond_wait_until, CondWaitUntilFunc);
    __tsan_release(mutex);
    gboolean signalled = real_g_cond_wait_until(cond, mutex, end_time);
    __tsan_acquire(mutex);
    return signalled;
}

/* GAsyncQueue hands jobs to the serial delegate queues' threads. */
typedef void (*QueuePushFunc)(GAsyncQueue *, gpointer);
typedef gpointer (*QueuePopFunc)(GAsyncQueue *);
typedef gpointer (*QueueTimeoutPopFunc)(GAsyncQueue *, guint64);

void g_async_queue_push(GAsyncQueue *queue, gpointer data)
{
    REAL(g_async_queue_push, QueuePushFunc);
    __tsan_release(queue);
    real_g_async_queue_push(queue, data);
}

gpointer g_async_queue_pop(GAsyncQueue *queue)
{
    REAL(g_async_queue_pop, QueuePopFunc);
    gpointer data = real_g_async_queue_pop(queue);
    __tsan_acquire(queue);
    return data;
}

gpointer g_async_queue_timeout_pop(GAsyncQueue *queue, guint64 timeout)
{
    REAL(g_async_queue_timeout_pop, QueueTimeoutPopFunc);
    gpointer data = real_g_async_queue_timeout_pop(queue, timeout);
    __tsan_acquire(queue);
    return data;
}

/* GThreadPool (the file I/O thread): what was pushed happens before the worker runs it.
 * One synchronisation point for every pool is coarser than the truth but never wrong
 * here: a worker only ever runs what some push handed over. */
typedef GThreadPool *(*PoolNewFunc)(GFunc, gpointer, gint, gboolean, GError **);
typedef gboolean (*PoolPushFunc)(GThreadPool *, gpointer, GError **);

static char pool_sync;

typedef struct {
    GFunc func;
    gpointer user_data;
} PoolTrampoline;

static void pool_trampoline(gpointer data, gpointer user_data)
{
    PoolTrampoline *trampoline = user_data;
    __tsan_acquire(&pool_sync);
    trampoline->func(data, trampoline->user_data);
}

GThreadPool *g_thread_pool_new(GFunc func, gpointer user_data, gint max_threads, gboolean exclusive,
                               GError **error)
{
    REAL(g_thread_pool_new, PoolNewFunc);
    /* Pools live for the process in the library: the trampoline is never freed. */
    PoolTrampoline *trampoline = malloc(sizeof *trampoline);
    trampoline->func = func;
    trampoline->user_data = user_data;
    return real_g_thread_pool_new(pool_trampoline, trampoline, max_threads, exclusive, error);
}

gboolean g_thread_pool_push(GThreadPool *pool, gpointer data, GError **error)
{
    REAL(g_thread_pool_push, PoolPushFunc);
    __tsan_release(&pool_sync);
    return real_g_thread_pool_push(pool, data, error);
}
