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
from setuptools.command.build_ext import build_ext

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


# The library's own sources when building from the checkout. setup() arguments must be
# paths inside bindings/python, so they are compiled by BuildExt below, not listed there.
LIBRARY_SOURCES = []
LIBRARY_FLAGS = {}


class BuildExt(build_ext):
    """Compiles the library's sources (source mode) into objects linked into the extension."""

    def build_extensions(self):
        if LIBRARY_SOURCES:
            objects = self.compiler.compile(
                LIBRARY_SOURCES, output_dir=os.path.join(self.build_temp, "liburlsession"),
                macros=[("URL_BUILDING_LIBRARY", None), ("G_LOG_DOMAIN", '"urlsession"')],
                include_dirs=LIBRARY_FLAGS["include_dirs"],
                extra_postargs=["-std=c11", "-D_GNU_SOURCE", "-fvisibility=hidden"]
                + LIBRARY_FLAGS["extra_compile_args"])
            for ext in self.extensions:
                ext.extra_objects = objects + list(ext.extra_objects or [])
        super().build_extensions()


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
            LIBRARY_SOURCES.extend(sorted(glob.glob(os.path.join(ROOT, "lib", layer, "*.c"))))
        f["include_dirs"] = [os.path.join(ROOT, "include"), os.path.join(ROOT, "lib")] + \
            f["include_dirs"]
        LIBRARY_FLAGS.update(f)
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


setup(ext_modules=[extension()], cmdclass={"build_ext": BuildExt})
