"""A page's template output is reused when what its template was given did
not change (site/inputs.py): the digest must move with every value the page
shows and with nothing else, and an item template must be given no more
than its own values (it could then read anything without the digest
knowing). The whole-site proof, warm = cold after front-matter edits, is in
tests/test_incremental.py."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from metodbank.bank import load_bank
from metodbank.derive import derive
from metodbank.settings import read_settings
from metodbank.site.inputs import InputDigests
from metodbank.site.pages import ForbundLink, Generator, SiteOptions
from repo_helpers import REPO


@pytest.fixture(scope="module")
def derived():
    settings = read_settings(REPO / "mkdocs.yml")
    return derive(load_bank(REPO, settings.vocab), dt.date(2026, 6, 1))


def test_a_document_counts_by_its_file_and_place(derived):
    digests = InputDigests("salt")
    doc = next(iter(derived.bank.projekt.values()))
    first = digests.of("projekt.md.j2", doc.url, {"p": doc})
    assert first == digests.of("projekt.md.j2", doc.url, {"p": doc})
    changed = dataclasses.replace(doc, digest="0" * 64)  # the same slug, other bytes (a title, a body)
    moved = dataclasses.replace(doc, path="annan/" + doc.path)
    assert len({first, digests.of("projekt.md.j2", doc.url, {"p": changed}),
                digests.of("projekt.md.j2", doc.url, {"p": moved})}) == 3
    # The salt (versions, date, vocabularies, settings), the template and the page count too.
    assert first != InputDigests("annat salt").of("projekt.md.j2", doc.url, {"p": doc})
    assert first != digests.of("metod.md.j2", doc.url, {"p": doc})
    assert first != digests.of("projekt.md.j2", "projekt/annan.md", {"p": doc})


def test_values_inside_shared_facts_move_the_digest(derived):
    digests = InputDigests("salt")
    slug, facts = next((s, f) for s, f in derived.metoder.items() if f.projekt)
    base = digests.of("metod.md.j2", slug, {"f": facts})
    # A number derived from the projects, a project in a list, the order of a list: each is shown.
    assert base != InputDigests("salt").of("metod.md.j2", slug, {"f": dataclasses.replace(facts, deltagare=-1)})
    edited = dataclasses.replace(facts.projekt[0], digest="1" * 64)
    assert base != InputDigests("salt").of("metod.md.j2", slug,
                                           {"f": dataclasses.replace(facts, projekt=[edited, *facts.projekt[1:]])})
    if len(facts.projekt) > 1:
        assert base != InputDigests("salt").of("metod.md.j2", slug,
                                               {"f": dataclasses.replace(facts, projekt=facts.projekt[::-1])})
    # A förbund as a link is its name and page, nothing more.
    link = ForbundLink("ett-forbund", "Ett förbund")
    assert digests.of("x", "y", {"l": [link]}) != digests.of("x", "y", {"l": [ForbundLink("ett-forbund", "Annat")]})


def test_a_value_it_cannot_stand_for_makes_the_page_unknowable(derived):
    class Opaque:
        pass

    assert InputDigests("salt").of("projekt.md.j2", "projekt/x.md", {"o": Opaque()}) is None
    assert InputDigests("salt").of("projekt.md.j2", "projekt/x.md", {"o": [1, {"a": Opaque()}]}) is None
    # A bank as a whole is never given to an item template: it is not digested either.
    assert InputDigests("salt").of("projekt.md.j2", "projekt/x.md", {"d": derived}) is None


def test_item_templates_are_given_no_more_than_their_own_values(derived, monkeypatch):
    """Every value an item template receives can be digested, and it never
    receives the bank: a template that read `d` would show what no digest saw."""
    generator = Generator(derived, SiteOptions())
    given: list[tuple[str, dict]] = []
    original = InputDigests.of

    def recording(self, template, src_uri, context):
        given.append((template, dict(context)))
        return original(self, template, src_uri, context)

    monkeypatch.setattr(InputDigests, "of", recording)
    generator.pages()
    templates = {template for template, _ in given}
    assert templates == {"projekt.md.j2", "metod.md.j2", "systemfel.md.j2"}
    assert len(given) == sum(len(derived.bank.documents(kind)) for kind in ("projekt", "metoder", "systemfel"))
    for template, context in list(given):
        assert not {"d", "options", "projekt_rad", "bank"} & context.keys(), (template, sorted(context))
        assert original(InputDigests("salt"), template, "x", context) is not None, template
        # A förbund only as a link: a Forbund carries all its projects, so any
        # edit of any of them would render the page again (a method's rows did).
        assert not _reaches_a_forbund(context), (template, sorted(context))


def _reaches_a_forbund(value, seen=None) -> bool:
    from metodbank.derive import Forbund

    seen = set() if seen is None else seen
    if id(value) in seen:
        return False
    seen.add(id(value))
    if isinstance(value, Forbund):
        return True
    if isinstance(value, (list, tuple)):
        return any(_reaches_a_forbund(item, seen) for item in value)
    if isinstance(value, dict):
        return any(_reaches_a_forbund(item, seen) for item in value.values())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(_reaches_a_forbund(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    return False


def test_an_item_template_that_reads_the_bank_fails_loudly(derived, tmp_path, monkeypatch):
    """StrictUndefined: `d` is not there, so a template edited to read it
    stops the build instead of showing what its digest does not cover."""
    generator = Generator(derived, SiteOptions())
    template = generator.env.from_string("{{ d.bank.projekt | length }}")
    monkeypatch.setattr(generator.env, "get_template", lambda name: template)
    doc = next(iter(derived.bank.projekt.values()))
    with pytest.raises(Exception, match="'d' is undefined"):
        generator.render("projekt.md.j2", f"projekt/{doc.slug}.md", whole_bank=False, p=doc)


def _record(src_uri: str, inputs: str):
    from metodbank.site.records import Rendered

    return Rendered.of(src_uri, "---\n---\n", f"<p>{src_uri}</p>", "", "item", True, {}, None, frozenset(), (), (),
                       inputs=inputs)


def test_last_outputs_are_read_by_page_not_in_order(tmp_path):
    """A page the last build did not have, or one that moved in the render
    order, must not make the reader hold every record after it (217 MB at
    10,000 projects): each record is read from its place when asked for."""
    from metodbank.site.records import RecordStore

    store = RecordStore(tmp_path / "sidmallar.pickle", "nyckel-1")
    writer = store.writer()
    for number in range(50):
        writer.add(_record(f"projekt/p{number}.md", f"in-{number}"))
    writer.commit()
    # The generator's whole-key reader still sees every record, in order.
    assert [r.src_uri for r in RecordStore(tmp_path / "sidmallar.pickle", "nyckel-1").load()] == \
        [f"projekt/p{n}.md" for n in range(50)]
    previous = RecordStore(tmp_path / "sidmallar.pickle", "nyckel-2").previous()  # another key: by page
    assert previous.take("projekt/ny.md", "in-ny") is None  # not there: nothing read
    assert previous.take("projekt/p49.md", "in-49").src_uri == "projekt/p49.md"  # the last, at once
    assert previous.take("projekt/p3.md", "annat") is None  # its inputs changed: rendered
    assert previous.take("projekt/p0.md", "in-0").before == "<p>projekt/p0.md</p>"
    assert previous.take("projekt/p0.md", "in-0") is None  # each record once
    assert previous.taken == 2
    previous.close()
    # A file cut short (a full disk): no index, so every page is rendered.
    data = (tmp_path / "sidmallar.pickle").read_bytes()
    (tmp_path / "sidmallar.pickle").write_bytes(data[: len(data) // 2])
    broken = RecordStore(tmp_path / "sidmallar.pickle", "nyckel-2").previous()
    assert broken.take("projekt/p1.md", "in-1") is None
