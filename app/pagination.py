"""Page numbers and the GOV.UK pagination component's parameters."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PAGE = 100_000


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything odd is page 1."""
    try:
        page = int(raw or 1)
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else (self.number - 1) * self.size + 1

    @property
    def last_item(self) -> int:
        return min(self.number * self.size, self.total)

    def govuk_params(self, url_for_page) -> dict | None:
        """Parameters for govukPagination, or None when everything fits on one page."""
        if self.pages <= 1:
            return None
        params: dict = {"items": []}
        if self.number > 1:
            params["previous"] = {"href": url_for_page(self.number - 1)}
        if self.number < self.pages:
            params["next"] = {"href": url_for_page(self.number + 1)}
        shown = sorted({1, self.pages, self.number - 1, self.number, self.number + 1})
        last = 0
        for n in shown:
            if n < 1 or n > self.pages:
                continue
            if n - last > 1:
                params["items"].append({"ellipsis": True})
            params["items"].append(
                {"number": n, "href": url_for_page(n), "current": n == self.number}
            )
            last = n
        return params
