"""What govdata needs from the operating system, made safe for hostile or unlucky surroundings.

Why one module: the same few rules hold wherever govdata touches the machine, and each was
once broken somewhere (issue 15):

* **Output files follow the umask.** ``tempfile.mkstemp`` creates files ``0600`` whatever the
  umask, and renaming such a file into place kept the flat store's frames private to their
  writer; :func:`follow_umask` gives a file the mode ``open()`` would have given it.
* **Text printed to a terminal carries no control characters.** An agency name, a file name
  or a server's answer can hold an escape sequence (``\\x1b[2J`` clears the screen) or a
  right-to-left override; :func:`printable` strips them before anything is printed.
* **Worker processes exit when their parent dies.** A pool worker blocks on its task queue,
  and nothing closes that queue when the parent is killed (``kill -9``), so workers were left
  running forever. :func:`exit_with_parent` watches the parent's *sentinel* — the pipe that
  ``multiprocessing`` keeps open in the parent of every ``spawn``-started child and that the
  kernel closes when the parent dies, however it dies — from a daemon thread, and ends the
  worker at once. It works on Linux, macOS and Windows alike; ``prctl(PR_SET_PDEATHSIG)`` is
  Linux-only and fires when the parent *thread* ends, so it was not chosen.
* **OS errors are told in one line that names the path** (:func:`os_error_message`).

Example:
    >>> printable("晋江市\\x1b[2J人民政府\\u202e")
    '晋江市[2J人民政府'
"""

from __future__ import annotations

import errno
import os
import re
import threading
import unicodedata
from pathlib import Path


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back: there is no other way)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def follow_umask(path: str | os.PathLike, *, mode: int = 0o666) -> None:
    """Give ``path`` the permissions a file created by ``open()`` would have (``mode & ~umask``)."""
    os.chmod(path, mode & ~current_umask())


def printable(text: object) -> str:
    """``text`` without control or format characters (tabs become spaces, line breaks a space).

    Used for every line govdata prints for a person: file names, agency names, messages that
    quote a report, reasons from libraries and servers.

    Example:
        >>> printable("a\\tb\\nc\\x07\\x9b31m")
        'a b c31m'
    """
    text = str(text).replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))


# DEL, C1 controls, and the format characters that reorder or hide text (bidi overrides, zero widths)
_UNESCAPED_CONTROLS = re.compile("[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                                 "\u2066-\u206f\ufeff\ufff9-\ufffb]")


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 controls and bidi/zero-width format characters written as ``\\uXXXX``
    escapes: the same JSON value, but nothing a terminal would act on (``json.dumps`` escapes only
    U+0000–U+001F)."""
    return _UNESCAPED_CONTROLS.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)


# --- worker processes --------------------------------------------------------------------------


def exit_with_parent() -> None:
    """Initializer of pool workers: end this process as soon as its parent process ends.

    Watches ``multiprocessing.parent_process().sentinel`` (see the module docstring) in a
    daemon thread; a process that was not started by ``multiprocessing`` has none and is left as
    it is. What the worker was writing stays behind as a staging folder the next run removes.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(70)  # EX_SOFTWARE; no clean-up: the parent that would collect it is gone

    threading.Thread(target=watch, name="govdata-exit-with-parent", daemon=True).start()


# --- one-line errors ---------------------------------------------------------------------------

_POLARS_OS_ERROR = re.compile(r"\(os error (\d+)\)")


def as_os_error(exc: BaseException, path: str | os.PathLike | None = None) -> OSError | None:
    """``exc`` as an OSError naming ``path`` when it is one, or an I/O failure Polars reported as a
    ComputeError ("… No space left on device (os error 28)"); None for any other error."""
    if isinstance(exc, OSError):
        if exc.filename is None and path is not None:
            code = exc.errno
            return type(exc)(code, exc.strerror or str(exc), os.fspath(path)) if code is not None \
                else OSError(errno.EIO, str(exc) or type(exc).__name__, os.fspath(path))
        return exc
    match = _POLARS_OS_ERROR.search(str(exc))
    if match and type(exc).__module__.startswith("polars"):
        code = int(match.group(1))
        return OSError(code, os.strerror(code), os.fspath(path) if path is not None else None)
    return None


def os_error_message(exc: OSError, hint: str | os.PathLike | None = None) -> str:
    """One line: the path (the error's own, else ``hint``) and what went wrong, in words.

    Example:
        >>> os_error_message(OSError(28, "No space left on device", "/data/processed/v-1/x.parquet"))
        '/data/processed/v-1/x.parquet: No space left on device (disk full)'
    """
    where = exc.filename if exc.filename is not None else hint
    what = exc.strerror or str(exc) or type(exc).__name__
    advice = _ADVICE.get(exc.errno or 0)
    line = f"{what}{f' ({advice})' if advice and advice not in what.lower() else ''}"
    if exc.filename2 is not None:
        line += f" (and {exc.filename2})"
    return printable(f"{Path(where) if where is not None else '?'}: {line}")


_ADVICE = {errno.ENOSPC: "disk full", errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
           errno.EPERM: "operation not permitted", errno.EDQUOT: "disk quota exceeded"}
