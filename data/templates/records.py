"""The columns of every kind of record besides the loan tape: reference data (cooperatives, villages, officers)
and the records of collection (assignments, actions, legal cases, foreclosed assets).

``id`` columns hold the source system's identifier (text, e.g. ``ACT-000123``): a row whose id was imported
before updates that record instead of adding it twice.
"""
from __future__ import annotations

from data.templates import AMOUNT, BOOL, CODE, DATE, TEXT, Column, Template

_COOP = Column("cooperative_code", "codigo_cooperativa", TEXT, True, ("cooperative", "coop", "cooperativa"), "C01",
               limit=40)
_ID = Column("id", "id", TEXT, True, ("source_id", "record_id", "identificador"), "ACT-000123", limit=40)
_CONTRACT = Column("contract_no", "numero_contrato", TEXT, True, ("contract", "contrato", "no_contrato"), "K000123",
                   limit=40)


def _employee(required: bool) -> Column:
    return Column("employee_no", "numero_empleado", TEXT, required, ("officer", "officer_employee_no", "empleado",
                                                                     "oficial"), "E0001", limit=40)


RECORD_TEMPLATES: dict[str, Template] = {t.kind: t for t in (
    Template("cooperatives", (
        Column("cooperative_code", "codigo_cooperativa", TEXT, True, ("code", "codigo", "cooperative"), "C01",
               limit=40),
        Column("name", "nombre", TEXT, True, ("cooperative_name", "nombre_cooperativa"),
               "Qinghe Rural Credit Cooperative"),
    )),
    Template("villages", (
        Column("village_code", "codigo_aldea", TEXT, True, ("code", "codigo", "village"), "130102-001", limit=40),
        Column("name", "nombre", TEXT, True, ("village_name", "nombre_aldea"), "Dongwang Village"),
        _COOP,
    )),
    Template("officers", (
        _employee(True),
        Column("name", "nombre", TEXT, True, ("officer_name", "nombre_oficial"), "Wang Fang"),
        _COOP,
        Column("active", "activo", BOOL, False, ("is_active",), "yes", vocabulary="yes_no"),
    )),
    Template("assignments", (
        _ID, _CONTRACT, _employee(True),
        Column("assigned_on", "fecha_asignacion", DATE, True, ("assigned", "asignado"), "2026-03-01"),
        Column("target", "meta", AMOUNT, True, ("target_amount", "monto_meta", "objetivo"), "20,000.00"),
        Column("deadline", "plazo", DATE, True, ("due", "fecha_limite", "vencimiento_meta"), "2026-09-30"),
        Column("outcome", "resultado", CODE, False, ("status", "estado"), "open", vocabulary="assignment_outcome"),
        Column("closed_on", "fecha_cierre", DATE, False, ("closed", "cerrado"), ""),
    )),
    Template("actions", (
        _ID, _CONTRACT,
        Column("method", "metodo", CODE, True, ("collection_method", "metodo_cobro"), "direct", vocabulary="method"),
        Column("action_date", "fecha_accion", DATE, True, ("date", "fecha"), "2026-04-15"),
        Column("recovered", "recuperado", AMOUNT, True, ("amount_recovered", "monto_recuperado"), "5,000.00"),
        Column("cost", "costo", AMOUNT, False, ("costs", "gasto"), "120.00"),
        Column("outcome", "resultado", CODE, False, ("result",), "paid_partial", vocabulary="action_outcome"),
        Column("note", "nota", TEXT, False, ("notes", "comment", "comentario"), "", limit=2000),
        _employee(False),
        Column("village_source", "fuente_aldea", CODE, False, ("source", "fuente"), "", vocabulary="village_source"),
    )),
    Template("legal_cases", (
        _ID, _CONTRACT,
        Column("court", "tribunal", TEXT, True, ("juzgado",), "Qinghe County People's Court"),
        Column("filed_on", "fecha_demanda", DATE, True, ("filed", "presentado"), "2025-11-03"),
        Column("claim", "reclamado", AMOUNT, True, ("claim_amount", "monto_reclamado"), "60,000.00"),
        Column("stage", "etapa", CODE, True, ("legal_stage", "fase"), "judgment", vocabulary="legal_stage"),
        Column("costs", "costas", AMOUNT, False, ("legal_costs", "gastos"), "2,500.00"),
        Column("recovered", "recuperado", AMOUNT, False, ("amount_recovered",), "0.00"),
    )),
    Template("assets", (
        _ID, _CONTRACT,
        Column("asset_type", "tipo_activo", CODE, True, ("type", "tipo"), "building", vocabulary="asset_type"),
        Column("on_balance_sheet", "en_balance", BOOL, True, ("booked", "contabilizado"), "yes",
               vocabulary="yes_no"),
        Column("acquired_on", "fecha_adjudicacion", DATE, True, ("acquired", "adquirido"), "2025-06-30"),
        Column("book_value", "valor_libros", AMOUNT, True, ("value", "valor"), "80,000.00"),
        Column("appraisal", "tasacion", AMOUNT, False, ("appraised_value", "valor_tasado"), "70,000.00"),
        Column("status", "estado", CODE, False, ("asset_status",), "pending", vocabulary="asset_status"),
        Column("disposal_method", "metodo_enajenacion", CODE, False, ("disposal",), "",
               vocabulary="disposal_method"),
        Column("disposed_on", "fecha_enajenacion", DATE, False, ("disposed",), ""),
        Column("proceeds", "producto", AMOUNT, False, ("sale_proceeds", "importe_venta"), ""),
        Column("disposal_cost", "costo_enajenacion", AMOUNT, False, ("disposal_costs",), ""),
        Column("lease_income", "ingreso_arriendo", AMOUNT, False, ("lease", "arriendo"), ""),
    )),
)}
