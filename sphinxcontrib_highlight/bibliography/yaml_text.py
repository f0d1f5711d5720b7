"""YAML read as data with the line of every value, and dates left as the text written.

CSL-YAML files and ``CITATION.cff`` are YAML. Their problems are reported at a line, so
the document is composed into PyYAML's node tree (each node knows where it starts) and
values are constructed from the nodes. PyYAML's safe loader would make ``2021-07-18`` a
``datetime.date``; both formats mean the text (CSL dates are EDTF strings, the CFF schema
asks for a string), so timestamps are not resolved here.
"""

from __future__ import annotations

from typing import Any

import yaml

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """The safe loader without the timestamp type."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Node = yaml.Node
YAMLError = yaml.YAMLError


class Document:
    """A composed YAML document: its root node, and values made from any of its nodes."""

    def __init__(self, text: str) -> None:
        """Compose ``text``; a :class:`YAMLError` (with its ``problem_mark``) if it is not YAML."""
        self._loader = _Loader(text)
        try:
            self.root: yaml.Node | None = self._loader.get_single_node()
        finally:
            self._loader.dispose()

    def value(self, node: yaml.Node) -> Any:
        """The Python value of a node (and of everything below it)."""
        return self._loader.construct_object(node, deep=True)


def line_of(node: yaml.Node) -> int:
    """The line a node starts on, counted from 1."""
    return int(node.start_mark.line) + 1


def error_line(error: yaml.YAMLError) -> int | None:
    """The line PyYAML stopped at, if it says."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return int(mark.line) + 1 if mark is not None else None


def mapping_child(node: yaml.Node, key: str) -> yaml.Node | None:
    """The value node under ``key`` in a mapping node (None if it is not a mapping or
    has no such key)."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def node_at(root: yaml.Node, path: list[str | int]) -> yaml.Node:
    """The deepest node along ``path`` (mapping keys and sequence indexes) that exists."""
    node = root
    for step in path:
        if isinstance(step, int) and isinstance(node, yaml.SequenceNode):
            if not 0 <= step < len(node.value):
                break
            node = node.value[step]
            continue
        child = mapping_child(node, str(step))
        if child is None:
            break
        node = child
    return node


def sequence_items(node: yaml.Node | None) -> list[yaml.Node]:
    """The item nodes of a sequence node ([] for anything else)."""
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []
