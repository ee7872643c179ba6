"""The import templates: for each kind of record, its columns, their English/Spanish/Chinese headers and the
words accepted for coded values.

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
    """'  Nº de Contrato ' -> 'n_de_contrato': lower case, accents dropped, runs of non-letters as '_'.
    Chinese characters are kept ('合同号' stays '合同号'; full-width '（元）' counts as punctuation)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff]+", "_", plain).strip("_")


#: Chinese headers per column name: the first is the template's header, the others are accepted too.
#: Names that mean different things in different kinds of record are given per kind below.
CHINESE_HEADERS: dict[str, tuple[str, ...]] = {
    "contract_no": ("合同号", "贷款合同号", "合同编号", "借据号"),
    "cooperative_code": ("信用社代码", "信用社", "机构代码", "网点代码"),
    "officer_employee_no": ("信贷员工号", "信贷员", "管户信贷员", "客户经理工号"),
    "employee_no": ("工号", "员工号", "信贷员工号"),
    "borrower_name": ("借款人姓名", "借款人", "客户名称", "客户姓名"),
    "borrower_kind": ("借款人类型", "客户类型"),
    "issue_date": ("发放日期", "放款日期", "借款日期"),
    "maturity_date": ("到期日期", "到期日"),
    "principal": ("贷款本金", "发放金额", "合同金额"),
    "annual_rate_pct": ("年利率（%）", "年利率", "执行利率"),
    "purpose": ("贷款用途", "用途"),
    "guarantee_type": ("担保方式", "担保类型"),
    "month": ("月份", "报表月份", "数据月份"),
    "outstanding": ("贷款余额", "余额"),
    "overdue": ("逾期金额", "拖欠金额"),
    "days_past_due": ("逾期天数",),
    "loan_class": ("五级分类", "风险分类", "分类"),
    "borrower_id": ("借款人编号", "客户号", "客户编号"),
    "village_code": ("村代码", "村编码", "村"),
    "poor_household": ("脱贫户", "贫困户", "监测户"),
    "able_but_unwilling": ("有能力不还款", "恶意拖欠"),
    "refinances_contract": ("借新还旧原合同号", "再融资合同号"),
    "restructured_on": ("重组日期",),
    "written_off": ("核销金额", "已核销"),
    "provision": ("贷款损失准备", "拨备金额", "减值准备"),
    "active": ("在职", "启用"),
    "id": ("编号", "源系统编号"),
    "assigned_on": ("分配日期", "包收日期"),
    "target": ("清收目标", "目标金额"),
    "deadline": ("清收期限", "期限"),
    "closed_on": ("关闭日期", "结束日期"),
    "method": ("清收方式",),
    "action_date": ("行动日期", "清收日期"),
    "cost": ("成本", "清收成本", "费用"),
    "note": ("备注", "说明"),
    "village_source": ("村组资金来源", "资金来源"),
    "court": ("法院", "受理法院"),
    "filed_on": ("立案日期", "起诉日期"),
    "claim": ("诉请金额", "起诉金额"),
    "stage": ("诉讼阶段", "阶段"),
    "costs": ("诉讼费用",),
    "asset_type": ("资产类型",),
    "on_balance_sheet": ("表内", "是否表内"),
    "acquired_on": ("取得日期", "抵债日期", "接收日期"),
    "book_value": ("账面价值", "入账价值"),
    "appraisal": ("评估价值", "评估值"),
    "disposal_method": ("处置方式",),
    "disposed_on": ("处置日期",),
    "proceeds": ("处置收入", "处置价款"),
    "disposal_cost": ("处置费用", "处置成本"),
    "lease_income": ("租金收入", "出租收入"),
}
#: (kind, column name) -> Chinese headers, where the name alone is ambiguous
CHINESE_HEADERS_BY_KIND: dict[tuple[str, str], tuple[str, ...]] = {
    ("cooperatives", "name"): ("信用社名称", "名称"),
    ("villages", "name"): ("村名称", "村名", "名称"),
    ("officers", "name"): ("信贷员姓名", "姓名"),
    ("assignments", "outcome"): ("任务结果", "结果", "状态"),
    ("actions", "outcome"): ("行动结果", "结果"),
    ("actions", "recovered"): ("收回金额", "清收金额"),
    ("legal_cases", "recovered"): ("诉讼收回金额", "收回金额"),
    ("assets", "status"): ("资产状态", "状态"),
}


