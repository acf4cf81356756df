"""YAML streams to documents: split, parse with line numbers, within safe limits.

A stream is cut at its document markers (``---``/``...`` at column 0, which YAML forbids
inside any content), so each document is parsed on its own and a broken document never
hides the others. Each document is built from libyaml's events (``yaml.CSafeLoader`` when
PyYAML has libyaml, the pure-Python parser otherwise) into :class:`LineDict` and
:class:`LineList` values: plain ``dict``/``list`` subclasses that remember the line of
every key and item, so a finding can point at the exact line of a field.

Untrusted input is bounded: nesting depth, the number of nodes, alias expansion ("billion
laughs") and document size all have limits; going over one is an :class:`InputError`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

import yaml

from kubeflow_devtools.policy.errors import InputError

Loader: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
"""The fastest safe loader available: libyaml's when PyYAML was built with it."""

MAX_DEPTH = 256
MAX_NODES = 2_000_000
MAX_ALIAS_EXPANSION = 1_000_000
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


class LineDict(dict[Any, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}


class LineList(list[Any]):
    """A sequence that knows its own line and the line of each item (1-based)."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


@dataclass(frozen=True)
class Document:
    """One document of a stream: where it starts and what it holds (``None`` when empty)."""

    file: str
    index: int
    line: int
    data: Any


@dataclass(frozen=True)
class Chunk:
    """The text of one document and the 1-based line it starts at in its file.

    ``error``: why the document could not be kept (too large); :func:`parse_chunk` raises it.
    """

    index: int
    line: int
    text: str
    error: str | None = None


_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|$)", re.MULTILINE)


def split_documents(text: str) -> Iterator[Chunk]:
    """Cut a YAML stream into per-document chunks at ``---`` and ``...`` markers.

    Chunks that hold nothing but blank lines, comments and directives are not yielded.
    """
    starts = [0]
    for match in _MARKER.finditer(text):
        if match.start() != 0:
            starts.append(match.start())
    starts.append(len(text))
    index = 0
    line = 1
    for begin, end in itertools.pairwise(starts):
        piece = text[begin:end]
        if _has_content(piece):
            yield Chunk(index=index, line=line, text=piece)
            index += 1
        line += piece.count("\n")


_BLANK = re.compile(r"^\s*(?:#.*)?$|^(?:---|\.\.\.)\s*(?:#.*)?$|^%", re.MULTILINE)


_HEAD = 4096


def _has_content(piece: str) -> bool:
    """Whether a chunk holds anything but blank lines, comments, markers and directives."""
    if len(piece) > _HEAD:
        # Content is almost always in the first lines: look there before splitting it all.
        head = piece[:_HEAD].splitlines()[:-1]  # the last line may be cut short
        if any(not _BLANK.match(line) for line in head):
            return True
    return any(not _BLANK.match(line) for line in piece.splitlines())


_MARKER_BYTES = re.compile(rb"^(?:---|\.\.\.)(?=[ \t\r\n]|$)", re.MULTILINE)


def _markers(buf: bytearray, start: int, end: int) -> list[int]:
    """Where document markers start in ``buf[start:end]``, a run of whole lines.

    What ``_MARKER_BYTES.finditer(buf, start, end)`` finds, with ``find`` (much faster).
    """
    found = [start] if _MARKER_BYTES.match(buf, start, end) else []
    for needle in (b"\n---", b"\n..."):
        at = buf.find(needle, start, end)
        while at >= 0:
            after = at + 4
            if after == end or buf[after] in b" \t\r\n":
                found.append(at + 1)
            at = buf.find(needle, after, end)
    return sorted(found)


STREAM_BLOCK = 256 * 1024
"""How much of a file :func:`stream_documents` reads at a time."""


def stream_documents(
    file: str, stream: BinaryIO, block_size: int = STREAM_BLOCK
) -> Iterator[Chunk]:
    """:func:`split_documents` over a binary stream, holding one document at a time.

    The chunks are those of ``split_documents(decode(file, stream.read()))``, but the whole file is
    never in memory: a 12 MB render costs the size of its largest document. Each document's bytes
    are checked the way :func:`kubeflow_devtools.policy.sources.decode` checks a file: a NUL byte or
    invalid UTF-8 raises :class:`InputError` naming the line (the rest of the stream is not read). A
    document over :data:`MAX_DOCUMENT_BYTES` is dropped as it is read: its chunk carries an error,
    and the documents after it are still read.
    """
    splitter = _Splitter(file)
    while True:
        block = stream.read(block_size)
        yield from splitter.feed(block)
        if not block:
            return


class _Splitter:
    """The state of :func:`stream_documents` between blocks."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.buf = bytearray()  # from the start of the current document (or of a line)
        self.scanned = 0  # buf[:scanned]: complete lines already searched for markers
        self.line = 1  # the line buf[0] is on
        self.offset = 0  # the file offset of buf[0]
        self.index = 0
        self.oversized: int | None = None  # the line of a too-large document being dropped
        self.mid_line = False  # buf[0] is inside a line (bytes before it were dropped)
        self.cursor = 0  # a position in buf ...
        self.cursor_line = 1  # ... and its line, so that lines are counted once

    def feed(self, block: bytes) -> Iterator[Chunk]:
        """Add a block (``b""`` at the end) and yield the documents it completes."""
        buf = self.buf
        buf += block
        end = max(buf.rfind(b"\n", self.scanned) + 1, self.scanned) if block else len(buf)
        # A marker at buf[0] starts the current document, unless that one is being dropped.
        first = 0 if self.oversized is not None and not self.mid_line else 1
        cuts = _markers(buf, self.scanned, end)
        if block and len(buf) - end >= 4 and _MARKER_BYTES.match(buf, end):
            cuts.append(end)  # an unfinished line that starts the next document
        start = 0
        for cut in cuts:
            if cut >= first:
                yield from self._piece(start, cut)
                start = cut
        if not block:
            yield from self._piece(start, len(buf))
            return
        self._drop(start)
        self.scanned = end - start
        # An unfinished line of up to 3 bytes may yet be the next document's marker.
        size = len(buf) if len(buf) - self.scanned > 3 else self.scanned
        if self.oversized is None and size > MAX_DOCUMENT_BYTES:
            self._start_skipping()
        if self.oversized is not None:
            yield from self._skip()

    def _start_skipping(self) -> None:
        """The current document (from buf[0]) is too large: drop it from now on."""
        self.oversized = self.line
        if self.scanned == 0:  # its first line is unfinished: never read it as a marker
            self._drop(len(self.buf))
            self.mid_line = True

    def _skip(self) -> Iterator[Chunk]:
        """Drop what is read of a too-large document; end it at a marker line."""
        buf = self.buf
        if self.scanned:
            self._drop(self.scanned)
            self.scanned = 0
            self.mid_line = False
        if self.mid_line:
            self._drop(len(buf))
        elif len(buf) >= 4:
            if _MARKER_BYTES.match(buf):
                # The unfinished line starts the next document: it is kept, as any document.
                yield from self._piece(0, 0)
                if len(buf) > MAX_DOCUMENT_BYTES:
                    self._start_skipping()
            else:
                self._drop(len(buf))
                self.mid_line = True

    def _line_at(self, position: int) -> int:
        """The line of ``buf[position]``."""
        if position < self.cursor:
            self.cursor, self.cursor_line = 0, self.line
        self.cursor_line += self.buf.count(b"\n", self.cursor, position)
        self.cursor = position
        return self.cursor_line

    def _drop(self, size: int) -> None:
        """Forget ``buf[:size]``, keeping count of its lines and bytes."""
        self.line = self._line_at(size)
        self.offset += size
        del self.buf[:size]
        self.cursor, self.cursor_line = 0, self.line

    def _piece(self, start: int, end: int) -> Iterator[Chunk]:
        """Yield ``buf[start:end]`` as a chunk when it has content; it ends the oversized one."""
        buf = self.buf
        line = self._line_at(start)
        if self.oversized is not None:
            message = f"document is larger than {MAX_DOCUMENT_BYTES} bytes"
            yield Chunk(self.index, self.oversized, "", error=message)
            self.index += 1
            self.oversized = None
            self.mid_line = False
            return
        nul = buf.find(b"\0", start, end)
        if nul >= 0:
            where = line + buf.count(b"\n", start, nul)
            raise InputError(self.file, where, "binary file (contains a NUL byte)")
        try:
            with memoryview(buf) as view:
                text = str(view[start:end], "utf-8")
        except UnicodeDecodeError as exc:
            where = line + buf.count(b"\n", start, start + exc.start)
            at = self.offset + start + exc.start
            raise InputError(self.file, where, f"invalid UTF-8 at byte {at}") from None
        if self.offset + start == 0:
            text = text.removeprefix("\ufeff")
        if _has_content(text):
            yield Chunk(index=self.index, line=line, text=text)
            self.index += 1


_TOP_KIND = re.compile(r"^kind:[ \t]*['\"]?([A-Za-z0-9]+)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


_TOP_API_VERSION = re.compile(
    r"^apiVersion:[ \t]*['\"]?([A-Za-z0-9.\-]+/)?[A-Za-z0-9]+['\"]?[ \t]*(?:#.*)?$", re.MULTILINE
)


def peek_kind(text: str) -> str | None:
    """The value of a top-level block-style ``kind:`` key, read without parsing.

    ``None`` when there is no such line or more than one (then only a parse can tell).
    """
    return _peek(text, "kind:", _TOP_KIND)


def peek_group_kind(text: str) -> tuple[str, str] | None:
    """The API group (``""`` for the core group) and kind of a document, read without parsing
    from its top-level block-style ``apiVersion:`` and ``kind:`` lines; ``None`` when either
    is missing or written more than once."""
    kind = peek_kind(text)
    group = _peek(text, "apiVersion:", _TOP_API_VERSION) if kind is not None else None
    return None if kind is None or group is None else (group.rstrip("/"), kind)


def _peek(text: str, prefix: str, pattern: re.Pattern[str]) -> str | None:
    """The first group of the one line that starts with ``prefix`` and matches ``pattern``."""
    found: list[str] = []
    for at in _line_starts(text, prefix):
        match = pattern.match(text, at)
        if match is not None:
            found.append(match[1] or "")
            if len(found) > 1:
                return None
    return found[0] if found else None


def _line_starts(text: str, prefix: str) -> Iterator[int]:
    """Where lines that begin with ``prefix`` start (``find`` is faster than a ``^`` regex)."""
    if text.startswith(prefix):
        yield 0
    needle = "\n" + prefix
    at = text.find(needle)
    while at >= 0:
        yield at + 1
        at = text.find(needle, at + 1)


def _events(text: str) -> Iterator[Any]:
    """libyaml's events for ``text``: ``get_event`` until it returns None (the stream's end).

    What ``yaml.parse`` yields, without its generator and ``check_event`` call per event.
    """
    return iter(Loader(text).get_event, None)


def parse_chunk(file: str, chunk: Chunk) -> Document:
    """Parse one document chunk into :class:`LineDict`/:class:`LineList` values.

    Raises :class:`InputError` naming the file and line for malformed YAML or input that
    goes over a limit.
    """
    with _yaml_errors(file, chunk):
        data = _Builder(file, chunk.line).build(_events(chunk.text))
    return Document(file=file, index=chunk.index, line=chunk.line, data=data)


def check_chunk(file: str, chunk: Chunk) -> None:
    """Check that one document chunk is well-formed YAML without building it: libyaml parses
    it in C (``raw_parse``) and makes no Python object. Nothing is built, so no limit but
    the size applies. A document that may hold an alias (which only building resolves) is
    parsed in full. Raises :class:`InputError` as :func:`parse_chunk` does.
    """
    if _ALIAS.search(chunk.text):
        parse_chunk(file, chunk)
        return
    with _yaml_errors(file, chunk):
        loader = Loader(chunk.text)
        raw_parse = getattr(loader, "raw_parse", None)
        if raw_parse is not None:
            raw_parse()
        else:  # the pure-Python parser: its events, dropped
            for _ in iter(loader.get_event, None):
                pass


_ALIAS = re.compile(r"(?:^|[\s\[{,])\*[^\s\"',\]}]")
"""What may be an alias (``*name``); quoted ``"*"`` is not one."""


@contextmanager
def _yaml_errors(file: str, chunk: Chunk) -> Iterator[None]:
    """Parse errors of ``chunk`` (and its size limit) as :class:`InputError` at their line."""
    if chunk.error is not None:
        raise InputError(file, chunk.line, chunk.error)
    if len(chunk.text) > MAX_DOCUMENT_BYTES:
        raise InputError(file, chunk.line, f"document is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = chunk.line + mark.line if mark is not None else chunk.line
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(file, line, f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a control
        line = chunk.line + chunk.text.count("\n", 0, exc.position)
        problem = str(exc).splitlines()[0]
        raise InputError(file, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())  # one line, whatever the error says
        raise InputError(file, chunk.line, f"invalid YAML: {problem}") from None
    except RecursionError:
        raise InputError(file, chunk.line, "YAML nested too deeply") from None


_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_KEPT_AS_TEXT = {_STR, "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}
_SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}


_IMPLICIT = _RESOLVER.yaml_implicit_resolvers
_CONSTRUCTORS = _CONSTRUCTOR.yaml_constructors


def _scalar(event: Any) -> Any:
    """The Python value of a scalar event, resolved the way ``yaml.safe_load`` does.

    Timestamps and binary stay text (Kubernetes reads them as strings); unknown tags read
    as text.
    """
    tag = event.tag
    value = event.value
    if tag is None or tag == "!":
        if not event.implicit[0]:
            return value  # quoted or block: a string (the resolver's default)
        if value and value[0] not in _IMPLICIT:
            return value  # no implicit type starts with this character
        tag = _RESOLVER.resolve(yaml.ScalarNode, value, event.implicit)  # type: ignore[no-untyped-call]
    if tag in _KEPT_AS_TEXT or tag not in _SCALAR_TAGS:
        return value
    node = yaml.ScalarNode(tag, value)
    try:
        return _CONSTRUCTORS[tag](_CONSTRUCTOR, node)
    except (ValueError, yaml.YAMLError):
        # Matches a number pattern but is not one (``0x_``): keep the text, as Go's YAML does.
        return value


_SCALAR_EVENT = yaml.ScalarEvent
_ALIAS_EVENT = yaml.AliasEvent
_MAPPING_START = yaml.MappingStartEvent
_SEQUENCE_START = yaml.SequenceStartEvent
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _Builder:
    """Builds one document from parser events, iteratively, with limits."""

    def __init__(self, file: str, first_line: int) -> None:
        self.file = file
        self.offset = first_line
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.expanded = 0

    def _line(self, event: Any) -> int:
        """The 1-based line in the file where ``event`` starts."""
        mark = event.start_mark
        return self.offset + (mark.line if mark is not None else 0)

    def _error(self, event: Any, message: str) -> InputError:
        return InputError(self.file, self._line(event), message)

    def build(self, events: Iterator[Any]) -> Any:
        """Consume the events of one stream holding a single document; return its value.

        Every node has a size: 1 for a scalar, 1 plus its children for a collection, the
        anchored node's size for an alias. The sum of alias sizes is what a naive consumer
        would expand, and is kept under :data:`MAX_ALIAS_EXPANSION`.
        """
        # Each frame: [container, anchor, size so far, pending key, has pending key]
        stack: list[list[Any]] = []
        root: Any = None
        documents = 0
        offset = self.offset
        for event in events:
            value: Any
            size = 1
            kind = event.__class__
            if kind is _SCALAR_EVENT:
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    self._count(event)
                value = _scalar(event)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, size)
            elif kind is _ALIAS_EVENT:
                self._count(event)
                if event.anchor not in self.anchors:
                    raise self._error(event, f"unknown alias *{event.anchor}")
                value, size = self.anchors[event.anchor]
                self.expanded += size
                if self.expanded > MAX_ALIAS_EXPANSION:
                    raise self._error(
                        event, f"aliases expand to more than {MAX_ALIAS_EXPANSION} nodes"
                    )
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                if len(stack) >= MAX_DEPTH:
                    raise self._error(event, f"YAML nested deeper than {MAX_DEPTH} levels")
                self._count(event)
                start = self._line(event)
                box = LineDict(start) if kind is _MAPPING_START else LineList(start)
                stack.append([box, event.anchor, 1, None, False])
                continue
            elif kind in _ENDS:
                value, anchor, size, _, _ = stack.pop()
                if anchor is not None:
                    self.anchors[anchor] = (value, size)
                if kind is yaml.MappingEndEvent and "<<" in value:
                    _merge(value)
                if stack:
                    stack[-1][2] += size
                    self._place(stack, value, value.line)
                else:
                    root = value
                continue
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self._error(event, "unexpected document marker")
                continue
            else:
                continue
            if stack:
                frame = stack[-1]
                frame[2] += size
                mark = event.start_mark
                line = offset + (mark.line if mark is not None else 0)
                box = frame[0]
                if box.__class__ is LineList:
                    box.append(value)
                    box.item_lines.append(line)
                elif frame[4]:
                    box[frame[3]] = value
                    frame[3], frame[4] = None, False
                elif value.__class__ is str:  # the usual key: hashable, placed here
                    frame[3], frame[4] = value, True
                    box.key_lines[value] = line
                else:
                    self._place(stack, value, line)
            else:
                root = value
        return root

    def _count(self, event: Any) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._error(event, f"document has more than {MAX_NODES} nodes")

    def _place(self, stack: list[list[Any]], value: Any, line: int | None) -> None:
        """Put ``value`` into the innermost open container (as key, value or item)."""
        if not stack:
            return
        frame = stack[-1]
        box = frame[0]
        if line is None:
            line = value.line if isinstance(value, (LineDict, LineList)) else box.line
        if isinstance(box, LineList):
            box.append(value)
            box.item_lines.append(line)
        elif not frame[4]:
            try:
                hash(value)
            except TypeError:
                value = _freeze(value)
            frame[3], frame[4] = value, True
            box.key_lines[value] = line
        else:
            box[frame[3]] = value
            frame[3], frame[4] = None, False


def _freeze(value: Any) -> Any:
    """A hashable stand-in for a complex mapping key (rare, but legal YAML)."""
    return repr(value)


def _merge(box: LineDict) -> None:
    """Apply a YAML merge key (``<<``): copy keys the mapping does not set itself."""
    sources = box.pop("<<")
    merge_line = box.key_lines.pop("<<", box.line)
    for source in sources if isinstance(sources, list) else [sources]:
        if isinstance(source, dict):
            for key, val in source.items():
                if key not in box:
                    box[key] = val
                    lines = getattr(source, "key_lines", {})
                    box.key_lines[key] = lines.get(key, merge_line)
