"""Which of a set of nodes (functions, classes, namespaces) encloses another node, from byte ranges.

tree-sitter's ``Node.parent`` walks down from the root each time, so climbing parents for every node of a file
costs the cube of its nesting (1,500 nested classes: minutes). Nested ranges sorted once answer the same
question with a binary search and a short climb.
"""

from __future__ import annotations

import bisect


class Nesting:
    """``nodes`` sorted by start (outer first on ties); ``parent[i]``: the index of the innermost node that
    contains ``nodes[i]``, or None."""

    def __init__(self, nodes: list) -> None:
        self.nodes = sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte))
        self.starts = [n.start_byte for n in self.nodes]
        self.parent: list[int | None] = []
        stack: list[int] = []
        for i, n in enumerate(self.nodes):
            while stack and self.nodes[stack[-1]].end_byte < n.end_byte:
                stack.pop()
            self.parent.append(stack[-1] if stack else None)
            stack.append(i)

    @staticmethod
    def _same(a, b) -> bool:
        return a.start_byte == b.start_byte and a.end_byte == b.end_byte and a.type == b.type

    def around(self, node) -> int | None:
        """The index of the innermost node that contains ``node`` and is not ``node`` itself."""
        i: int | None = bisect.bisect_right(self.starts, node.start_byte) - 1
        while i is not None and i >= 0:
            outer = self.nodes[i]
            if outer.end_byte >= node.end_byte and not self._same(outer, node):
                return i
            i = self.parent[i]
        return None

    def at_or_around(self, node) -> int | None:
        """``node``'s own index when it is one of ``nodes``, else the one around it."""
        i = bisect.bisect_right(self.starts, node.start_byte) - 1
        while i >= 0 and self.starts[i] == node.start_byte:
            if self._same(self.nodes[i], node):
                return i
            i -= 1
        return self.around(node)

    def chain(self, i: int | None):
        """``nodes[i]`` and every node around it, innermost first."""
        while i is not None:
            yield self.nodes[i]
            i = self.parent[i]
