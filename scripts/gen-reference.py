#!/usr/bin/python3
"""gen-reference.py — the API reference in doc/reference/, generated from the public headers.

The doc comments in include/urlsession/*.h are the single source of the reference. This
script reads each `/** ... */` comment (GTK-doc-like: a `name:` line, `@param:` lines, a
description, `Returns:` and `Thread:`; or the one-line form `/** name: text. Thread: any */`)
with the declaration that follows it, and writes:

  doc/reference/<function>.md   one page per URL_API function
  doc/reference/<Type>.md       one page per opaque type, enum, callback typedef, macro
                                group and the delegate table
  doc/reference/index.md        everything, grouped by header

It also refreshes the embedded blocks of the guides: in doc/*.md (not doc/urlget.md) a
block between `<!-- embed: PATH -->` and `<!-- end embed -->` holds the text of PATH
(relative to the repository root) in a fenced code block; `<!-- embed: @thread-table -->`
holds the table of functions whose Thread: statement is more than "any".

  scripts/gen-reference.py           write the pages and refresh the embedded blocks
  scripts/gen-reference.py --check   change nothing; exit 1 when a URL_API function has no
                                     doc comment, no Thread: statement, or returns a pointer
                                     without "(transfer full)" / "(transfer none)", or when
                                     doc/reference or an embedded block is out of date

A header whose top comment has a `Thread: ...` line gives that thread statement to every
function of the header that has none of its own. Standard library only.
"""

import argparse
import os
import re
import sys
from collections import OrderedDict

HEADER_DIR = "include/urlsession"
REFERENCE_DIR = "doc/reference"
GUIDE_DIR = "doc"
GUIDES_NOT_OURS = {"urlget.md"}
EMBED_BEGIN = re.compile(r"^<!-- embed: (\S+) -->\n", re.M)
EMBED_END = "<!-- end embed -->"

# Pages that a type's page points to for more than the reference says.
SEE_ALSO = {
    "UrlErrorCode": [("Errors guide: what produces each code", "../errors.md")],
    "UrlError": [("Errors guide", "../errors.md")],
    "UrlSessionDelegate": [("Threads and callbacks", "../threads.md")],
    "UrlQueue": [("Threads and callbacks", "../threads.md")],
}

ANNOTATION = re.compile(
    r"\((transfer \w+|nullable|not nullable|optional|out|inout|in|array[^)]*|"
    r"element-type[^)]*|scope \w+)\)"
)
TAG_NAMES = ("Returns", "Thread")


# ---------------------------------------------------------------------------------------
# Reading comments


class Doc:
    """A parsed doc comment."""

    def __init__(self):
        self.name = None
        self.params = OrderedDict()  # name -> (annotations, text)
        self.paragraphs = []
        self.returns = None  # (annotations, text) or None
        self.thread = None

    def summary(self, use_params=True):
        text = self.paragraphs[0] if self.paragraphs else ""
        if not text and self.returns:
            text = "Returns " + self.returns[1]
        if not text and self.params and use_params:
            key, (_, ptext) = next(iter(self.params.items()))
            text = "@%s: %s" % (key, ptext)
        text = first_sentence(text)
        return text[:1].upper() + text[1:]


def first_sentence(text):
    m = re.match(r"(.+?[.;])(\s|$)", text)
    s = m.group(1) if m else text
    s = s.rstrip(";")
    if s and not s.endswith("."):
        s += "."
    return s


def comment_lines(raw):
    """The lines of a comment without /**, */ and the leading ' * '; indentation after the
    star is kept so that continuation lines can be told apart."""
    body = raw[3:-2]
    lines = body.split("\n")
    out = []
    for i, line in enumerate(lines):
        if i == 0:
            out.append(line.strip())
            continue
        m = re.match(r"^\s*\*(?!/) ?(.*)$", line)
        out.append(m.group(1).rstrip() if m else line.strip())
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return out


def split_annotations(text):
    """'(transfer full) (nullable): rest' -> (['transfer full', 'nullable'], 'rest')."""
    annotations = []
    pos = 0
    while True:
        m = ANNOTATION.match(text, pos)
        if not m:
            break
        annotations.append(m.group(1))
        pos = m.end()
        while pos < len(text) and text[pos] == " ":
            pos += 1
    rest = text[pos:]
    if annotations and rest.startswith(":"):
        rest = rest[1:]
    return annotations, rest.strip()


