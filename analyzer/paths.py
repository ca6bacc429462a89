"""PATH arguments -> the packages to read: globs, folders of packages, ``--exclude``.

Globs (``build/*.zip``, ``**/*.zip``) are expanded here, sorted, because Windows shells pass them on
unexpanded. A folder that is itself a solution (``Other/Solution.xml`` inside, or ``solution.xml`` as in
an extracted zip) stays one package; any other folder stands for every ``.zip`` and every solution
folder below it (hidden folders such as ``.git`` are skipped; a solution folder is not searched
further). Every bad path is collected and reported together (``SolutionErrors``), so one typo does not
hide the next. ``--exclude`` patterns are ``fnmatch`` globs over the whole path (``*`` crosses ``/``)
or its last part: ``--exclude '*/bin/*'``, ``--exclude 'old_*.zip'``.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterable

from analyzer.errors import SolutionError, SolutionErrors

GLOB_CHARACTERS = frozenset("*?[")
OTHER_HINT = "this is the Other/ folder of an unpacked solution: pass its parent"


def expand(paths: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    """The packages the ``paths`` name, in order, each once; raises ``SolutionErrors`` naming every bad one."""
    exclude = [p for p in exclude if p]
    found: list[str] = []
    errors: list[SolutionError] = []
    for given in paths:
        try:
            found += [p for p in _packages(given) if not _excluded(p, exclude)]
        except SolutionError as exc:
            errors.append(exc)
    if errors:
        raise SolutionErrors(errors)
    seen: set[str] = set()
    unique = [p for p in found if not (os.path.normpath(p) in seen or seen.add(os.path.normpath(p)))]
    if not unique:
        raise SolutionError("no package left to read after --exclude")
    return unique


def _packages(given: str) -> list[str]:
    if not os.path.lexists(given) and GLOB_CHARACTERS & set(given):
        matches = sorted(glob.glob(given, recursive=True))
        if not matches:
            raise SolutionError("no file or folder matches this pattern", given)
        found = [p for match in matches for p in _below(match)]
    elif not os.path.lexists(given):
        raise SolutionError("no such file or folder", given)
    else:
        found = _below(given)
    if not found:
        raise SolutionError("not a solution and no package below it: no .zip, no unpacked folder (with "
                            "Other/Solution.xml), no extracted zip folder (with solution.xml)", given)
    return found


def _below(path: str) -> list[str]:
    """The packages at ``path``: itself when it is a file or a solution folder, else those inside."""
    if not os.path.isdir(path):
        parent = os.path.dirname(os.path.normpath(path))
        if os.path.basename(path).lower() == "solution.xml" and os.path.basename(parent).lower() == "other":
            raise SolutionError(f"{OTHER_HINT} ({os.path.dirname(parent) or '.'})", path)
        return [path]  # a zip, or a file the reader refuses with its own reason
    names = _names(path)
    if os.path.basename(os.path.normpath(path)).lower() == "other" and "solution.xml" in names:
        raise SolutionError(f"{OTHER_HINT} ({os.path.dirname(os.path.normpath(path)) or '.'})", path)
    if is_solution_folder(path):
        return [path]
    found = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in list(dirs):
            if is_solution_folder(os.path.join(folder, d)):
                found.append(os.path.join(folder, d))
                dirs.remove(d)
        found += [os.path.join(folder, f) for f in sorted(files) if f.lower().endswith(".zip")]
    return sorted(found)


def _names(folder: str) -> dict[str, str]:
    """Lower-case name -> the name as it is on disk."""
    try:
        return {n.lower(): n for n in os.listdir(folder)}
    except OSError:
        return {}


def is_solution_folder(folder: str) -> bool:
    """An unpacked folder (``Other/Solution.xml``) or an extracted zip (``solution.xml``); not ``Other/`` itself."""
    names = _names(folder)
    if "solution.xml" in names:
        return os.path.basename(os.path.normpath(folder)).lower() != "other"
    return "other" in names and "solution.xml" in _names(os.path.join(folder, names["other"]))


def _excluded(path: str, patterns: list[str]) -> bool:
    posix = os.path.normpath(path).replace(os.sep, "/")
    return any(fnmatch.fnmatch(posix, p) or fnmatch.fnmatch(os.path.basename(posix), p) for p in patterns)


def refuse_writing_inputs(outputs: Iterable[str | None], inputs: Iterable[str | None]) -> None:
    """The one decision on where dvsa may write: an output path that is an input (a package, the mapping file,
    the configuration, the baseline) or lies inside one (an unpacked package, a --sources folder) is refused with
    a SolutionError naming both, before anything is read or written. Real paths are compared, so a symbolic
    link or ``..`` does not hide an input. ``None`` and ``-`` (stdout) are not files."""
    real_inputs = [(given, os.path.realpath(given)) for given in inputs if given]
    for output in outputs:
        if not output or output == "-":
            continue
        real = os.path.realpath(output)
        for given, real_input in real_inputs:
            if real == real_input or real.startswith(real_input.rstrip(os.sep) + os.sep):
                what = "is" if real == real_input else "is inside"
                raise SolutionError(f"the output {what} an input ({given}), which dvsa never overwrites: "
                                    "write it to another path", output)
