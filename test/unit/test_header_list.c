/* test_header_list.c — header validation messages, list operations and raw line parsing. */
#include "http/header_list.h"

#include <string.h>

#include <glib.h>

#include "session/error.h"

/* Checks that validating @text fails with URL_ERROR_UNKNOWN and exactly @message. */
static void assert_refused(bool (*check)(const char *, UrlError **), const char *text,
                           const char *message)
{
    UrlError *error = NULL;
    g_assert_false(check(text, &error));
    g_assert_nonnull(error);
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_UNKNOWN);
    g_assert_cmpstr(url_error_get_message(error), ==, message);
    url_error_unref(error);
    /* Without an error out-parameter the answer is the same. */
    g_assert_false(check(text, NULL));
}

static void test_valid_names(void)
{
    const char *names[] = {"X-Custom", "content-type", "!#$%&'*+-.^_`|~09azAZ", "a"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        UrlError *error = NULL;
        g_assert_true(url__header_name_is_valid(names[i], &error));
        g_assert_null(error);
        g_assert_true(url__header_is_token(names[i]));
    }
}

static void test_invalid_names(void)
{
    assert_refused(url__header_name_is_valid, "X-A\r", "header name contains CR or LF: \"X-A\\r\"");
    assert_refused(url__header_name_is_valid, "X-A\nB",
                   "header name contains CR or LF: \"X-A\\nB\"");
    assert_refused(url__header_name_is_valid, "bad name",
                   "header name is not an HTTP token: \"bad name\"");
    assert_refused(url__header_name_is_valid, "X:Y", "header name is not an HTTP token: \"X:Y\"");
    assert_refused(url__header_name_is_valid, "T\tab",
                   "header name is not an HTTP token: \"T\\tab\"");
    assert_refused(url__header_name_is_valid, "Caf\xc3\xa9",
                   "header name is not an HTTP token: \"Caf\xc3\xa9\"");
    assert_refused(url__header_name_is_valid, "", "header name is empty");
    assert_refused(url__header_name_is_valid, NULL, "header name is missing");
    g_assert_false(url__header_is_token(""));
    g_assert_false(url__header_is_token(NULL));
}

static void test_valid_values(void)
{
    const char *values[] = {"", "text/html; charset=utf-8", "tab\tinside", "caf\xc3\xa9",
                            "  spaced  "};
    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        UrlError *error = NULL;
        g_assert_true(url__header_value_is_valid(values[i], &error));
        g_assert_null(error);
    }
}

static void test_invalid_values(void)
{
    assert_refused(url__header_value_is_valid, "a\r\nInjected: 1",
                   "header value contains CR or LF: \"a\\r\\nInjected: 1\"");
    assert_refused(url__header_value_is_valid, "line\n",
                   "header value contains CR or LF: \"line\\n\"");
    assert_refused(url__header_value_is_valid, "a\x01z",
                   "header value contains a control character: \"a\\x01z\"");
    assert_refused(url__header_value_is_valid, "del\x7f",
                   "header value contains a control character: \"del\\x7f\"");
    assert_refused(url__header_value_is_valid, NULL, "header value is missing");
}