def parse_doc(raw):
    doc = Doc()
    lines = comment_lines(raw)
    if lines:
        m = re.match(r"^([A-Za-z_]\w*):(\s+(.*))?$", lines[0].strip())
        if m and m.group(1) not in TAG_NAMES:
            doc.name = m.group(1)
            rest = (m.group(3) or "").strip()
            lines = ([rest] if rest else []) + lines[1:]

    # Segments: ["desc"|"param"|"returns"|"thread", key, [text, ...]]
    segments = []
    current = None
    paragraph_break = False

    def start(kind, key, text):
        nonlocal current
        current = [kind, key, []]
        segments.append(current)
        add(text)

    def add(text):
        # Inline tags: "drops a reference. Thread: any" starts a Thread segment mid-line.
        parts = re.split(r"(?<![@\w])(Returns|Thread):\s*", text)
        if parts[0].strip():
            current[2].append(parts[0].strip())
        for i in range(1, len(parts), 2):
            start(parts[i].lower(), None, parts[i + 1])

    for line in lines:
        if not line.strip():
            if current is not None and current[0] == "desc":
                paragraph_break = True
            current = None
            continue
        indented = line[:1] in (" ", "\t")
        stripped = line.strip()
        m_param = re.match(r"^@(\w+):\s*(.*)$", stripped)
        m_tag = re.match(r"^(Returns|Thread):\s*(.*)$", stripped)
        if m_param and not indented:
            start("param", m_param.group(1), m_param.group(2))
        elif m_tag and not indented:
            start(m_tag.group(1).lower(), None, m_tag.group(2))
        elif current is not None and current[0] != "desc" and indented:
            add(stripped)
        else:
            if current is None or current[0] != "desc" or paragraph_break:
                current = ["desc", None, []]
                segments.append(current)
                paragraph_break = False
            add(stripped)

    for kind, key, texts in segments:
        text = " ".join(t for t in texts if t)
        if kind == "desc":
            if text:
                doc.paragraphs.append(text[:1].upper() + text[1:])
        elif kind == "param":
            doc.params[key] = split_annotations(text)
        elif kind == "returns":
            doc.returns = split_annotations(text)
        elif kind == "thread":
            doc.thread = text.rstrip(".")
    return doc


# ---------------------------------------------------------------------------------------
# Reading declarations


def blank_comments(text):
    """The text with every comment replaced by spaces (newlines kept), and the comments."""
    comments = []

    def repl(m):
        comments.append((m.start(), m.end(), m.group(0)))
        return re.sub(r"[^\n]", " ", m.group(0))

    code = re.sub(r"/\*.*?\*/", repl, text, flags=re.S)
    return code, comments


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def split_params(text):
    params, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            params.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        params.append(cur.strip())
    if params == ["void"]:
        return []
    return params


def param_name_type(param):
    m = re.match(r"^(.*?)(\w+)(\[\d*\])?$", param)
    ptype = re.sub(r"\s*\*", " *", m.group(1)).strip()
    ptype = re.sub(r"\* \*", "**", ptype)
    return m.group(2), ptype


def pointer_type(ctype):
    ctype = re.sub(r"\s*\*", " *", ctype).strip()
    return re.sub(r"\* \*", "**", ctype)


def join_type_name(ctype, name):
    return ctype + ("" if ctype.endswith("*") else " ") + name


def format_call(prefix, params, suffix=");", width=90):
    """A declaration wrapped like clang-format does: parameters packed after "(", or on
    indented lines when the name is long."""
    one = prefix + "(" + ", ".join(params) + suffix
    if len(one) <= width or not params:
        return one
    lead = prefix[: len(prefix) - len(prefix.lstrip())]
    if len(prefix) > 44:
        lines, indent, cur = [prefix + "("], lead + "    ", ""
    else:
        lines, indent, cur = [], " " * (len(prefix) + 1), prefix + "("
    for i, p in enumerate(params):
        piece = p + ("," if i < len(params) - 1 else suffix)
        if not cur.strip():
            cur = indent + piece
        elif cur.endswith("("):
            cur += piece
        elif len(cur) + 1 + len(piece) > width:
            lines.append(cur)
            cur = indent + piece
        else:
            cur += " " + piece
    lines.append(cur)
    return "\n".join(lines)


