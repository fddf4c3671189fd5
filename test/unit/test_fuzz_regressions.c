/* test_fuzz_regressions.c — inputs that made a fuzzer (test/fuzz/) fail, replayed through
 * the same target code on every test run, so that a fixed bug stays fixed. Each target is
 * compiled in here under its own name; its invariant checks abort on a regression.
 *
 * To add one: copy the crashing input (BUILD/fuzz-artifacts/<target>-crash-...) into
 * test/fuzz/corpus/<target>/regression-<what>, and its bytes into a case below. */
#define LLVMFuzzerTestOneInput fuzz_metrics_json_one
#include "../fuzz/fuzz_metrics_json.c"
#undef LLVMFuzzerTestOneInput

#include <glib.h>

/* fuzz_metrics_json: a task start of 2.5e36 s was printed with "%.6f" into a 39-byte
 * buffer and came out cut ("2575379241833274503751126179293167616."), which is not JSON. */
static void test_metrics_json_huge_double(void)
{
    static const uint8_t input[] = {0x03, 0x47, 0x7f, 0x00};
    g_assert_cmpint(fuzz_metrics_json_one(input, sizeof input), ==, 0);

    /* The same, directly: the largest finite double prints in full. */
    UrlTaskMetrics *metrics = url__task_metrics_new();
    url__task_metrics_set_task_interval(metrics, 1.7976931348623157e308, -1e300);
    char *json = url_task_metrics_to_json(metrics);
    g_assert_true(json_is_valid_object(json));
    g_assert_nonnull(strstr(json, "\"task_start\":179769313486231570"));
    free(json);
    url_task_metrics_unref(metrics);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fuzz-regressions/metrics-json/huge-double", test_metrics_json_huge_double);
    return g_test_run();
}
