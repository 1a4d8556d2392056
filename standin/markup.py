"""Telegram's HTML parse mode: markup in, plain text and UTF-16 entities out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from standin.errors import ApiError, bad_request

# tag -> entity type; "span" and "tg-emoji" need an attribute, "a" needs href.
_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16_len(text: str) -> int:
    """Count UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    start: int  # utf-16 offset in the plain text
    attrs: dict[str, str]
    order: int  # how many tags opened before this one


class _HtmlParser:
    """Walk Telegram-flavoured HTML once, building plain text and entities."""

    def __init__(self, markup: str) -> None:
        self.src = markup
        self.pos = 0
        self.out: list[str] = []
        self.u16 = 0
        self.stack: list[_Open] = []
        self.entities: list[tuple[int, dict[str, Any]]] = []
        self.opened = 0

    def fail(self, message: str) -> ApiError:
        return bad_request(f"can't parse entities: {message}")

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.u16 += utf16_len(text)

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        src = self.src
        while self.pos < len(src):
            ch = src[self.pos]
            if ch == "&":
                self.entity_ref()
            elif ch == "<":
                if src.startswith("</", self.pos):
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                self.emit(ch)
                self.pos += 1
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda pair: (pair[1]["offset"], -pair[1]["length"], pair[0]))
        return "".join(self.out), [entity for _, entity in self.entities]

    def entity_ref(self) -> None:
        """Decode one character reference; a lone & stays as it is, like Telegram."""
        value, end = _char_ref(self.src, self.pos)
        self.emit(value if value is not None else "&")
        self.pos = end if value is not None else self.pos + 1

    def start_tag(self) -> None:
        src, begin = self.src, self.pos
        i = begin + 1
        while i < len(src) and not src[i].isspace() and src[i] not in ">/":
            i += 1
        if i >= len(src):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = src[begin + 1 : i].lower()
        if name not in _TAGS:
            raise self.fail(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        attrs, i = self.attributes(i, begin)
        self.check_attributes(name, attrs, begin)
        self.stack.append(_Open(name, self.u16, attrs, self.opened))
        self.opened += 1
        self.pos = i

    def attributes(self, i: int, begin: int) -> tuple[dict[str, str], int]:
        """Read name=value pairs up to '>' and return them with the index after '>'."""
        src = self.src
        attrs: dict[str, str] = {}
        while True:
            while i < len(src) and src[i].isspace():
                i += 1
            if i >= len(src):
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            if src[i] == ">":
                return attrs, i + 1
            j = i
            while j < len(src) and not src[j].isspace() and src[j] not in "=>":
                j += 1
            key = src[i:j].lower()
            while j < len(src) and src[j].isspace():
                j += 1
            if j >= len(src):
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            if src[j] != "=":
                attrs[key] = ""
                i = j
                continue
            j += 1
            while j < len(src) and src[j].isspace():
                j += 1
            if j >= len(src):
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            if src[j] in "\"'":
                close = src.find(src[j], j + 1)
                if close < 0:
                    raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
                attrs[key] = _unescape(src[j + 1 : close])
                i = close + 1
            else:
                k = j
                while k < len(src) and (src[k].isalnum() or src[k] in ".-"):
                    k += 1
                if k < len(src) and not src[k].isspace() and src[k] != ">":
                    raise self.fail(
                        f"Unexpected end of name token at byte offset {self.byte_offset(k)}"
                    )
                attrs[key] = src[j:k].lower()
                i = k

    def check_attributes(self, name: str, attrs: dict[str, str], begin: int) -> None:
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise self.fail(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset '
                f"{self.byte_offset(begin)}"
            )

    def end_tag(self) -> None:
        src, begin = self.src, self.pos
        i = begin + 2
        while i < len(src) and not src[i].isspace() and src[i] != ">":
            i += 1
        name = src[begin + 2 : i].lower()
        while i < len(src) and src[i].isspace():
            i += 1
        if i >= len(src) or src[i] != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        top = self.stack.pop()
        if name and name != top.tag:
            raise self.fail(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{top.tag}>", found "</{name}>"'
            )
        self.pos = i + 1
        self.close_entity(top)

    def close_entity(self, top: _Open) -> None:
        length = self.u16 - top.start
        if length <= 0:
            return
        entity: dict[str, Any] = {"type": _TAGS[top.tag], "offset": top.start, "length": length}
        if top.tag == "a":
            href = top.attrs.get("href", "")
            if not href:
                return
            entity["url"] = href
        elif top.tag == "tg-emoji":
            entity["custom_emoji_id"] = top.attrs["emoji-id"]
        elif top.tag == "blockquote" and "expandable" in top.attrs:
            entity["type"] = "expandable_blockquote"
        elif top.tag == "code" and self.stack and self.stack[-1].tag == "pre":
            language = top.attrs.get("class", "")
            if language.startswith("language-"):
                self.stack[-1].attrs["language"] = language.removeprefix("language-")
            return
        elif top.tag == "pre" and top.attrs.get("language"):
            entity["language"] = top.attrs["language"]
        self.entities.append((top.order, entity))


def _char_ref(src: str, pos: int) -> tuple[str | None, int]:
    """Decode &lt; &gt; &amp; &quot; or a numeric reference at pos; None if it is none."""
    i = pos + 1
    if i < len(src) and src[i] == "#":
        hexa = i + 1 < len(src) and src[i + 1] in "xX"
        j = i + 2 if hexa else i + 1
        digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
        k = j
        while k < len(src) and src[k] in digits:
            k += 1
        code = int(src[j:k], 16 if hexa else 10) if k > j and k - pos < 10 else 0
        value = chr(code) if 0 < code < 0x10FFFF else None
    else:
        k = i
        while k < len(src) and src[k].isascii() and src[k].isalpha():
            k += 1
        value = _NAMED.get(src[i:k])
    return value, (k + 1 if k < len(src) and src[k] == ";" else k)


def _unescape(value: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(value):
        decoded, end = _char_ref(value, pos) if value[pos] == "&" else (None, pos)
        if decoded is None:
            out.append(value[pos])
            pos += 1
        else:
            out.append(decoded)
            pos = end
    return "".join(out)


def parse_html(markup: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram's HTML parse mode into plain text and entities, or raise ApiError."""
    return _HtmlParser(markup).parse()