class Entry:
    """One documented thing: kind is function, enum, struct, callback, macros or opaque."""

    def __init__(self, kind, name, header, doc):
        self.kind = kind
        self.name = name
        self.header = header
        self.doc = doc or Doc()
        self.documented = doc is not None
        self.synopsis = ""
        self.ret = None
        self.params = []  # [(name, type)]
        self.values = []  # enums: [(name, value)]
        self.members = []  # struct: [(group, name, signature, text)]
        self.macros = []  # [(name, value)]


class Header:
    def __init__(self, name):
        self.name = name
        self.summary = ""
        self.notes = []
        self.thread = None
        self.entries = []


def parse_enum(entry, decl):
    body = decl[decl.index("{") + 1 : decl.rindex("}")]
    value = -1
    for item in split_params(body):
        m = re.match(r"^(\w+)\s*(?:=\s*(.+))?$", item.strip())
        if not m:
            continue
        if m.group(2) is not None:
            value = int(m.group(2), 0)
        else:
            value += 1
        entry.values.append((m.group(1), value))
    lines = ["typedef enum {"]
    lines += ["    %s = %d," % v for v in entry.values]
    lines.append("} %s;" % entry.name)
    entry.synopsis = "\n".join(lines)


def parse_struct(entry, text, start, end):
    body = text[text.index("{", start) + 1 : text.rindex("}", start, end)]
    group, pending = "", None
    lines = ["typedef struct %s {" % entry.name]
    for m in re.finditer(r"/\*\*.*?\*/|/\*.*?\*/|[^;/]+;", body, re.S):
        tok = m.group(0)
        if tok.startswith("/**"):
            pending = " ".join(comment_lines(tok)).strip()
            pending = squash(pending)
        elif tok.startswith("/*"):
            group = squash(tok[2:-2]).rstrip(".")
            lines.append("")
            lines.append("    /* %s */" % group)
        else:
            decl = squash(tok)
            f = re.match(r"^(.*?)\(\s*\*\s*(\w+)(\[\d+\])?\s*\)\s*\((.*)\)\s*;$", decl)
            if not f:
                continue
            ret, name, array, params = f.groups()
            sig = format_call(
                "    %s(*%s%s)" % (join_type_name(pointer_type(ret), ""), name, array or ""),
                split_params(params) or ["void"],
            )
            lines.append(sig)
            entry.members.append((group, name, sig.replace("\n    ", "\n"), pending or ""))
            pending = None
    lines.append("} %s;" % entry.name)
    entry.synopsis = "\n".join(l for i, l in enumerate(lines) if l or i != 1)


