/* session_teardown.c — the end of a session: detaching it from Lua when its object is
 * closed or collected, and freeing its C state once the library is done with it.
 *
 * The library may call the delegate until did_become_invalid, with the LusSession as
 * delegate_data, and only a dispatch of the manual queue runs those calls. Once the Lua
 * object is gone nobody on the Lua side dispatches any more, so a detached session that
 * still waits for did_become_invalid gets a thread of its own that dispatches the queue
 * (callbacks then run no Lua: find_task() in delegate.c finds nothing) and frees
 * everything after it. */
#include "lua_urlsession.h"

static gint live_sessions;

LusSession *lus_session_state_new(void)
{
    LusSession *ls = g_new0(LusSession, 1);
    ls->tasks = g_hash_table_new(NULL, NULL);
    g_atomic_int_inc(&live_sessions);
    return ls;
}

static void state_free(LusSession *ls)
{
    url_session_unref(ls->session);
    url_queue_unref(ls->queue);
    g_hash_table_unref(ls->tasks);
    g_free(ls);
    g_atomic_int_add(&live_sessions, -1);
}

int lus_live_sessions(void)
{
    return g_atomic_int_get(&live_sessions);
}

static gpointer drain_main(gpointer data)
{
    LusSession *ls = data;
    while (!ls->invalid_done) {
        if (url_queue_wait(ls->queue, 1.0))
            url_queue_dispatch(ls->queue);
    }
    state_free(ls);
    return NULL;
}

void lus_session_detach(lua_State *L, LusSession *ls)
{
    if (ls->detached)
        return;
    /* Every task completes (cancelled), then did_become_invalid comes. */
    url_session_invalidate_and_cancel(ls->session);
    ls->invalidation_requested = true;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, ls->tasks);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LusTask *lt = value;
        lus_task_release_callbacks(L, lt);
        lt->in_session = false;
        lt->owner = NULL;
        lus_task_drop(lt);
    }
    g_hash_table_remove_all(ls->tasks);
    ls->detached = true;
    if (ls->dispatching)
        ls->teardown_due = true; /* lus_session_leave_dispatch() finishes it */
    else
        lus_session_teardown(ls);
}

void lus_session_teardown(LusSession *ls)
{
    /* What is queued already may include did_become_invalid: then no thread is needed. */
    if (!ls->invalid_done)
        url_queue_dispatch(ls->queue);
    if (ls->invalid_done) {
        state_free(ls);
        return;
    }
    GError *error = NULL;
    GThread *thread = g_thread_try_new("urlsession-lua", drain_main, ls, &error);
    if (!thread) {
        /* Without a thread the state must stay: the library may still call into it. */
        g_warning("urlsession (Lua): cannot start a thread to finish a closed session: %s",
                  error->message);
        g_error_free(error);
        return;
    }
    g_thread_unref(thread);
}
