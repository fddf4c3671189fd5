"""Builds urlsession._urlsession for `pip install --no-build-isolation bindings/python`.

Two ways to get the C library, chosen by URLSESSION_BUILD:

- "source" (the default inside a liburlsession checkout): the library's sources under
  ../../lib are compiled into the extension, so a fresh clone needs no prior
  `cmake --install`; only the -dev packages of libcurl and GLib (pkg-config finds them).
- "system" (the default outside a checkout): link the installed liburlsession found by
  `pkg-config urlsession` (after `cmake --install build`).
"""
import glob
import os
import subprocess

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
IN_CHECKOUT = os.path.isfile(os.path.join(ROOT, "lib", "session", "session.c"))


def pkg_config(modules, what):
    try:
        out = subprocess.run(["pkg-config", what, *modules], check=True, capture_output=True,
                             text=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise SystemExit(f"pkg-config {what} {' '.join(modules)} failed: {detail.strip()}")
    return out.split()


def flags(modules):
    cflags = pkg_config(modules, "--cflags")
    libs = pkg_config(modules, "--libs")
    return {
        "include_dirs": [f[2:] for f in cflags if f.startswith("-I")],
        "extra_compile_args": [f for f in cflags if not f.startswith("-I")],
        "library_dirs": [f[2:] for f in libs if f.startswith("-L")],
        "libraries": [f[2:] for f in libs if f.startswith("-l")],
        "extra_link_args": [f for f in libs if not f.startswith(("-L", "-l"))],
    }


def extension():
    mode = os.environ.get("URLSESSION_BUILD", "source" if IN_CHECKOUT else "system")
    sources = sorted(glob.glob(os.path.join("src", "*.c")))
    common = ["-std=c11", "-D_GNU_SOURCE", "-Wno-missing-field-initializers"]
    if mode == "system":
        f = flags(["urlsession"])
    elif mode == "source":
        if not IN_CHECKOUT:
            raise SystemExit("URLSESSION_BUILD=source needs a liburlsession checkout around "
                             "bindings/python")
        f = flags(["libcurl", "glib-2.0", "gthread-2.0"])
        for layer in ("session", "http", "net"):
            sources += sorted(glob.glob(os.path.join(ROOT, "lib", layer, "*.c")))
        f["include_dirs"] = [os.path.join(ROOT, "include"), os.path.join(ROOT, "lib")] + \
            f["include_dirs"]
        common += ["-DURL_BUILDING_LIBRARY", '-DG_LOG_DOMAIN="urlsession"',
                   "-fvisibility=hidden"]
    else:
        raise SystemExit(f"URLSESSION_BUILD must be 'source' or 'system', not {mode!r}")
    return Extension(
        "urlsession._urlsession",
        sources=sources,
        include_dirs=f["include_dirs"],
        library_dirs=f["library_dirs"],
        libraries=f["libraries"],
        extra_compile_args=common + f["extra_compile_args"],
        extra_link_args=f["extra_link_args"],
    )


setup(ext_modules=[extension()])