def parse_header(path, problems):
    name = os.path.basename(path)
    header = Header(name)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    code, comments = blank_comments(text)

    if comments and not comments[0][2].startswith("/**") and not text[: comments[0][0]].strip():
        top = [l.strip() for l in comment_lines("/**" + comments[0][2][2:])]
        first = top[0] if top else ""
        m = re.match(r"^%s\s+[—-]+\s+(.*)$" % re.escape(name), first)
        header.summary = m.group(1) if m else first
        notes, para = [], []
        for line in top[1:]:
            t = re.match(r"^Thread:\s*(.*)$", line)
            if t:
                header.thread = t.group(1).rstrip(".")
            elif line:
                para.append(line)
            elif para:
                notes.append(" ".join(para))
                para = []
        if para:
            notes.append(" ".join(para))
        header.notes = notes

    documented_starts = set()
    consumed = 0
    for cstart, cend, raw in comments:
        if not raw.startswith("/**") or cstart < consumed:
            continue
        pos = cend
        while pos < len(code) and code[pos].isspace():
            pos += 1
        rest = code[pos:]
        doc = parse_doc(raw)
        if rest.startswith("#define"):
            m = re.match(r"(?:#define[^\n]*\n)+", rest)
            macros = re.findall(r"#define\s+(\w+)\s+([^\n]*)", m.group(0))
            names = [n for n, _ in macros]
            prefix = os.path.commonprefix(names)
            prefix = prefix[: prefix.rfind("_") + 1] if "_" in prefix else prefix
            entry = Entry("macros", prefix.rstrip("_") if prefix else names[0], header, doc)
            entry.macros = [(n, v.strip()) for n, v in macros]
            width = max(len(n) for n in names)
            entry.synopsis = "\n".join(
                "#define %s %s" % (n.ljust(width), v.strip()) for n, v in macros
            )
            header.entries.append(entry)
            consumed = pos + m.end()
            continue
        if rest.startswith("typedef struct") and re.match(r"typedef struct \w+\s*\{", rest):
            depth, i = 0, pos
            while True:
                if code[i] == "{":
                    depth += 1
                elif code[i] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            end = code.index(";", i) + 1
            sname = re.match(r"\}\s*(\w+)", code[i:end]).group(1)
            entry = Entry("struct", sname, header, doc)
            parse_struct(entry, text, pos, end)
            header.entries.append(entry)
            consumed = end
            continue
        semi = code.find(";", pos)
        decl = squash(code[pos : semi + 1])
        if decl.startswith("typedef enum"):
            end = code.index(";", code.index("}", pos)) + 1
            decl = squash(code[pos:end])
            ename = re.search(r"\}\s*(\w+)\s*;$", decl).group(1)
            entry = Entry("enum", ename, header, doc)
            parse_enum(entry, decl)
            header.entries.append(entry)
            consumed = end
            continue
        m = re.match(r"^typedef\s+(.*?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)\s*;$", decl)
        if m:
            entry = Entry("callback", m.group(2), header, doc)
            entry.ret = pointer_type(m.group(1))
            entry.params = [param_name_type(p) for p in split_params(m.group(3))]
            entry.synopsis = format_call(
                "typedef %s(*%s)" % (join_type_name(entry.ret, ""), entry.name),
                [join_type_name(t, n) for n, t in entry.params] or ["void"],
            )
            header.entries.append(entry)
            consumed = semi + 1
            continue
        if decl.startswith("URL_API"):
            documented_starts.add(pos)
            header.entries.append(function_entry(decl, header, doc, problems))
            consumed = semi + 1
            continue
        problems.append("%s: a doc comment documents no declaration: %s" % (name, squash(raw)[:60]))

    # URL_API functions without a doc comment.
    for m in re.finditer(r"^URL_API\b", code, re.M):
        if m.start() in documented_starts:
            continue
        semi = code.find(";", m.start())
        header.entries.append(function_entry(squash(code[m.start() : semi + 1]), header, None, problems))

    # Opaque types (types.h).
    for m in re.finditer(r"typedef struct (\w+) (\w+);", code):
        header.entries.append(Entry("opaque", m.group(2), header, None))
    return header


def function_entry(decl, header, doc, problems):
    decl = decl[len("URL_API") :].strip()
    m = re.match(r"^(.*?)(\w+)\s*\((.*)\)\s*;$", decl, re.S)
    ret, name, params = m.groups()
    entry = Entry("function", name, header, doc)
    entry.ret = pointer_type(ret)
    entry.params = [param_name_type(p) for p in split_params(params)]
    entry.synopsis = format_call(
        join_type_name(entry.ret, name), [join_type_name(t, n) for n, t in entry.params] or ["void"]
    )
    if doc is not None and doc.name and doc.name != name:
        problems.append("%s: %s: the comment is named %s" % (header.name, name, doc.name))
    for p in entry.doc.params:
        if p not in [n for n, _ in entry.params]:
            problems.append("%s: %s: @%s is not a parameter" % (header.name, name, p))
    return entry


def header_order(root):
    """Headers in the order urlsession.h includes them, then the others by name."""
    names = sorted(f for f in os.listdir(os.path.join(root, HEADER_DIR)) if f.endswith(".h"))
    order = []
    umbrella = os.path.join(root, HEADER_DIR, "urlsession.h")
    if os.path.exists(umbrella):
        with open(umbrella, encoding="utf-8") as f:
            for inc in re.findall(r'#include "([\w.]+\.h)"', f.read()):
                if inc in names and inc not in order:
                    order.append(inc)
        order.insert(0, "urlsession.h")
    return order + [n for n in names if n not in order]


# ---------------------------------------------------------------------------------------
# Writing pages


