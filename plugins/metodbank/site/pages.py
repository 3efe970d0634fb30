"""Generate every page the bank publishes, as Markdown source for the site
engine. Pages at ``projekt/<slug>.md`` become ``/projekt/<slug>/``."""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import os
import pickle
import re
import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .. import vokabular as v
from ..body import DOCS, RenderedBody, file_exists, render_in_worker, site_path
from ..body import version as render_version
from ..cache import write_pickle
from ..body import render as render_body
from .. import economy, reports, trends
from ..derive import Derived
from ..kinds import FOLDERS, Grad
from ..schema import generate as json_schema
from ..search.related import RelatedLists
from . import charts, format as fmt
from .inputs import InputDigests
from .pagefind import filters as pagefind_filters
from .records import Previous, Rendered, RecordStore

# The last build's template outputs (see records.py).
RECORDS = "sidmallar.pickle"


# A generated page's Markdown source is its front-matter and nothing else:
# the site engine's conversion of it is empty (Python-Markdown returns at
# once for an empty text, 0.6 ms a page less than converting a marker) and
# is swapped for :attr:`Page.html` (see :meth:`Page.fill`). The author's
# body is not in the source at all, so nothing in it can reach the engine's
# Markdown converter.
_BODY = "\x00metodbank-brödtext\x00"
# Our own templates' headings with an id: the contents list shows them.
_GENERATED_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_GENERATED_ID = re.compile(r'\bid="([^"]+)"')


class Role(enum.Enum):
    """What a generated file is to the site engine."""

    SECTION = "section"  # a listing the nav holds (projekt/index.md …)
    ITEM = "item"  # one page per project, method …: never in the nav (it is drawn on every page)
    HIDDEN = "hidden"  # a page reached otherwise (the search page, from the header)
    FILE = "file"  # data, schemas and assets: copied as they are


@dataclass
class Page:
    """A generated page: a minimal Markdown source for the site engine, and
    the finished HTML (generated parts and the author's sanitised body).

    The generated parts (headers, tables of thousands of rows, SVG) never
    pass through a Markdown converter, which cost the build three times
    plain mkdocs-material's time at 5,000 projects; the author's body is
    rendered and sanitised by the core (:mod:`metodbank.body`).
    """

    src_uri: str  # e.g. "projekt/unga-vuxna-i-arbete.md"
    content: str  # the front-matter: all the engine converts
    # The finished HTML, UTF-8 and compressed (see :meth:`of`, :meth:`pack`, :attr:`html`).
    packed: bytes = b""
    # The contents list in document order: generated sections and the
    # body's own headings, as (level, id, title as HTML).
    headings: tuple = ()
    role: "Role" = None  # what the page is to the site engine (set by the generator)
    searchable: bool = False  # listings repeat every title they list: only item pages are indexed
    filters: dict = field(default_factory=dict)  # the page's search facets, name -> values
    # A digest of everything the page is made of (see Generator._page): the
    # same digest, the same page, without joining or packing its HTML.
    digest: str = ""
    # The template's output and the rendered body, not yet joined and packed.
    parts: tuple | None = None

    @classmethod
    def of(cls, src_uri: str, content: str, html: str, headings: tuple = (), **fields) -> "Page":
        """A page with ``html`` packed."""
        digest = hashlib.sha256(f"{content}\0{html}\0{headings!r}".encode("utf-8", "surrogatepass")).hexdigest()
        return cls(src_uri, content, headings=tuple(headings), digest=digest, **fields).pack(html)

    def pack(self, html: str | None = None) -> "Page":
        """Join and pack the HTML now. Every page the engine renders waits in
        memory from the generator until then, and Python keeps our pages'
        text at two bytes a character (a dash is enough): 500 MB at 10,000
        projects as text, under 100 MB packed, for 1 s of zlib. A page an
        earlier build finished is left in parts: most are never needed."""
        if html is not None or self.parts is not None:
            html = html if html is not None else self._joined()
            self.packed, self.parts = zlib.compress(html.encode("utf-8"), 1), None
        return self

    def _joined(self) -> str:
        record, body = self.parts
        return record.before + (body.html if body is not None else "") + record.after

    @property
    def html(self) -> str:
        if self.parts is not None:
            return self._joined()
        return zlib.decompress(self.packed).decode("utf-8")

    @property
    def dest_uri(self) -> str:
        """Where the page is published, with directory URLs (``projekt/x.md``
        → ``projekt/x/index.html``)."""
        stem = self.src_uri[: -len(".md")]
        return f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html"

    def fill(self, html: str) -> str:
        """The page as published; the engine's conversion of ``content`` is
        empty, so it is replaced whole."""
        return self.html


