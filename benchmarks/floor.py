#!/usr/bin/env python3
"""The FLOOR for ``dvsa check``: the least work any reader of these zips must do.

    python benchmarks/floor.py [--mode tree|stream] a.zip [b.zip ...]

Opens each zip and parses every ``.xml`` and ``.xaml`` member with lxml and every ``.json``
member with ``json.loads``, and does nothing else: no model, no graph, no rules, no report.
XAML is parsed in recover mode, as the reader must (libxml2 warns about clr-namespace URIs).
Parser options are the safe ones the reader uses (no entities, no network, huge_tree).

``--mode tree`` (default) builds each member's tree in one ``etree.parse`` call and drops it;
that is the fastest lxml can read a document. ``--mode stream`` reads each document with
``etree.iterparse`` (start/end events) and clears every grandchild of the root as it ends,
the pattern the reader uses for customizations.xml, so its memory stays flat; it costs more
time than ``tree`` because each event crosses into Python.

Prints one JSON line: members, bytes and seconds (wall time inside the process, after imports).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zipfile

from lxml import etree


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(recover=recover, huge_tree=True, resolve_entities=False, no_network=True)


def parse_tree(fh, recover: bool) -> None:
    tree = etree.parse(fh, _parser(recover))
    del tree


def parse_stream(fh, recover: bool) -> None:
    depth = 0
    for event, elem in etree.iterparse(fh, events=("start", "end"), recover=recover, huge_tree=True,
                                       resolve_entities=False, no_network=True):
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth == 2:
            elem.clear(keep_tail=False)
            parent = elem.getparent()
            while elem.getprevious() is not None:
                del parent[0]


def run(paths: list[str], mode: str) -> dict:
    parse = parse_tree if mode == "tree" else parse_stream
    members = xml_bytes = json_bytes = 0
    started = time.perf_counter()
    for path in paths:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                name = info.filename.lower()
                if name.endswith((".xml", ".xaml")):
                    with zf.open(info) as fh:
                        parse(fh, recover=name.endswith(".xaml"))
                    xml_bytes += info.file_size
                elif name.endswith(".json"):
                    json.loads(zf.read(info).decode("utf-8-sig"))
                    json_bytes += info.file_size
                else:
                    continue
                members += 1
    return {"mode": mode, "solutions": len(paths), "members": members, "xml_bytes": xml_bytes,
            "json_bytes": json_bytes, "seconds": round(time.perf_counter() - started, 4)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Parse every XML/XAML/JSON member of solution zips and nothing else.")
    ap.add_argument("--mode", choices=("tree", "stream"), default="tree")
    ap.add_argument("zips", nargs="+")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.zips, args.mode)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