class Api:
    def __init__(self, headers):
        self.headers = headers
        self.entries = [e for h in headers for e in h.entries]
        self.by_name = {e.name: e for e in self.entries}
        self.functions = [e for e in self.entries if e.kind == "function"]
        self.constants = {}
        for e in self.entries:
            for v, _ in e.values:
                self.constants[v] = e.name
            for v, _ in e.macros:
                self.constants[v] = e.name
        self.members = {}
        for e in self.entries:
            for _, mname, _, _ in e.members:
                if mname != "reserved":
                    self.members[mname] = e.name
        # Opaque types: the functions named after them (longest prefix wins).
        self.prefixes = {}
        for e in self.entries:
            if e.kind == "opaque":
                self.prefixes[e.name] = snake(e.name) + "_"
        self.owner = {}
        for f in self.functions:
            best = None
            for t, p in self.prefixes.items():
                if f.name.startswith(p) and (best is None or len(p) > len(self.prefixes[best])):
                    best = t
            if best:
                self.owner[f.name] = best

    def home_header(self, type_name):
        counts = {}
        for f in self.functions:
            if self.owner.get(f.name) == type_name:
                counts[f.header.name] = counts.get(f.header.name, 0) + 1
        if not counts:
            return None
        return max(counts, key=lambda h: counts[h])


def snake(name):
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def md_escape(text):
    return text.replace("*", r"\*").replace("|", r"\|")


def linkify(text, api, self_name=None):
    """Markdown for a comment's text: links to other pages, @param in italics."""
    out = []
    for i, chunk in enumerate(re.split(r"(`[^`]*`)", text)):
        if i % 2 == 1:
            out.append(chunk)
            continue
        pieces = []
        pos = 0
        pattern = re.compile(
            r"\b([a-z_]\w*)\(\)|@(\w+)|\b(Url[A-Z]\w*)\b|\b(URL_[A-Z0-9_]+)\b|\b([a-z]+(?:_[a-z]+)+)\b"
        )
        for m in pattern.finditer(chunk):
            pieces.append(md_escape(chunk[pos : m.start()]))
            pos = m.end()
            func, param, typ, const, word = m.groups()
            if func:
                if func in api.by_name and func != self_name:
                    pieces.append("[`%s()`](%s.md)" % (func, func))
                else:
                    pieces.append("`%s()`" % func)
            elif param:
                pieces.append("*%s*" % param)
            elif typ:
                if typ in api.by_name and typ != self_name:
                    pieces.append("[`%s`](%s.md)" % (typ, typ))
                else:
                    pieces.append("`%s`" % typ)
            elif const:
                target = api.constants.get(const)
                if target and target != self_name:
                    pieces.append("[`%s`](%s.md)" % (const, target))
                else:
                    pieces.append("`%s`" % const)
            else:
                target = api.members.get(word)
                if target:
                    anchor = word if target != self_name else word
                    page = "" if target == self_name else target + ".md"
                    pieces.append("[`%s`](%s#%s)" % (word, page, anchor))
                else:
                    pieces.append(md_escape(word))
        pieces.append(md_escape(chunk[pos:]))
        out.append("".join(pieces))
    return "".join(out)


def include_line(entry):
    if entry.header.name == "glib.h":
        return "#include <urlsession/glib.h>"
    return "#include <urlsession/urlsession.h>"


def page_head(entry, api, title=None):
    lines = [
        "# %s" % (title or entry.name),
        "",
        "[Reference](index.md) · [`%s`](index.md#%s)" % (entry.header.name, anchor(entry.header)),
        "",
        "```c",
        include_line(entry),
        "",
        entry.synopsis,
        "```",
        "",
    ]
    for p in entry.doc.paragraphs:
        lines += [linkify(p, api, entry.name), ""]
    return lines


def anchor(header):
    """GitHub's anchor for the index heading of a header."""
    return anchor_of(header.name)


def anchor_of(title):
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def annotation_note(annotations):
    notes = []
    out = "out" in annotations or "inout" in annotations
    for a in annotations:
        if a == "transfer full":
            notes.append("owned: the caller releases it" if out else "the function takes the reference")
        elif a == "transfer none":
            notes.append("borrowed" if out else "the caller keeps its reference")
        elif a == "nullable":
            notes.append("may be NULL")
        elif a == "out":
            notes.append("out")
        elif a == "optional":
            notes.append("may be NULL")
        else:
            notes.append(a)
    return notes


