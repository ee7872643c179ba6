"""The import templates: for each kind of record, its columns, their English/Spanish headers and the words
accepted for coded values.

Why one table per kind: the importer, the empty template download, the sample download and docs/import.md all
describe the same columns; defining them once here keeps them from drifting apart. Headers in a file are
matched after ``normalize_header`` (case, accents, spaces and punctuation ignored), so "Contract No",
"contract_no" and "Nº de contrato" all find the same column; a Spanish file may use any English header too.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

TEXT, DATE, AMOUNT, INTEGER, RATE, CODE, MONTH, BOOL = "text", "date", "amount", "integer", "rate", "code", "month", \
    "bool"
#: kept for the tape's columns: a loan class and a borrower kind are coded values
CLASS, KIND = CODE, CODE


@dataclass(frozen=True)
class Column:
    """One template column: canonical (English) header, Spanish header, kind, and other accepted names.

    ``vocabulary`` names the table of accepted words of a coded column; ``limit`` the longest text accepted.
    """

    name: str
    spanish: str
    kind: str
    required: bool
    aliases: tuple[str, ...] = ()
    example: str = ""
    vocabulary: str | None = None
    limit: int = 120


def normalize_header(text: object) -> str:
    """'  Nº de Contrato ' -> 'n_de_contrato': lower case, accents dropped, runs of non-letters as '_'."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


@dataclass(frozen=True)
class Template:
    """The columns of one kind of record, and how a file's header finds them."""

    kind: str
    columns: tuple[Column, ...]
    spanish_file: str = ""
    english_file: str = ""
    notes: tuple[str, ...] = field(default=())

    @cached_property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @cached_property
    def header_aliases(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for column in self.columns:
            for alias in (column.name, column.spanish, *column.aliases):
                key = normalize_header(alias)
                if table.get(key, column.name) != column.name:
                    raise ValueError(f"{self.kind}: header alias {alias!r} used twice")
                table[key] = column.name
        return table

    def canonical(self, header: object) -> str | None:
        """The template column a file header stands for, or None when it is not one of this kind's columns."""
        return self.header_aliases.get(normalize_header(header))

    def frame(self, *, spanish: bool = False) -> pd.DataFrame:
        """The empty template: the headers only, in English or Spanish."""
        return pd.DataFrame(columns=[c.spanish if spanish else c.name for c in self.columns])


def _words(codes: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """code -> accepted words  becomes  normalised word -> code (the code itself is always accepted)."""
    table: dict[str, str] = {}
    for code, words in codes.items():
        for word in (code, *words):
            key = normalize_header(word)
            if table.get(key, code) != code:  # pragma: no cover - guards the tables below
                raise ValueError(f"word {word!r} means two codes")
            table[key] = code
    return table


#: the accepted words of each coded column (codes, and the English and Spanish names the pages show)
VOCABULARIES: dict[str, dict[str, str]] = {
    "loan_class": _words({
        "normal": ("pass",), "special_mention": ("mencion_especial", "sm", "Mención especial"),
        "substandard": ("subestandar", "sub_standard", "Subestándar"), "doubtful": ("dudoso", "dudosa"),
        "loss": ("perdida", "Pérdida")}),
    "borrower_kind": _words({"household": ("hogar", "familia"), "enterprise": ("empresa",)}),
    "yes_no": _words({"yes": ("y", "true", "1", "si", "sí", "s", "x"), "no": ("n", "false", "0")}),
    "method": _words({
        "direct": ("Directo",), "village": ("Village-coordinated", "Coordinado con la aldea", "aldea"),
        "legal": ("Judicial",), "support": ("Support-linked", "Vinculado a apoyo", "apoyo"),
        "asset_disposal": ("Asset disposal", "Enajenación de activos"), "restructuring": ("Reestructuración",),
        "other": ("Otro",)}),
    "action_outcome": _words({
        "paid_full": ("Paid in full", "Pagado en su totalidad"), "paid_partial": ("Paid in part", "Pagado en parte"),
        "promise": ("Promise to pay", "Promesa de pago"), "no_result": ("No result", "Sin resultado")}),
    "village_source": _words({"village_funds": ("Village funds", "Fondos de la aldea"),
                              "subsidy": ("Subsidies", "Subvenciones", "subvencion"),
                              "collective_property": ("Collective property", "Bienes colectivos")}),
    "assignment_outcome": _words({
        "open": ("Abierta",), "recovered": ("Recuperada",), "partial": ("Partially recovered", "Recuperada en parte"),
        "missed": ("Incumplida",), "reassigned": ("Reasignada",)}),
    "legal_stage": _words({"filed": ("Presentado",), "judgment": ("Sentencia",), "enforcement": ("Ejecución",),
                           "closed": ("Cerrado",)}),
    "asset_type": _words({
        "land_use_right": ("Land-use right", "Derecho de uso de suelo"), "building": ("Edificio",),
        "machinery": ("Maquinaria",), "vehicle": ("Vehículo",), "livestock": ("Ganado",),
        "equity": ("Participación",), "other": ("Otro",)}),
    "asset_status": _words({"pending": ("Pendiente",), "in_disposal": ("In disposal", "En enajenación"),
                            "disposed": ("Enajenado",)}),
    "disposal_method": _words({"sale": ("Transfer / sale", "Transferencia / venta", "venta", "transfer"),
                               "auction": ("Subasta",), "restructuring": ("Reestructuración",),
                               "leasing": ("Arrendamiento",)}),
}
#: kept for the tape's readers
CLASS_ALIASES = VOCABULARIES["loan_class"]
KIND_ALIASES = VOCABULARIES["borrower_kind"]


def templates() -> dict[str, Template]:
    """Every kind of record a union imports, in the order a new union imports them."""
    from data.templates.records import RECORD_TEMPLATES
    from data.templates.tape import TAPE

    return {**{k: RECORD_TEMPLATES[k] for k in ("cooperatives", "villages", "officers")}, "tape": TAPE,
            **{k: RECORD_TEMPLATES[k] for k in ("assignments", "actions", "legal_cases", "assets")}}


KINDS: tuple[str, ...] = ("cooperatives", "villages", "officers", "tape", "assignments", "actions", "legal_cases",
                          "assets")


def markdown_tables() -> str:
    """Every template as a markdown table (docs/import.md holds exactly this; tests/test_docs.py checks it)."""
    parts = []
    for kind, template in templates().items():
        parts.append(f"#### `{kind}`\n\n"
                     "| column | Spanish header | required | kind | other accepted headers | example |\n"
                     "|---|---|---|---|---|---|")
        for c in template.columns:
            kind_text = c.vocabulary if c.kind in (CODE, BOOL) and c.vocabulary else c.kind
            example = f"`{c.example}`" if c.example else ""
            parts.append(f"| `{c.name}` | `{c.spanish}` | {'yes' if c.required else 'no'} | {kind_text} | "
                         f"{', '.join(c.aliases)} | {example} |")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
