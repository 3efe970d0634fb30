"""``metodbank ny projekt|metod|systemfel <slug>``: a new content file from a template.

In a terminal it asks for the key fields; otherwise it takes them as
options. The file itself — templates, checks, writing — is
:mod:`metodbank.new`; here are the options, finding the bank and the
messages. A bad or existing slug, or any value the model refuses, is a
usage error (exit 2).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import vokabular as v
from ..kinds import Grad
from ..new import KINDS, Asker, NewFileError, check_slug, create, text_field
from ..settings import bank_settings, find_root, is_bank_root
from .common import EXIT_OK, UsageError


def _span(option: str, *kinds: str) -> str:
    """The length a free-text option may have, as the content model says:
    one span, or one per kind when the kinds differ."""
    spans = {kind: text_field(kind, option).span for kind in kinds}
    if len(set(spans.values())) == 1:
        return spans[kinds[0]]
    return ", ".join(f"{kind}: {span}" for kind, span in spans.items())


def register(sub) -> None:
    p = sub.add_parser(
        "ny",
        help="skapa en ny fil för ett projekt, en metod eller ett systemfel",
        description=(
            "Skapar projekt/<slug>.md, metoder/<slug>.md eller systemfel/<slug>.md från en mall. "
            "I en terminal frågar kommandot efter fälten (för ett projekt som har startat också resultat, "
            "kalkyl, finansiering, grad och underlaget den kräver, systemfel och lärdomar); annars anges de "
            "som flaggor, och resten står som kommentarer i filen. Listor skrivs med kommatecken, både här "
            "och i frågorna: --parter kommun,region. En lärdom kan innehålla kommatecken: ange därför en "
            "--lärdom per lärdom."
        ),
    )
    p.add_argument("typ", choices=list(KINDS), metavar="{" + ",".join(KINDS) + "}", help="vilken sorts fil")
    p.add_argument("slug", help=f"filnamnet utan .md: {v.IDENTIFIER_CHARS}, t.ex. unga-vuxna-i-arbete")
    p.add_argument("--mapp", metavar="MAPP", help="metodbankens mapp (standard: den du står i)")
    p.add_argument("--config", metavar="MKDOCS_YML", help="mkdocs.yml med vokabulär (standard: bankens egen)")
    p.add_argument("--titel")
    p.add_argument("--förbund", "--forbund", dest="förbund", help="förbundets namn (flera med kommatecken)")
    p.add_argument("--status", help=f"projekt: {', '.join(v.STATUS_PROJEKT)}; systemfel: {v.STATUS_SYSTEMFEL[0]}, …")
    p.add_argument("--start", help="projektets start: ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD")
    p.add_argument("--slut", help=f"projektets slut (krävs för {' och '.join(v.STATUS_AVSLUTADE)})")
    p.add_argument("--målgrupp", "--malgrupp", dest="målgrupp", help="nycklar ur vokabulären, t.ex. unga-16-19,nyanlanda")
    p.add_argument("--parter", help="nycklar ur vokabulären, t.ex. kommun,arbetsformedlingen")
    p.add_argument("--metoder", help="befintliga metoder (filnamn i metoder/ utan .md)")
    p.add_argument("--grad", help=f"projekt: högsta grad av framgång, {min(Grad):d}–{max(Grad):d} (framgång.grad)")
    p.add_argument("--motivering",
                   help=f"projekt: varför graden (framgång.motivering), {_span('motivering', 'projekt')}")
    p.add_argument("--resultat",
                   help=f"projekt: vad hände med deltagarna (resultat.sammanfattning), {_span('resultat', 'projekt')}")
    p.add_argument("--deltagare", help="projekt: antal deltagare som började (heltal)")
    p.add_argument("--till-arbete", dest="till_arbete", help="projekt: antal som fick arbete (heltal)")
    p.add_argument("--till-studier", dest="till_studier", help="projekt: antal som började studera (heltal)")
    p.add_argument("--budget", dest="budget_kr", help="projekt: budget i kronor (heltal)")
    p.add_argument("--lärdom", "--lardom", dest="lärdomar", action="append", metavar="LÄRDOM",
                   help=f"projekt: en lärdom, {_span('lärdom', 'projekt')}; upprepa flaggan för flera")
    p.add_argument("--avbrottsorsak",
                   help=f"projekt: varför projektet avbröts, {_span('avbrottsorsak', 'projekt')}")
    p.add_argument("--sammanfattning",
                   help=f"metod och systemfel: sammanfattning, {_span('sammanfattning', 'metod', 'systemfel')}")
    p.add_argument("--kategori", help="systemfel: nyckel ur vokabulären kategori")
    p.add_argument("--berörda", "--berorda", dest="berörda", help="systemfel: berörda parter, med kommatecken")
    p.add_argument("--beslutsnivå", "--beslutsniva", dest="beslutsnivå", help=f"systemfel: {v.eller(v.BESLUTSNIVÅ)}")
    p.add_argument("--förslag", "--forslag", dest="förslag",
                   help=f"systemfel: den föreslagna ändringen, {_span('förslag', 'systemfel')}")
    p.add_argument("--inga-frågor", "--inga-fragor", dest="inga_frågor", action="store_true",
                   help="fråga aldrig, inte ens i en terminal")
    p.set_defaults(handler=run)


def _bank_folder(mapp: str | None) -> Path:
    """The bank's folder: ``--mapp``, or the one the working directory is in."""
    if mapp:
        root = Path(mapp)
        if not root.is_dir():
            raise NewFileError(f"mappen '{mapp}' finns inte")
    else:
        root = find_root(Path.cwd())
        if root is None:
            raise NewFileError(
                "du står inte i en metodbank: gå till mappen med projekt/, metoder/ och systemfel/ "
                "eller ange den med --mapp"
            )
    if not is_bank_root(root) and not (root / "mkdocs.yml").is_file():
        raise NewFileError(f"'{root}' är ingen metodbank: där finns varken projekt/, metoder/ eller systemfel/")
    return root


def run(args) -> int:
    try:
        root = _bank_folder(args.mapp)
        slug = check_slug(args.slug)
        settings = bank_settings(root, args.config)
        asker = Asker() if sys.stdin.isatty() and not args.inga_frågor else None
        # The content folder (innehall), as in the site build.
        shown = create(settings.innehall, settings.vocab, args.typ, slug, args, asker)
    except NewFileError as exc:
        raise UsageError(str(exc)) from None
    print(f"Skapade {shown}.")
    print("Fyll i fälten som är tomma och läs kommentarerna (raderna som börjar med #).")
    print(f"Kontrollera sedan filen med: metodbank kontrollera {shown}")
    return EXIT_OK