def params_table(entry, api):
    if not entry.params:
        return []
    lines = ["## Parameters", "", "| parameter | type | description |", "|---|---|---|"]
    for name, ptype in entry.params:
        annotations, text = entry.doc.params.get(name, ([], ""))
        notes = annotation_note(annotations)
        desc = linkify(text, api, entry.name)
        if notes:
            desc = "*(%s)* %s" % ("; ".join(notes), desc)
        lines.append("| `%s` | `%s` | %s |" % (name, ptype, desc.strip()))
    lines.append("")
    return lines


def ownership(annotations):
    if "transfer full" in annotations:
        return "**Owned** (transfer full): the caller holds a reference or copy and releases it."
    if "transfer none" in annotations:
        return "**Borrowed** (transfer none): the caller does not release it."
    return ""


def function_page(entry, api):
    lines = page_head(entry, api)
    lines += params_table(entry, api)
    lines += ["## Return value", ""]
    if entry.ret == "void":
        lines += ["None.", ""]
    else:
        annotations, text = entry.doc.returns or ([], "")
        lines += ["`%s`%s" % (entry.ret, (": " + linkify(text, api, entry.name)) if text else "")]
        lines.append("")
        own = ownership(annotations)
        if own:
            lines += [own, ""]
        if "nullable" in annotations:
            lines += ["May be NULL.", ""]
    lines += ["## Thread", ""]
    thread = entry.doc.thread or entry.header.thread
    if thread:
        lines += [linkify(thread[:1].upper() + thread[1:], api, entry.name) + ".", ""]
    else:
        lines += ["Not stated in the header.", ""]
    owner = api.owner.get(entry.name)
    if owner:
        lines += ["## See also", "", "[`%s`](%s.md)" % (owner, owner), ""]
    return lines


def enum_page(entry, api):
    lines = page_head(entry, api)
    lines += ["## Values", "", "| name | value | description |", "|---|---|---|"]
    for name, value in entry.values:
        _, text = entry.doc.params.get(name, ([], ""))
        lines.append("| `%s` | %d | %s |" % (name, value, linkify(text, api, entry.name)))
    lines.append("")
    return lines


def callback_page(entry, api):
    lines = page_head(entry, api)
    lines += params_table(entry, api)
    if entry.doc.thread:
        lines += ["## Thread", "", linkify(entry.doc.thread, api, entry.name) + ".", ""]
    return lines


def macros_page(entry, api):
    lines = page_head(entry, api, entry.name + "_*")
    lines += ["| name | value |", "|---|---|"]
    lines += ["| `%s` | `%s` |" % m for m in entry.macros]
    lines.append("")
    return lines


def struct_page(entry, api):
    lines = page_head(entry, api)
    group = None
    for g, name, sig, text in entry.members:
        if name == "reserved":
            continue
        if g != group:
            group = g
            lines += ["## %s" % g, ""]
        lines += ["### %s" % name, "", "```c", sig.strip(), "```", ""]
        if text:
            lines += [linkify(text, api, entry.name), ""]
    reserved = [m for m in entry.members if m[1] == "reserved"]
    if reserved:
        lines += ["## reserved", "", "```c", reserved[0][2].strip(), "```", ""]
        lines += [linkify(reserved[0][3], api, entry.name), ""]
    return lines


def opaque_page(entry, api):
    home = api.home_header(entry.name)
    home_header = next((h for h in api.headers if h.name == home), None)
    lines = ["# %s" % entry.name, ""]
    lines += ["[Reference](index.md) · [`%s`](index.md#%s)" % (entry.header.name, anchor(entry.header))]
    lines += ["", "```c", include_line(entry), "", "typedef struct %s %s;" % (entry.name, entry.name), "```", ""]
    if home_header:
        summary = home_header.summary
        m = re.match(r"^%s:\s*(.*)$" % re.escape(entry.name), summary)
        text = m.group(1) if m else summary
        lines += [linkify(text[:1].upper() + text[1:], api, entry.name), ""]
        for note in home_header.notes:
            lines += [linkify(note, api, entry.name), ""]
    lines += [
        "An opaque, reference-counted object: its layout is private. Functions that return "
        "one say whether the caller owns the reference (transfer full) or borrows it "
        "(transfer none).",
        "",
    ]
    funcs = [f for f in api.functions if api.owner.get(f.name) == entry.name]
    if funcs:
        lines += ["## Functions", ""]
        lines += ["- [`%s()`](%s.md) — %s" % (f.name, f.name, linkify(f.doc.summary(), api, entry.name)) for f in funcs]
        lines.append("")
    makers = [
        f
        for f in api.functions
        if api.owner.get(f.name) != entry.name and re.match(r"^(const )?%s \*$" % entry.name, f.ret)
    ]
    if makers:
        lines += ["## Returned by", ""]
        lines += ["- [`%s()`](%s.md)" % (f.name, f.name) for f in makers]
        lines.append("")
    return lines


