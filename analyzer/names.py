"""Names as Dataverse writes them: assembly-qualified type names and generated step names.

Pure string helpers shared by the reader, the graph and the rules; no imports from the pipeline.
"""

from __future__ import annotations

import re


def split_qualified_name(aqn: str) -> tuple[str, str]:
    """``Ns.Type, Assembly, Version=…`` -> (``Ns.Type``, ``Assembly``); versions are ignored on purpose
    (a solution can ship assembly 1.0.37.0 while its XAML names 1.0.38.0)."""
    parts = [p.strip() for p in aqn.split(",")]
    return parts[0], (parts[1] if len(parts) > 1 else "")


def type_identity(aqn: str) -> str:
    """``ns.type, assembly`` (lower-case): how a plug-in type is known without its id."""
    type_name, assembly = split_qualified_name(aqn)
    return f"{type_name}, {assembly}".lower() if assembly else type_name.lower()


# "Contoso.Plugins.PostCreate: Create of account" — the platform's generated step name. DOTALL: with a
# newline in the name, ".+$" used to backtrack once per colon, quadratic in the name's length.
_STEP_NAME = re.compile(r"^.+?:\s+(?P<message>[A-Za-z_][\w.]*)\s+of\s+(?P<entity>.+)$", re.DOTALL)
_MAX_STEP_NAME = 2000  # generated names are a type name, a message and a table: far shorter


def infer_message(step_name: str) -> str | None:
    """The message a generated step name names (``Create`` in "X.Y: Create of account"), or None."""
    if len(step_name) > _MAX_STEP_NAME:
        return None
    match = _STEP_NAME.match(step_name.strip())
    return match.group("message") if match else None
