"""Pages as a person reads them: parsed HTML, looked up by role, label, test id or text.

A small tree built with the standard library's HTML parser (no new dependency), enough to
assert what a user observes without matching raw markup:

    doc = parse(response)
    doc.by_test_id("outcome-pending").text
    doc.summary_value("Postal address").lines
    doc.field_error("time_of_day")        # the GOV.UK error message shown at a field
    doc.error_summary()                   # the messages in the error summary, in order
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SPACES = re.compile(r"\s+")


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None = None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>{self.text[:60]!r}"

    # What a person reads -------------------------------------------------------------

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def _pieces(self, breaks: bool) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield _SPACES.sub(" ", child)  # a new line in the source is only a space
            elif child.tag == "br":
                yield "\n" if breaks else " "
            elif child.tag in ("script", "style", "template"):
                continue
            else:
                block = breaks and child.tag in BLOCK
                if block:
                    yield "\n"
                yield from child._pieces(breaks)
                if block:
                    yield "\n"

    @property
    def text(self) -> str:
        """The text, with white space collapsed as a browser shows it."""
        return _SPACES.sub(" ", "".join(self._pieces(False))).strip()

    @property
    def lines(self) -> list[str]:
        """The text as lines: a <br> or a block element starts a new one."""
        raw = "".join(self._pieces(True)).split("\n")
        return [line for line in (_SPACES.sub(" ", r).strip() for r in raw) if line]

    # Finding -------------------------------------------------------------------------

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(
        self,
        tag: str | None = None,
        *,
        cls: str | None = None,
        text: str | None = None,
        where: Callable[[Element], bool] | None = None,
        **attrs: str,
    ) -> list[Element]:
        """Descendants with this tag, class, exact text and attributes (``data_testid``
        stands for ``data-testid``)."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            el
            for el in self.iter()
            if (tag is None or el.tag == tag)
            and (cls is None or cls in el.classes)
            and (text is None or el.text == text)
            and all(el.attrs.get(name) == value for name, value in wanted.items())
            and (where is None or where(el))
        ]

    def find(self, *args, **kwargs) -> Element | None:
        found = self.find_all(*args, **kwargs)
        return found[0] if found else None

    def one(self, *args, **kwargs) -> Element:
        found = self.find_all(*args, **kwargs)
        assert len(found) == 1, f"expected one match for {args} {kwargs}, found {len(found)}"
        return found[0]

    def by_test_id(self, test_id: str) -> Element:
        return self.one(data_testid=test_id)

    @property
    def next_element(self) -> Element | None:
        """The element after this one, in the same parent."""
        siblings = [c for c in self.parent.children if isinstance(c, Element)]
        index = siblings.index(self)
        return siblings[index + 1] if index + 1 < len(siblings) else None

    def ancestor(self, tag: str) -> Element | None:
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node

    # GOV.UK components ---------------------------------------------------------------

    def heading(self, name: str) -> Element | None:
        return self.find(where=lambda el: el.tag in ("h1", "h2", "h3", "h4") and el.text == name)

    def links(self) -> list[Element]:
        return self.find_all("a")

    def link(self, name: str) -> Element | None:
        return self.find("a", where=lambda el: el.text == name)

    def buttons(self) -> list[str]:
        found = self.find_all(
            where=lambda el: el.tag == "button" or el.attrs.get("role") == "button"
        )
        found += self.find_all("input", type="submit")
        return [el.text or el.attrs.get("value", "") for el in found]

    def error_summary(self) -> list[str]:
        summary = self.find(cls="govuk-error-summary")
        if summary is None:
            return []
        return [li.text for li in summary.find_all("li")]

    def field_error(self, field_id: str) -> str | None:
        """The error message shown at a field, without the hidden "Error:" prefix."""
        message = self.find(id=f"{field_id}-error")
        if message is None:
            return None
        return message.text.removeprefix("Error:").strip()

    def label_for(self, field_id: str) -> str | None:
        label = self.find("label", where=lambda el: el.attrs.get("for") == field_id)
        return label.text if label else None

    def summary_value(self, key: str) -> Element:
        """The value of the summary list row whose key reads ``key``."""
        keys = self.find_all(cls="govuk-summary-list__key", text=key)
        assert len(keys) == 1, f"expected one summary row {key!r}, found {len(keys)}"
        row = keys[0].parent
        return row.one(cls="govuk-summary-list__value")

    def table_rows(self, table: Element | None = None) -> list[list[str]]:
        """The body rows of a table, as the text of their cells."""
        table = table or self.one("table")
        body = table.find("tbody") or table
        return [
            [cell.text for cell in row.children if isinstance(cell, Element)]
            for row in body.find_all("tr")
        ]


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page) -> Element:
    """A response (or its HTML) as a tree."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