def chinese_headers(kind: str, column: str) -> tuple[str, ...]:
    """The Chinese headers of a column of a kind of record (the template's first); empty when none is defined."""
    return CHINESE_HEADERS_BY_KIND.get((kind, column)) or CHINESE_HEADERS.get(column, ())


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
            for alias in (column.name, column.spanish, *column.aliases, *chinese_headers(self.kind, column.name)):
                key = normalize_header(alias)
                if table.get(key, column.name) != column.name:
                    raise ValueError(f"{self.kind}: header alias {alias!r} used twice")
                table[key] = column.name
        return table

    def canonical(self, header: object) -> str | None:
        """The template column a file header stands for, or None when it is not one of this kind's columns."""
        return self.header_aliases.get(normalize_header(header))

    def header(self, column: Column, lang: str = "en") -> str:
        """A column's header in a language of the templates (en, es, zh)."""
        if lang == "zh":
            return chinese_headers(self.kind, column.name)[0]
        return column.spanish if lang == "es" else column.name

    def frame(self, *, spanish: bool = False, lang: str | None = None) -> pd.DataFrame:
        """The empty template: the headers only, in English, Spanish or Chinese."""
        lang = lang or ("es" if spanish else "en")
        return pd.DataFrame(columns=[self.header(c, lang) for c in self.columns])


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


#: the accepted words of each coded column (codes, and the English, Spanish and Chinese names the pages show)
VOCABULARIES: dict[str, dict[str, str]] = {
    "loan_class": _words({
        "normal": ("pass", "正常"), "special_mention": ("mencion_especial", "sm", "Mención especial", "关注"),
        "substandard": ("subestandar", "sub_standard", "Subestándar", "次级"), "doubtful": ("dudoso", "dudosa", "可疑"),
        "loss": ("perdida", "Pérdida", "损失")}),
    "borrower_kind": _words({"household": ("hogar", "familia", "农户", "个人"), "enterprise": ("empresa", "企业")}),
    "yes_no": _words({"yes": ("y", "true", "1", "si", "sí", "s", "x", "是", "有"), "no": ("n", "false", "0", "否", "无")}),
    "method": _words({
        "direct": ("Directo", "直接催收"), "village": ("Village-coordinated", "Coordinado con la aldea", "aldea", "村组协助清收"),
        "legal": ("Judicial", "诉讼清收"), "support": ("Support-linked", "Vinculado a apoyo", "apoyo", "帮扶联动"),
        "asset_disposal": ("Asset disposal", "Enajenación de activos", "资产处置"),
        "restructuring": ("Reestructuración", "贷款重组"),
        "other": ("Otro", "其他")}),
    "action_outcome": _words({
        "paid_full": ("Paid in full", "Pagado en su totalidad", "全额还款"),
        "paid_partial": ("Paid in part", "Pagado en parte", "部分还款"),
        "promise": ("Promise to pay", "Promesa de pago", "承诺还款"), "no_result": ("No result", "Sin resultado", "无结果")}),
    "village_source": _words({"village_funds": ("Village funds", "Fondos de la aldea", "村集体资金"),
                              "subsidy": ("Subsidies", "Subvenciones", "subvencion", "补贴"),
                              "collective_property": ("Collective property", "Bienes colectivos", "集体资产")}),
    "assignment_outcome": _words({
        "open": ("Abierta", "进行中"), "recovered": ("Recuperada", "已收回"),
        "partial": ("Partially recovered", "Recuperada en parte", "部分收回"),
        "missed": ("Incumplida", "未完成"), "reassigned": ("Reasignada", "已转交")}),
    "legal_stage": _words({"filed": ("Presentado", "已立案", "立案"), "judgment": ("Sentencia", "已判决", "判决"),
                           "enforcement": ("Ejecución", "执行中", "执行"),
                           "closed": ("Cerrado", "已结案", "结案")}),
    "asset_type": _words({
        "land_use_right": ("Land-use right", "Derecho de uso de suelo", "土地使用权"), "building": ("Edificio", "房产"),
        "machinery": ("Maquinaria", "机器设备"), "vehicle": ("Vehículo", "车辆"), "livestock": ("Ganado", "牲畜"),
        "equity": ("Participación", "股权"), "other": ("Otro", "其他")}),
    "asset_status": _words({"pending": ("Pendiente", "待处置"), "in_disposal": ("In disposal", "En enajenación", "处置中"),
                            "disposed": ("Enajenado", "已处置")}),
    "disposal_method": _words({"sale": ("Transfer / sale", "Transferencia / venta", "venta", "transfer", "转让 / 出售", "转让", "出售"),
                               "auction": ("Subasta", "拍卖"), "restructuring": ("Reestructuración", "重组"),
                               "leasing": ("Arrendamiento", "出租")}),
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
                     "| column | Spanish header | Chinese header | required | kind | other accepted headers | example |\n"
                     "|---|---|---|---|---|---|---|")
        for c in template.columns:
            kind_text = c.vocabulary if c.kind in (CODE, BOOL) and c.vocabulary else c.kind
            example = f"`{c.example}`" if c.example else ""
            chinese = chinese_headers(kind, c.name)
            parts.append(f"| `{c.name}` | `{c.spanish}` | `{chinese[0]}` | {'yes' if c.required else 'no'} | "
                         f"{kind_text} | {', '.join((*c.aliases, *chinese[1:]))} | {example} |")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
