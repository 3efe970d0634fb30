""""Liknande projekt" and "Liknande metoder" on the built pages (issue 4,
item 6): present on every project and method page, linking to other items
of the same kind that exist, and kept out of the browser search index."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.build]

_SECTION = re.compile(r'<div data-pagefind-ignore>\s*<h2 id="liknande">(Liknande \w+)</h2>\s*<ul class="mb-liknande">(.*?)</ul>', re.S)


@pytest.mark.parametrize("folder, heading", [("projekt", "Liknande projekt"), ("metoder", "Liknande metoder")])
def test_every_item_page_lists_related_items(built_site, content, folder, heading):
    for slug in content[folder]:
        page = built_site / folder / slug / "index.html"
        match = _SECTION.search(page.read_text(encoding="utf-8"))
        assert match, f"{folder}/{slug}: avsnittet '{heading}' saknas"
        assert match.group(1) == heading
        targets = re.findall(r'href="\.\./\.\./' + folder + r'/([a-z0-9-]+)/"', match.group(2))
        assert targets, f"{folder}/{slug}: inga länkar under '{heading}'"
        assert slug not in targets, f"{folder}/{slug} listar sig själv"
        assert all(t in content[folder] for t in targets)
        assert len(targets) == len(set(targets)) <= 5