def see_also(entry):
    extra = SEE_ALSO.get(entry.name)
    if not extra:
        return []
    lines = ["## See also" if entry.kind != "function" else "", ""]
    lines += ["- [%s](%s)" % x for x in extra]
    lines.append("")
    return lines


def footer(entry):
    return [
        "---",
        "",
        "*Generated by `scripts/gen-reference.py` from `include/urlsession/%s`; edit the "
        "header's doc comment, not this page.*" % entry.header.name,
        "",
    ]


def render_page(entry, api):
    render = {
        "function": function_page,
        "enum": enum_page,
        "callback": callback_page,
        "macros": macros_page,
        "struct": struct_page,
        "opaque": opaque_page,
    }[entry.kind]
    lines = render(entry, api) + see_also(entry) + footer(entry)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip("\n") + "\n"


KIND_TITLES = [
    ("opaque", "Types"),
    ("struct", "Structures"),
    ("enum", "Enumerations"),
    ("callback", "Callback types"),
    ("macros", "Constants"),
    ("function", "Functions"),
]


def render_index(api):
    lines = [
        "# liburlsession reference",
        "",
        "[Documentation](../index.md) · one page per public function and type, generated "
        "from the doc comments in `include/urlsession/`. Include `<urlsession/urlsession.h>` "
        "(and `<urlsession/glib.h>` for GLib integration).",
        "",
        "Conventions: *transfer full* means the caller owns what is returned and releases it "
        "(the page names the function); *transfer none* means it is borrowed and stays valid "
        "as long as the page says. *Thread* says from which threads a function may be called.",
        "",
    ]
    for h in api.headers:
        if not h.entries:
            continue
        lines += ["## %s" % h.name, ""]
        if h.summary:
            lines += [linkify(h.summary[:1].upper() + h.summary[1:], api), ""]
        for note in h.notes:
            lines += [linkify(note, api), ""]
        for kind, title in KIND_TITLES:
            items = [e for e in h.entries if e.kind == kind]
            if not items:
                continue
            lines += ["**%s**" % title, ""]
            for e in items:
                label = "`%s()`" % e.name if kind == "function" else "`%s`" % e.name
                if kind == "macros":
                    label = "`%s_*`" % e.name
                summary = e.doc.summary(kind == "function")
                if kind == "opaque":
                    home = api.home_header(e.name)
                    summary = "see [`%s`](#%s)." % (home, anchor_of(home)) if home else ""
                lines.append("- [%s](%s.md)%s" % (label, e.name, (" — " + linkify(summary, api)) if summary else ""))
            lines.append("")
    lines += [
        "---",
        "",
        "*Generated by `scripts/gen-reference.py`; edit the headers, not these pages.*",
        "",
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------
# Checks, embedded files, main


def contract_problems(api):
    problems = []
    for f in api.functions:
        where = "include/urlsession/%s: %s" % (f.header.name, f.name)
        if not f.documented:
            problems.append("%s: no doc comment" % where)
            continue
        if not (f.doc.thread or f.header.thread):
            problems.append("%s: no Thread: statement" % where)
        if f.ret.endswith("*"):
            text = " ".join(f.doc.returns[0]) + " " + f.doc.returns[1] if f.doc.returns else ""
            if "transfer full" not in text and "transfer none" not in text:
                problems.append(
                    "%s: returns %s without an ownership statement "
                    "((transfer full) or (transfer none))" % (where, f.ret)
                )
    return problems


def thread_table(api):
    """Markdown: the functions whose Thread: statement is more than "any", grouped."""
    groups = OrderedDict()
    plain = 0
    for f in api.functions:
        thread = f.doc.thread or f.header.thread or "not stated"
        if thread == "any":
            plain += 1
            continue
        groups.setdefault(thread, []).append(f.name)
    lines = ["| Thread: | functions |", "|---|---|"]
    for thread, names in groups.items():
        links = ", ".join("[`%s()`](reference/%s.md)" % (n, n) for n in names)
        lines.append("| %s | %s |" % (md_escape(re.sub(r"@(\w+)", r"\1", thread)), links))
    lines += [
        "",
        "The other %d of the %d public functions say `Thread: any`." % (plain, len(api.functions)),
    ]
    return "\n".join(lines) + "\n"


GENERATED = {"@thread-table": thread_table}


def refresh_embeds(root, text, api):
    """The guide text with every embedded block replaced by its file's current text, or
    by generated text for the names in GENERATED."""
    out, pos = [], 0
    for m in EMBED_BEGIN.finditer(text):
        if m.start() < pos:
            continue
        end = text.find(EMBED_END, m.end())
        if end < 0:
            raise SystemExit("unterminated embed of %s" % m.group(1))
        if m.group(1) in GENERATED:
            out.append(text[pos : m.end()])
            out.append(GENERATED[m.group(1)](api))
            pos = end
            continue
        path = os.path.join(root, m.group(1))
        with open(path, encoding="utf-8") as f:
            body = f.read()
        lang = "c" if path.endswith((".c", ".h")) else ("cmake" if path.endswith(".txt") else "")
        fence = "```"
        while fence in body:
            fence += "`"
        out.append(text[pos : m.end()])
        out.append("%s%s\n%s%s%s\n" % (fence, lang, body, "" if body.endswith("\n") else "\n", fence))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def guide_paths(root):
    doc = os.path.join(root, GUIDE_DIR)
    if not os.path.isdir(doc):
        return []
    return [
        os.path.join(doc, n)
        for n in sorted(os.listdir(doc))
        if n.endswith(".md") and n not in GUIDES_NOT_OURS
    ]


def generate(root):
    problems = []
    headers = [parse_header(os.path.join(root, HEADER_DIR, n), problems) for n in header_order(root)]
    api = Api(headers)
    pages = OrderedDict()
    for e in api.entries:
        pages[e.name + ".md"] = render_page(e, api)
    pages["index.md"] = render_index(api)
    return api, pages, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail when stale")
    parser.add_argument(
        "--root",
        default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        help="the repository root (default: this script's parent directory)",
    )
    args = parser.parse_args()
    root = args.root
    api, pages, problems = generate(root)
    problems += contract_problems(api)
    outdir = os.path.join(root, REFERENCE_DIR)

    stale = []
    existing = set()
    if os.path.isdir(outdir):
        existing = {n for n in os.listdir(outdir) if n.endswith(".md")}
    for name, text in pages.items():
        path = os.path.join(outdir, name)
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old != text:
            stale.append(os.path.join(REFERENCE_DIR, name))
            if not args.check:
                os.makedirs(outdir, exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    for name in sorted(existing - set(pages)):
        stale.append(os.path.join(REFERENCE_DIR, name) + " (no longer generated)")
        if not args.check:
            os.remove(os.path.join(outdir, name))
    for path in guide_paths(root):
        with open(path, encoding="utf-8") as f:
            old = f.read()
        new = refresh_embeds(root, old, api)
        if new != old:
            stale.append(os.path.relpath(path, root) + " (embedded file changed)")
            if not args.check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(new)

    for p in problems:
        print("gen-reference: %s" % p, file=sys.stderr)
    if args.check:
        for s in stale[:20]:
            print("gen-reference: out of date: %s" % s, file=sys.stderr)
        if len(stale) > 20:
            print("gen-reference: ... and %d more" % (len(stale) - 20), file=sys.stderr)
        if stale:
            print("gen-reference: run scripts/gen-reference.py to regenerate", file=sys.stderr)
        if problems or stale:
            print(
                "gen-reference: check failed: %d header problem(s), %d stale file(s)"
                % (len(problems), len(stale)),
                file=sys.stderr,
            )
            return 1
        print("gen-reference: %d pages up to date, header comments complete" % len(pages))
        return 0
    print("gen-reference: %d pages, %d written" % (len(pages), len(stale)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