@dataclass
class SiteOptions:
    repo_url: str = ""
    # "Liknande": (kind, slug) -> [(kind, slug, score)], perhaps still being computed (RelatedLists.start).
    related: RelatedLists = field(default_factory=lambda: RelatedLists.of({}))
    # The browser search's Pagefind bundles, relative to the site root: the
    # first is the main one, the rest are merged into it (see pagefind_index).
    search_bundles: list = field(default_factory=lambda: ["pagefind/"])
    # Where rendered bodies are kept between builds (None: not kept).
    cache_dir: Path | None = None
    # Worker processes for the bodies (worker_pool, set up with
    # body.start_worker); None: rendered in this process.
    workers: object = None
    # The reports link their PDF (made after the build by report_pdf.py).
    rapport_pdf: bool = False
    # The templates' and the code's version and today's date: part of the
    # key of the kept template outputs (see Generator.templates_key).
    cache_salt: str = ""
    # Page -> whether an earlier build finished it (left unpacked then, see Page.pack).
    finished_before: object = None


_current: Environment | None = None


def environment() -> Environment:
    """The shared environment: each template compiled once, and used without
    Jinja's check of its file on every use (``auto_reload``: 56,000 checks
    at 1,000 projects, as every page imports the macros)."""
    return _current or refresh_environment()


def refresh_environment() -> Environment:
    """The environment for the templates as they are now: once per build
    (:class:`Generator`), so that a template edited while ``make serve``
    runs is read again."""
    global _current
    _current = _environment(_templates_stamp())
    return _current