static void test_first_error_is_kept(void)
{
    UrlError *error = url_error_new(URL_ERROR_TIMED_OUT, "earlier", NULL);
    g_assert_false(url__header_name_is_valid("bad name", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_TIMED_OUT);
    g_assert_cmpstr(url_error_get_message(error), ==, "earlier");
    url_error_unref(error);
}

static void test_lookup_is_case_insensitive_and_ordered(void)
{
    UrlHeaderList *list = url__header_list_new();
    url__header_list_append(list, "Set-Cookie", "a=1");
    url__header_list_append(list, "Content-Type", "text/plain");
    url__header_list_append(list, "set-cookie", "b=2");

    g_assert_cmpuint(url__header_list_count(list), ==, 3);
    g_assert_cmpstr(url__header_list_get(list, "SET-COOKIE"), ==, "a=1");
    g_assert_cmpstr(url__header_list_get(list, "content-type"), ==, "text/plain");
    g_assert_null(url__header_list_get(list, "Accept"));
    g_assert_true(url__header_list_contains(list, "CONTENT-TYPE"));
    g_assert_false(url__header_list_contains(list, "Accept"));

    char *joined = url__header_list_get_joined(list, "Set-Cookie");
    g_assert_cmpstr(joined, ==, "a=1, b=2");
    g_free(joined);
    g_assert_null(url__header_list_get_joined(list, "Accept"));

    const char *name = NULL, *value = NULL;
    g_assert_true(url__header_list_at(list, 2, &name, &value));
    g_assert_cmpstr(name, ==, "set-cookie");
    g_assert_cmpstr(value, ==, "b=2");
    g_assert_false(url__header_list_at(list, 3, &name, &value));
    url__header_list_free(list);
}

static void test_remove_and_set(void)
{
    UrlHeaderList *list = url__header_list_new();
    url__header_list_append(list, "Accept", "a");
    url__header_list_append(list, "X-One", "1");
    url__header_list_append(list, "ACCEPT", "b");

    url__header_list_set(list, "accept", "c");
    g_assert_cmpuint(url__header_list_count(list), ==, 2);
    const char *name = NULL, *value = NULL;
    g_assert_true(url__header_list_at(list, 0, &name, &value));
    g_assert_cmpstr(name, ==, "X-One");
    g_assert_true(url__header_list_at(list, 1, &name, &value));
    g_assert_cmpstr(name, ==, "accept");
    g_assert_cmpstr(value, ==, "c");

    url__header_list_append(list, "Accept", "d");
    g_assert_cmpuint(url__header_list_remove(list, "ACCEPT"), ==, 2);
    g_assert_cmpuint(url__header_list_remove(list, "Accept"), ==, 0);
    g_assert_cmpuint(url__header_list_count(list), ==, 1);
    url__header_list_free(list);
    url__header_list_free(NULL);
}

static void test_copy_is_independent(void)
{
    UrlHeaderList *list = url__header_list_new();
    url__header_list_append(list, "A", "1");
    UrlHeaderList *copy = url__header_list_copy(list);
    url__header_list_set(copy, "A", "2");
    url__header_list_append(copy, "B", "3");
    g_assert_cmpstr(url__header_list_get(list, "A"), ==, "1");
    g_assert_cmpuint(url__header_list_count(list), ==, 1);
    g_assert_cmpstr(url__header_list_get(copy, "A"), ==, "2");
    g_assert_cmpuint(url__header_list_count(copy), ==, 2);
    url__header_list_free(list);
    url__header_list_free(copy);
}

static bool parse(UrlHeaderList *list, const char *line)
{
    return url__header_list_parse_line(list, line, strlen(line));
}

static void test_parse_lines(void)
{
    UrlHeaderList *list = url__header_list_new();
    g_assert_true(parse(list, "Content-Type:  text/html; charset=UTF-8 \t\r\n"));
    g_assert_true(parse(list, "X-Empty:\r\n"));
    g_assert_true(parse(list, "X-Lf-Only: yes\n"));
    g_assert_true(parse(list, "X-Bare-Cr: a\rb\r\n"));
    g_assert_cmpuint(url__header_list_count(list), ==, 4);

    const char *name = NULL, *value = NULL;
    g_assert_true(url__header_list_at(list, 0, &name, &value));
    g_assert_cmpstr(name, ==, "Content-Type");
    g_assert_cmpstr(value, ==, "text/html; charset=UTF-8");
    g_assert_cmpstr(url__header_list_get(list, "x-empty"), ==, "");
    g_assert_cmpstr(url__header_list_get(list, "X-Lf-Only"), ==, "yes");
    g_assert_cmpstr(url__header_list_get(list, "X-Bare-Cr"), ==, "a b");
    url__header_list_free(list);
}

static void test_parse_obs_fold(void)
{
    UrlHeaderList *list = url__header_list_new();
    g_assert_false(parse(list, " orphan continuation\r\n"));
    g_assert_true(parse(list, "X-Folded: first\r\n"));
    g_assert_true(parse(list, "   second part \r\n"));
    g_assert_true(parse(list, "\tthird\r\n"));
    g_assert_cmpuint(url__header_list_count(list), ==, 1);
    g_assert_cmpstr(url__header_list_get(list, "X-Folded"), ==, "first second part third");

    g_assert_true(parse(list, "X-Was-Empty:\r\n"));
    g_assert_true(parse(list, " now set\r\n"));
    g_assert_cmpstr(url__header_list_get(list, "X-Was-Empty"), ==, "now set");
    url__header_list_free(list);
}

static void test_parse_rejects_non_fields(void)
{
    UrlHeaderList *list = url__header_list_new();
    g_assert_false(parse(list, "no colon here\r\n"));
    g_assert_false(parse(list, ": no name\r\n"));
    g_assert_false(parse(list, "Bad Name: x\r\n"));
    g_assert_false(parse(list, "Name : space before colon\r\n"));
    g_assert_false(parse(list, "\r\n"));
    g_assert_false(url__header_list_parse_line(list, "", 0));
    /* A NUL inside the line (length covers it). */
    g_assert_false(url__header_list_parse_line(list, "X-Nul: a\0b\r\n", 12));
    g_assert_cmpuint(url__header_list_count(list), ==, 0);
    url__header_list_free(list);
}

static void test_parse_respects_length(void)
{
    /* curl's buffer is not NUL-terminated after the line: only @length bytes count. */
    const char buffer[] = "X-A: one\r\nX-B: two\r\n";
    UrlHeaderList *list = url__header_list_new();
    g_assert_true(url__header_list_parse_line(list, buffer, 10));
    g_assert_cmpuint(url__header_list_count(list), ==, 1);
    g_assert_cmpstr(url__header_list_get(list, "X-A"), ==, "one");
    g_assert_null(url__header_list_get(list, "X-B"));
    url__header_list_free(list);
}

/* Strings handed out stay put while other fields are added, set and removed: the public
 * getters of requests and configurations promise it. */
static void test_strings_stay_while_others_change(void)
{
    UrlHeaderList *list = url__header_list_new_sized(1, 16);
    url__header_list_append(list, "Keep", "kept value");
    const char *name = NULL, *value = NULL;
    g_assert_true(url__header_list_at(list, 0, &name, &value));
    for (int i = 0; i < 2000; i++) {
        char field[32], text[64];
        g_snprintf(field, sizeof field, "X-%d", i % 50);
        g_snprintf(text, sizeof text, "value number %d of a growing list", i);
        if (i % 3 == 0)
            url__header_list_set(list, field, text);
        else
            url__header_list_append(list, field, text);
        if (i % 7 == 0)
            url__header_list_remove(list, field);
    }
    g_assert_cmpstr(name, ==, "Keep");
    g_assert_cmpstr(value, ==, "kept value");
    g_assert_true(url__header_list_get(list, "keep") == value);
    url__header_list_free(list);
}

/* set() may be given strings of the field it replaces. */
static void test_set_from_own_strings(void)
{
    UrlHeaderList *list = url__header_list_new_sized(0, 0);
    url__header_list_append(list, "Accept", "text/html");
    url__header_list_append(list, "X-Other", "1");
    const char *name = NULL, *value = NULL;
    g_assert_true(url__header_list_at(list, 0, &name, &value));
    url__header_list_set(list, name, value);
    g_assert_cmpuint(url__header_list_count(list), ==, 2);
    g_assert_true(url__header_list_at(list, 1, &name, &value));
    g_assert_cmpstr(name, ==, "Accept");
    g_assert_cmpstr(value, ==, "text/html");
    url__header_list_free(list);
}

/* Fields and text beyond a list's first room, a value longer than a whole block, and a
 * copy with room for more. */
static void test_grows_past_its_room(void)
{
    UrlHeaderList *list = url__header_list_new_sized(2, 8);
    char *long_value = g_strnfill(40000, 'v');
    for (int i = 0; i < 100; i++) {
        char field[32];
        g_snprintf(field, sizeof field, "Field-%d", i);
        url__header_list_append(list, field, i == 50 ? long_value : field);
    }
    g_assert_cmpuint(url__header_list_count(list), ==, 100);
    g_assert_cmpstr(url__header_list_get(list, "field-99"), ==, "Field-99");
    g_assert_cmpstr(url__header_list_get(list, "FIELD-50"), ==, long_value);

    UrlHeaderList *copy = url__header_list_copy_with_room(list, 1, 10);
    url__header_list_append(copy, "Added", "yes");
    g_assert_cmpuint(url__header_list_count(copy), ==, 101);
    g_assert_cmpstr(url__header_list_get(copy, "Field-0"), ==, "Field-0");
    g_assert_cmpstr(url__header_list_get(copy, "Field-50"), ==, long_value);
    g_assert_cmpstr(url__header_list_get(copy, "Added"), ==, "yes");
    g_assert_cmpuint(url__header_list_remove(copy, "Field-50"), ==, 1);
    g_assert_null(url__header_list_get(copy, "Field-50"));
    g_assert_cmpstr(url__header_list_get(copy, "Field-51"), ==, "Field-51");

    UrlHeaderList *empty = url__header_list_copy_with_room(NULL, 0, 0);
    g_assert_cmpuint(url__header_list_count(empty), ==, 0);
    url__header_list_append(empty, "A", "1");
    g_assert_cmpstr(url__header_list_get(empty, "a"), ==, "1");
    g_free(long_value);
    url__header_list_free(empty);
    url__header_list_free(copy);
    url__header_list_free(list);
}

/* A continuation that no longer fits where the value is moves the field, keeping the
 * others; one that fits grows the value in place. */
static void test_parse_obs_fold_past_room(void)
{
    UrlHeaderList *list = url__header_list_new_sized(4, 24);
    g_assert_true(parse(list, "X-Folded: a\r\n"));
    g_assert_true(parse(list, " b\r\n"));
    const char *kept = url__header_list_get(list, "X-Folded");
    g_assert_cmpstr(kept, ==, "a b");
    g_assert_true(parse(list, " a much longer continuation than the room left\r\n"));
    g_assert_true(parse(list, " \r\n"));
    g_assert_cmpstr(url__header_list_get(list, "X-Folded"), ==,
                    "a b a much longer continuation than the room left");
    g_assert_true(parse(list, "X-Next: 1\r\n"));
    g_assert_true(parse(list, "X-Fold-Again: x\r\n"));
    g_assert_true(parse(list, "X-Last: y\r\n"));
    g_assert_true(parse(list, " z\r\n"));
    g_assert_cmpstr(url__header_list_get(list, "X-Next"), ==, "1");
    g_assert_cmpstr(url__header_list_get(list, "X-Fold-Again"), ==, "x");
    g_assert_cmpstr(url__header_list_get(list, "X-Last"), ==, "y z");
    g_assert_cmpuint(url__header_list_count(list), ==, 4);
    url__header_list_free(list);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/header-list/valid-names", test_valid_names);
    g_test_add_func("/header-list/invalid-names", test_invalid_names);
    g_test_add_func("/header-list/valid-values", test_valid_values);
    g_test_add_func("/header-list/invalid-values", test_invalid_values);
    g_test_add_func("/header-list/first-error-is-kept", test_first_error_is_kept);
    g_test_add_func("/header-list/lookup-is-case-insensitive-and-ordered",
                    test_lookup_is_case_insensitive_and_ordered);
    g_test_add_func("/header-list/remove-and-set", test_remove_and_set);
    g_test_add_func("/header-list/copy-is-independent", test_copy_is_independent);
    g_test_add_func("/header-list/parse-lines", test_parse_lines);
    g_test_add_func("/header-list/parse-obs-fold", test_parse_obs_fold);
    g_test_add_func("/header-list/parse-rejects-non-fields", test_parse_rejects_non_fields);
    g_test_add_func("/header-list/parse-respects-length", test_parse_respects_length);
    g_test_add_func("/header-list/strings-stay-while-others-change",
                    test_strings_stay_while_others_change);
    g_test_add_func("/header-list/set-from-own-strings", test_set_from_own_strings);
    g_test_add_func("/header-list/grows-past-its-room", test_grows_past_its_room);
    g_test_add_func("/header-list/parse-obs-fold-past-room", test_parse_obs_fold_past_room);
    return g_test_run();
}
