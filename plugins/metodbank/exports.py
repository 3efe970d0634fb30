"""Open data exports: JSON with stable field names, and CSV that opens
correctly in Swedish Excel (UTF-8 with BOM, ';' separator)."""

from __future__ import annotations

import csv
import io
import json

from .derive import Derived

EXPORT_VERSION = 1


def _plain(value):
    """Model values as JSON: dates as text, models as dicts, None dropped."""
    if hasattr(value, "model_dump"):
        return {k: _plain(v) for k, v in value.model_dump().items() if v is not None}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def projekt_records(d: Derived) -> list[dict]:
    records = []
    for doc in sorted(d.bank.projekt.values(), key=lambda p: p.slug):
        record = {"slug": doc.slug, "url": doc.url, **_plain(doc.meta)}
        record["förbund_slug"] = [f.slug for f in d.projekt_förbund[doc.slug]]
        records.append(record)
    return records


def metod_records(d: Derived) -> list[dict]:
    records = []
    for slug, f in d.metoder.items():
        records.append({
            "slug": slug,
            "url": f.metod.url,
            **_plain(f.metod.meta),
            "härlett": {
                "projekt": [p.slug for p in f.projekt],
                "högsta_grad": f.högsta_grad,
                "förbund": [x.namn for x in f.förbund],
                "deltagare": f.deltagare,
                "till_arbete": f.till_arbete,
                "till_studier": f.till_studier,
                "kostnad_per_deltagare_kr": f.kostnad_per_deltagare,
                # Only the metod's own implementations, each with its resolved metod.
                "implementerad_hos": [
                    {"organisation": i.organisation, "år": i.år, "projekt": i.projekt.slug, "metod": i.metod}
                    for i in f.implementeringar
                ],
            },
        })
    return records


def systemfel_records(d: Derived) -> list[dict]:
    records = []
    for f in d.ranking:
        records.append({
            "slug": f.systemfel.slug,
            "url": f.systemfel.url,
            **_plain(f.systemfel.meta),
            "härlett": {
                "plats": f.rank,
                "antal_förbund": f.antal_förbund,
                "antal_projekt": f.antal_projekt,
                "målgrupper": f.målgrupper,
                "observationer": [
                    {"projekt": r.projekt.slug, "förbund": [x.namn for x in r.förbund], "år": r.år,
                     "observation": r.observation, "underlag": r.underlag, "antal_berörda": r.antal_berörda}
                    for r in f.observationer
                ],
                "beslut": [{"projekt": r.projekt.slug, **_plain(r.beslut)} for r in f.beslut],
            },
        })
    return records


def to_json(records: list[dict], kind: str) -> str:
    """The export document, one record per line: still easy to read and diff,
    and written by json's C encoder (``indent`` would switch to the pure-Python
    one, 1 s of a 5,000-project build)."""
    head = {"version": EXPORT_VERSION, "typ": kind, "antal": len(records)}
    lines = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    return json.dumps(head, ensure_ascii=False)[:-1] + (f', "poster": [\n{lines}\n]}}\n' if records else ', "poster": []}\n')


# A text cell starting with one of these is a formula to Excel and
# LibreOffice (tab and carriage return too, by OWASP's advice on CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> object:
    """A value as written to a CSV cell: text that a spreadsheet would run as
    a formula gets a leading ' (shown as text, never evaluated); numbers,
    negative ones included, stay numbers. The JSON exports keep the text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def projekt_csv(d: Derived) -> str:
    rows = []
    for doc in sorted(d.bank.projekt.values(), key=lambda p: p.slug):
        m = doc.meta
        r = m.resultat
        rows.append([
            doc.slug, m.titel, " | ".join(m.förbund), m.status, str(m.period.start),
            str(m.period.slut) if m.period.slut else None, m.framgång.grad, ", ".join(m.målgrupp),
            ", ".join(m.parter), ", ".join(m.metoder), ", ".join(o.id for o in m.systemfel or []),
            r.deltagare if r else None, r.till_arbete if r else None, r.till_studier if r else None,
            m.budget_kr, doc.url,
        ])
    header = ["slug", "titel", "förbund", "status", "start", "slut", "grad", "målgrupp", "parter", "metoder",
              "systemfel", "deltagare", "till_arbete", "till_studier", "budget_kr", "url"]
    return _csv(header, rows)


def metoder_csv(d: Derived) -> str:
    rows = [[slug, f.metod.meta.titel, len(f.projekt), f.högsta_grad, len(f.implementeringar), f.deltagare,
             f.till_arbete, f.till_studier, f.kostnad_per_deltagare, f.metod.url] for slug, f in d.metoder.items()]
    header = ["slug", "titel", "antal_projekt", "högsta_grad", "antal_implementeringar", "deltagare", "till_arbete",
              "till_studier", "kostnad_per_deltagare_kr", "url"]
    return _csv(header, rows)


def implementeringar_csv(d: Derived) -> str:
    """One row per ``framgång.implementerad_hos`` item of every project, with
    its resolved metod (implied when the project lists one metod)."""
    rows = []
    for doc in sorted(d.bank.projekt.values(), key=lambda p: p.slug):
        for i in doc.meta.framgång.implementerad_hos or []:
            rows.append([doc.slug, i.metod, i.organisation, i.år, i.beskrivning, doc.url])
    header = ["projekt", "metod", "organisation", "år", "beskrivning", "url"]
    return _csv(header, rows)


def systemfel_csv(d: Derived) -> str:
    rows = [[f.rank, f.systemfel.slug, f.systemfel.meta.titel, f.antal_förbund, f.antal_projekt,
             f.systemfel.meta.kategori, ", ".join(f.systemfel.meta.berörda), f.systemfel.meta.beslutsnivå,
             f.systemfel.meta.status, f.systemfel.url] for f in d.ranking]
    header = ["plats", "slug", "titel", "antal_förbund", "antal_projekt", "kategori", "berörda", "beslutsnivå",
              "status", "url"]
    return _csv(header, rows)


def data_files(d: Derived) -> dict[str, str]:
    """Every export, keyed by its path in the site."""
    return {
        "data/projekt.json": to_json(projekt_records(d), "projekt"),
        "data/metoder.json": to_json(metod_records(d), "metoder"),
        "data/systemfel.json": to_json(systemfel_records(d), "systemfel"),
        "data/projekt.csv": projekt_csv(d),
        "data/metoder.csv": metoder_csv(d),
        "data/systemfel.csv": systemfel_csv(d),
        "data/implementeringar.csv": implementeringar_csv(d),
    }