def _templates_stamp() -> tuple:
    folder = Path(str(resources.files("metodbank").joinpath("templates", "site")))
    return tuple(sorted((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
                        for entry in os.scandir(folder) if entry.is_file()))


@functools.lru_cache(maxsize=1)
def _environment(_stamp: tuple) -> Environment:
    env = Environment(
        loader=PackageLoader("metodbank", "templates/site"),
        auto_reload=False,
        # Every generated page is HTML inside Markdown: escape everything.
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(tal=fmt.tal, kr=fmt.kr, procent=fmt.procent, decimal=fmt.decimal, yaml_str=_yaml_str,
                       pagefind_text=_pagefind_text)
    # The degrees of success with their labels and meanings (templates iterate
    # Grad), the statuses, and `eller` to word a list of them ("avslutat eller avbrutet").
    env.globals.update(Grad=Grad, STATUS_SYSTEMFEL=v.STATUS_SYSTEMFEL, eller=v.eller, charts=charts)
    return env


# Pagefind's search page puts filter names and values into innerHTML, and
# its indexer decodes entities in them (an &amp;lt; written twice still
# arrived as a live <img> tag: tests/test_safe_publishing_site.py). No
# escaping survives an unknown number of decodings, so the three characters
# that can start markup or an entity are written as look-alikes instead.
_PAGEFIND_TEXT = str.maketrans({"<": "\u2039", ">": "\u203a", "&": "\uff06"})


def _pagefind_text(value) -> str:
    """A filter name or value as Pagefind may show it: ‹ › ＆ for < > &."""
    return str(value).translate(_PAGEFIND_TEXT)


def _yaml_str(value: str) -> Markup:
    # JSON strings are valid YAML scalars: safe for the page's front-matter.
    # The theme prints a page's `title` and `description` unescaped (in
    # <title>, the header, <meta content="…">, the search index), treating
    # them as HTML, so the text is HTML-escaped here first.
    return Markup(json.dumps(str(escape(str(value))), ensure_ascii=False))


@dataclass(frozen=True)
class ForbundLink:
    """What a project's page shows of a förbund: its name and its page. Not
    the förbund itself, whose list of projects would tie the page's inputs
    (see :mod:`.inputs`) to every other project of the förbund."""

    slug: str
    namn: str


def base_for(src_uri: str) -> str:
    """Relative prefix from a page's URL back to the site root."""
    depth = src_uri.count("/") + (0 if src_uri.endswith("index.md") else 1)
    return "../" * depth


class Generator:
    def __init__(self, derived: Derived, options: SiteOptions | None = None):
        self.d = derived
        self.bank = derived.bank
        self.vocab = derived.bank.vocab
        self.options = options or SiteOptions()
        self.env = refresh_environment()
        self._rows: dict[tuple[str, str], Markup] = {}
        self._row_template = None  # projekt_rad.html.j2, looked up once: it is rendered once per project and prefix
        self._exists = None  # which bank paths links may point to, made on the first link
        self._bodies = BodyCache(self.options.cache_dir / "brodtext.pickle" if self.options.cache_dir else None,
                                 self._link_context())
        self._jobs = _BodyJobs(self.options.workers)
        self._writer = None  # while rendering: where each template output is kept (see pages)
        self.reused_templates = False  # the last build's template outputs were used
        self._templates_key: str | None = None
        # While rendering after the key changed: the last outputs, for pages whose own inputs did not.
        self._previous: Previous | None = None
        self._inputs = InputDigests(self._shared_inputs())
        self.reused_pages = 0  # pages whose template output was reused that way

    def render(self, template: str, src_uri: str, body_of=None, role: Role = Role.SECTION,
               searchable: bool = False, filters: dict | None = None, whole_bank: bool = True,
               **context) -> "Page | _Deferred":
        """A page; ``body_of`` is the document whose body goes in. With
        workers, a page whose body is still being rendered (:meth:`pages`
        finishes it).

        ``whole_bank=False``: the template is given ``context`` (with
        ``vocab``, ``base`` and ``body``) and nothing else — not the bank
        ``d``, the settings or the listing rows — so its output is known
        from a digest of ``context`` (:mod:`.inputs`), and the last build's
        is reused when that digest is the same."""
        filters = filters or {}
        body_key = (body_of.kind, body_of.slug) if body_of is not None else None
        inputs, record = "", None
        if whole_bank:
            values = dict(d=self.d, options=self.options, projekt_rad=self.projekt_rad)
        else:
            values = {}
            inputs = self._inputs.of(template, src_uri, {**context, "(roll)": role, "(sökbar)": searchable,
                                                         "(filter)": filters, "(brödtext)": body_key}) or ""
            record = self._previous.take(src_uri, inputs) if self._previous is not None and inputs else None
        if record is None:
            rendered = self.env.get_template(template).render(
                vocab=self.vocab, base=base_for(src_uri), body=Markup(_BODY), **values, **context)
            front_matter, html = _split_front_matter(rendered)
            before, _mark, after = html.partition(_BODY)
            record = Rendered.of(src_uri, front_matter, before, after, role, searchable, filters, body_key,
                                 frozenset(_GENERATED_ID.findall(before)) | frozenset(_GENERATED_ID.findall(after))
                                 if body_of is not None else frozenset(),
                                 tuple(_generated_headings(before)), tuple(_generated_headings(after)),
                                 inputs=inputs)
        else:
            self.reused_pages += 1
        if self._writer is not None:
            self._writer.add(record)
        return self._with_body(record, body_of.body if body_of is not None else "")

    def _with_body(self, record: Rendered, body: str) -> "Page | _Deferred":
        if not body:
            return self._page(record, b"", None)
        key, rendered_body = self._bodies.lookup(body, record.src_uri, record.generated_ids)
        assemble = functools.partial(self._page, record, key)
        if rendered_body is not None:
            return assemble(rendered_body)
        if self.options.workers is not None:
            job = (body, record.src_uri, base_for(record.src_uri), record.generated_ids)
            return _Deferred(self._jobs.add(key, job), assemble)
        return assemble(self._bodies.store(key, self._render_here(body, record.src_uri, record.generated_ids)))

    def _page(self, record: Rendered, body_key: bytes, rendered_body: RenderedBody | None) -> Page:
        """The page of a template output and its body. Its digest is the
        record's and the body's key together: the record holds all of the page
        but the body, and the key names everything the body is rendered from."""
        headings = [*record.headings_before]
        if rendered_body is not None:
            headings += [(h.level, h.id, h.title) for h in rendered_body.headings if h.level > 1]
        headings += record.headings_after
        digest = hashlib.sha256(record.digest.encode("ascii") + b"\0" + body_key).hexdigest()
        page = Page(record.src_uri, record.front_matter, headings=tuple(headings),
                    role=record.role, searchable=record.searchable, filters=record.filters, digest=digest,
                    parts=(record, rendered_body))
        finished_before = self.options.finished_before
        return page if finished_before is not None and finished_before(page) else page.pack()

    def _render_here(self, text: str, src_uri: str, reserved_ids: frozenset) -> RenderedBody:
        """The author's Markdown as published: links resolved to site URLs,
        heading ids clear of the page's own, sanitised. Kept between builds
        (:class:`BodyCache`): Markdown and the sanitiser were half of the
        pages' cost."""
        return render_body(text, src_uri, resolve=self._resolve, base=base_for(src_uri), reserved_ids=reserved_ids)

    def _link_context(self) -> str:
        """What resolving a body's links depends on besides the body: which
        files the bank and docs/ hold."""
        h = hashlib.sha256()
        for kind in FOLDERS:
            for slug in sorted(self.bank.documents(kind)):
                h.update(f"{kind}/{slug}\0".encode())
        docs = Path(self.bank.root) / DOCS
        if docs.is_dir():
            for path in sorted(docs.rglob("*")):
                h.update(f"{path.relative_to(docs).as_posix()}\0".encode())
        return h.hexdigest()

    def _resolve(self, target: str) -> str | None:
        if self._exists is None:
            self._exists = file_exists(self.bank.root, self.bank.content_paths())
        return site_path(target, self._exists)

    def projekt_rad(self, p, base: str) -> Markup:
        """A project's listing row. The projekt index, every målgrupp page and
        every förbund page list the same project; its row is rendered once
        per link prefix (two in all) instead of once per listing."""
        key = (p.slug, base)
        row = self._rows.get(key)
        if row is None:
            if self._row_template is None:
                self._row_template = self.env.get_template("projekt_rad.html.j2")
            row = self._rows[key] = Markup(self._row_template.render(
                p=p, base=base, d=self.d, vocab=self.vocab).strip())
        return row

    def related(self, kind: str, slug: str) -> list:
        found = []
        for other_kind, other_slug, _score in self.options.related.get((kind, slug), []):
            doc = self.bank.documents(other_kind).get(other_slug)
            if doc is not None:
                found.append(doc)
        return found

    def pages(self) -> list[Page]:
        """Every generated page, with its role and search facets set once here.
        When no input of the templates changed, their last outputs are used
        and only the bodies are put in again (see :mod:`.records`)."""
        try:
            store = RecordStore(self.options.cache_dir / RECORDS if self.options.cache_dir else None,
                                self.templates_key())
            pages = self._reused(store)
            if pages is None:
                self._writer = store.writer()
                self._previous = store.previous()
                try:
                    pages = self._pages()
                except BaseException:
                    if self._writer is not None:
                        self._writer.discard()
                    raise
                finally:
                    writer, self._writer = self._writer, None
                    previous, self._previous = self._previous, None
                    previous.close()
                if writer is not None:
                    writer.commit()
            self._jobs.send(last=True)
            return [page.finish(self) if isinstance(page, _Deferred) else page for page in pages]
        finally:
            self._bodies.save()
            self._rows.clear()  # the listings' rows: every listing is rendered
            self._jobs = _BodyJobs(self.options.workers)  # its futures hold every body the workers rendered

    def _reused(self, store: RecordStore) -> list | None:
        records = store.load()
        if records is None:
            return None
        try:
            pages = [self._with_body(record, self._body(record)) for record in records]
        except Exception:  # noqa: BLE001 - a broken file: render afresh
            return None
        self.reused_templates = True
        return pages

    def _body(self, record: Rendered) -> str:
        if record.body_of is None:
            return ""
        kind, slug = record.body_of
        return self.bank.documents(kind)[slug].body

    def _shared_inputs(self) -> str:
        """What every template depends on besides its own values: the code's
        and templates' version and today's date, the vocabularies, the settings."""
        options = self.options
        return "\0".join((options.cache_salt, repr(self.vocab), options.repo_url, repr(options.search_bundles),
                           repr(options.rapport_pdf)))

    def templates_key(self) -> str:
        """A digest of everything the templates read: the front-matter of
        every document (not the bodies), the vocabularies, the settings the
        pages show, the "Liknande" lists, and ``options.cache_salt`` (the
        templates' and the code's version, today's date)."""
        if self._templates_key is not None:
            return self._templates_key
        h = hashlib.sha256()
        options = self.options
        # The "Liknande" lists by the digest of their inputs: the lists may still be being computed.
        for part in (options.cache_salt, repr(self.vocab), options.repo_url, repr(options.search_bundles),
                     repr(options.rapport_pdf), options.related.digest):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        for kind in FOLDERS:
            for slug, doc in self.bank.documents(kind).items():
                h.update(f"{kind}\0{slug}\0{doc.path}\0{doc.body_line}\0".encode("utf-8"))
                h.update(doc.meta.model_dump_json().encode("utf-8"))
        self._templates_key = h.hexdigest()
        return self._templates_key

    def _pages(self) -> list[Page]:
        d = self.d
        item, section, hidden = Role.ITEM, Role.SECTION, Role.HIDDEN
        out = [self.render("projekt_index.md.j2", "projekt/index.md", role=section, projekt=d.projekt_sorted)]
        # The item pages are given their own values only (whole_bank=False): see render.
        bank = self.bank
        # A förbund as a link, not with its projects (see ForbundLink).
        named = lambda found: [ForbundLink(f.slug, f.namn) for f in found]  # noqa: E731
        links = {slug: named(found) for slug, found in d.projekt_förbund.items()}
        for doc in d.projekt_sorted:
            m = doc.meta
            liknande = self.related("projekt", doc.slug)
            shown_metoder = [*(m.metoder or []), *(i.metod for i in m.framgång.implementerad_hos or [] if i.metod)]
            shown_systemfel = [*(o.id for o in m.systemfel or []),
                               *(s for b in m.framgång.beslut or [] for s in b.systemfel or [])]
            out.append(self.render("projekt.md.j2", f"projekt/{doc.slug}.md", role=item, searchable=True,
                                   filters=pagefind_filters.for_projekt(doc, d), whole_bank=False, p=doc,
                                   förbund=links[doc.slug], liknande=liknande,
                                   liknande_förbund={other.slug: links[other.slug] for other in liknande},
                                   metoder={slug: bank.metoder[slug] for slug in shown_metoder if slug in bank.metoder},
                                   systemfel={key: bank.systemfel[key] for key in shown_systemfel
                                              if key in bank.systemfel},
                                   body_of=doc))
        out.append(self.render("metoder_index.md.j2", "metoder/index.md", role=section))
        for slug, facts in d.metoder.items():
            out.append(self.render("metod.md.j2", f"metoder/{slug}.md", role=item, searchable=True,
                                   filters=pagefind_filters.of_kind("metoder"), whole_bank=False,
                                   f=dataclasses.replace(facts, förbund=named(facts.förbund)),
                                   liknande=self.related("metoder", slug),
                                   projekt_förbund={p.slug: links[p.slug] for p in facts.projekt},
                                   body_of=facts.metod))
        out.append(self.render("systemfel_index.md.j2", "systemfel/index.md", role=section,
                               index_rapport=reports.index_report_url(d),
                               BESLUTSNIVÅ=v.BESLUTSNIVÅ))
        for slug, facts in d.systemfel.items():
            shown = dataclasses.replace(facts, förbund=named(facts.förbund), observationer=[
                dataclasses.replace(row, förbund=named(row.förbund)) for row in facts.observationer])
            out.append(self.render("systemfel.md.j2", f"systemfel/{slug}.md", role=item, searchable=True,
                                   filters=pagefind_filters.of_kind("systemfel"), whole_bank=False, f=shown,
                                   antal_systemfel=len(d.ranking), body_of=facts.systemfel))
        out.append(self.render("malgrupper_index.md.j2", "malgrupper/index.md", role=section))
        for key in self.vocab.keys("målgrupp"):
            out.append(self.render("malgrupp.md.j2", f"malgrupper/{key}/index.md", role=item, key=key,
                                   projekt=d.by_målgrupp.get(key, []), metoder=d.metoder_per_målgrupp.get(key, [])))
        out.append(self.render("forbund_index.md.j2", "forbund/index.md", role=section))
        for slug, forbund in d.förbund.items():
            out.append(self.render("forbund.md.j2", f"forbund/{slug}/index.md", role=item, f=forbund,
                                   systemfel=d.systemfel_per_förbund.get(slug, [])))
        out.append(self.render("framgang.md.j2", "framgang/index.md", role=section))
        out.append(self.render("matris.md.j2", "matris/index.md", role=section))
        out.append(self.render("uppdatering.md.j2", "uppdatering/index.md", role=section,
                               projekt=d.behöver_uppdateras))
        out.append(self.render("hitta.md.j2", "hitta/index.md", role=section))
        # For decision-makers (issue 14): who pays and who gains, development over time, reports.
        ek = economy.economy(d)
        out.append(self.render("vem_betalar.md.j2", "vem-betalar/index.md", role=section, ek=ek.nationellt,
                               per_forbund=ek.per_förbund, forbund=None, ekonomi=economy))
        for slug, forbund in d.förbund.items():
            out.append(self.render("vem_betalar.md.j2", f"forbund/{slug}/vem-betalar.md", role=item,
                                   ek=ek.per_förbund[slug], per_forbund=ek.per_förbund, forbund=forbund,
                                   ekonomi=economy))
        out.append(self.render("utveckling.md.j2", "utveckling/index.md", role=section, t=trends.trends(d)))
        index_report = reports.index_report(d)
        out.append(self.render("systemfel_rapport.md.j2", index_report.src_uri, role=item, r=index_report,
                               hela=True))
        for facts in d.systemfel.values():
            report = reports.report(facts)
            out.append(self.render("systemfel_rapport.md.j2", report.src_uri, role=item, r=report, hela=False,
                                   index_rapport=index_report.url))
        # Reached from the header's search box, not from the nav.
        out.append(self.render("sok.md.j2", "sok/index.md", role=hidden))
        # The form is found by searching for how to submit a project.
        out.append(self.render("lamna_in.md.j2", "lamna-in/index.md", role=section, searchable=True,
                               filters=pagefind_filters.PAGE_FILTERS, schema=json_schema("projekt", self.vocab)))
        return out

    def key_figures(self, src_uri: str = "index.md") -> str:
        """The start page's key figures and pyramid, as an HTML snippet."""
        return self.render("nyckeltal.html.j2", src_uri).html


class _BodyJobs:
    """Bodies to render in the workers, sent in batches: a batch's hand-over
    costs about what one small body does, and the generator goes on
    rendering templates meanwhile."""

    BATCH = 16

    def __init__(self, workers):
        self.workers = workers
        self.waiting: list[tuple] = []  # (text, source, base, reserved_ids) of the batch being filled
        self.batches: list = []  # per batch: its future, or its jobs when they could not be sent

    def add(self, key: bytes, job: tuple) -> tuple:
        """A job's place: (key, job, batch number, index in the batch)."""
        self.waiting.append(job)
        place = (key, job, len(self.batches), len(self.waiting) - 1)
        if len(self.waiting) >= self.BATCH:
            self.send()
        return place

    def send(self, last: bool = False) -> None:
        """Send the waiting jobs; ``last``: no more will come. A build with
        fewer bodies to render than a batch (one edited project) renders
        them itself: handing them over meant waiting for the workers to
        start, 0.4 s, for a few milliseconds of work."""
        jobs, self.waiting = self.waiting, []
        if not jobs:
            return
        if last and not self.batches:
            self.batches.append(None)  # rendered by the generator (see result)
            return
        try:
            self.batches.append(self.workers.submit(render_in_worker, jobs))
        except Exception:  # noqa: BLE001 - a broken or shut pool: the generator renders them itself
            self.batches.append(None)

    def result(self, batch: int, index: int) -> RenderedBody | None:
        future = self.batches[batch]
        if future is None:
            return None
        try:
            return future.result()[index]
        except Exception:  # noqa: BLE001 - a worker died: the generator renders it itself
            self.batches[batch] = None
            return None


@dataclass
class _Deferred:
    """A page waiting for its body from the workers."""

    place: tuple  # from _BodyJobs.add
    assemble: object  # RenderedBody -> Page

    def finish(self, generator: "Generator") -> Page:
        key, (text, source, _base, reserved), batch, index = self.place
        body = generator._jobs.result(batch, index)
        if body is None:
            body = generator._render_here(text, source, reserved)
        return self.assemble(generator._bodies.store(key, body))


class BodyCache:
    """Rendered bodies by a digest of everything rendering reads: the text,
    the page, the ids it must avoid, the files links may point to, and the
    renderer's version. Only what this build used is saved."""

    VERSION = "1"

    def __init__(self, path: Path | None, link_context: str):
        self.path = path
        self.link_context = link_context
        self.stored: dict = {}
        self.used: dict = {}
        self.hits = self.misses = 0
        if path is not None:
            try:
                with open(path, "rb") as handle:
                    self.stored = pickle.load(handle)
            except Exception:  # noqa: BLE001 - missing, old or broken: render afresh
                self.stored = {}

    def lookup(self, text: str, src_uri: str, reserved_ids: frozenset) -> tuple[bytes, RenderedBody | None]:
        """The body's key, and the body rendered by an earlier build (None:
        render it and :meth:`store` it)."""
        key = hashlib.sha256("\0".join((self.VERSION, render_version(), self.link_context, src_uri,
                                        " ".join(sorted(reserved_ids)), text)).encode("utf-8")).digest()
        found = self.stored.get(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
            self.used[key] = found
        return key, found

    def store(self, key: bytes, body: RenderedBody) -> RenderedBody:
        self.used[key] = body
        return body

    def save(self) -> None:
        """Keep what this build used, and let it go: every page holds its
        body by now, and the rendered bodies were 100 MB of the build
        process at 10,000 projects while the engine rendered."""
        if self.path is not None and self.used.keys() != self.stored.keys():
            write_pickle(self.path, self.used)
        self.stored, self.used = {}, {}


def error_banner(problems) -> str:
    """The preview's banner listing the content's problems (``make serve``)."""
    return environment().get_template("felruta.html.j2").render(problem=list(problems))


def error_pages(src_uris, problems) -> list[Page]:
    """Stand-ins for the generated pages while the content has errors, so the
    preview's nav still leads somewhere and says what to fix."""
    template = environment().get_template("fel.md.j2")
    rendered = template.render(problem=list(problems), felruta=lambda found: Markup(error_banner(found)))
    front_matter, html = _split_front_matter(rendered)
    return [Page.of(uri, front_matter, html, role=Role.SECTION) for uri in src_uris]


def _generated_headings(html: str) -> list[tuple[int, str, str]]:
    return [(int(level), anchor, title.strip()) for level, anchor, title in _GENERATED_HEADING.findall(html)]


def _split_front_matter(text: str) -> tuple[str, str]:
    """(``---`` front-matter ``---`` with its newline, the rest)."""
    if text.startswith("---\n"):
        end = text.index("\n---\n", 3) + len("\n---\n")
        return text[:end], text[end:]
    return "", text


