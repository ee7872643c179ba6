"""Strings of the figure-defect fixes of issue 19: disposal cost and net proceeds, recovery rate, the
under-classified list, borrower-level and restructuring flags, the accountability gap's pending state."""

EN = {
    # disposal form
    "defects.disposal.proceeds_help": "The gross amount the asset brought in. The recovery booked on the asset's "
                                      "loan is the net proceeds (proceeds less the disposal cost), capped at the "
                                      "loan's outstanding balance at the last month end before the disposal.",
    "defects.disposal.cost": "Disposal cost ({symbol})",
    "defects.disposal.cost_help": "Fees, auction charges and taxes paid to realise the asset; deducted from the "
                                  "proceeds before they count as a recovery.",
    "defects.disposal.done": "Disposal recorded; its net proceeds (capped at the loan's balance) booked as a recovery.",
    "error.disposal.cost_required": "Give the disposal cost (0 when there was none).",
    "error.disposal.cost_negative": "The disposal cost cannot be negative.",
    # recovery rate on the overview's recovery cards
    # under-classified loans and the new hidden-NPL reasons (early warning)
    "defects.under.tab": "Under-classified",
    "defects.under.help": "Every loan recorded better than its floor, in any class (a Substandard loan more than "
                          "270 days past due should be Doubtful). The floor is the worst of: days past due; a "
                          "restructured NPL stays Substandard; an enterprise borrower with more than 10 % of its debt "
                          "non-performing makes all its loans Substandard; a restructured loan keeps its class for a "
                          "year. Provisions understated = balance × (rate of the floor − rate of the recorded class), "
                          "at {rates}.",
    "defects.under.total": "**{count}** under-classified loans in {month}, balance {balance}: provisions "
                           "understated by **{understated}**.",
    "defects.under.col.understated": "Provisions understated",
    "defects.under.col.reason": "Floor set by",
    "warnings.hidden.borrower": "Borrower over 10 % NPL",
    "warnings.hidden.upgraded": "Upgraded in observation year",
    # accountability gap (officers page)
    "defects.gap.help": "Missed or overdue assignments management has not decided on, oldest deadline first. An "
                        "approved or rejected decision takes an assignment out; a pending one shows it as awaiting "
                        "approval; a revoked one puts it back.",
    "defects.gap.awaiting": "{count} awaiting approval",
    "defects.gap.kpi_help": "{undecided} missed or overdue assignments with no decision, plus {unowned} NPLs with no "
                            "named person (every NPL must have a responsible officer). Apart: {awaiting} assignments "
                            "with a decision awaiting approval.",
    "defects.gap.col.state": "Decision",
    "defects.gap.state.no_decision": "None",
    "defects.gap.state.awaiting_approval": "Awaiting approval",
    "defects.recovery_rate": "{rate} of NPLs at start",
    "defects.recovery_rate_help": "Recovery (cash and net disposal proceeds) in the period, in the chosen "
                                  "cooperative and segment. Beside it the recovery rate: recovered in the period "
                                  "divided by the NPL balance at its start (end of {month}).",
}

ES = {
    "defects.disposal.proceeds_help": "El importe bruto obtenido por el activo. La recuperación registrada en el "
                                      "préstamo del activo es el importe neto (importe menos el coste de la "
                                      "enajenación), limitado al saldo pendiente del préstamo al cierre del último "
                                      "mes anterior a la enajenación.",
    "defects.disposal.cost": "Coste de la enajenación ({symbol})",
    "defects.disposal.cost_help": "Honorarios, gastos de subasta e impuestos pagados para realizar el activo; se "
                                  "descuentan del importe antes de contar como recuperación.",
    "defects.disposal.done": "Enajenación registrada; su importe neto (limitado al saldo del préstamo) se ha "
                             "registrado como recuperación.",
    "error.disposal.cost_required": "Indique el coste de la enajenación (0 si no lo hubo).",
    "error.disposal.cost_negative": "El coste de la enajenación no puede ser negativo.",
    "defects.under.tab": "Infraclasificados",
    "defects.under.help": "Todo préstamo registrado en una clase mejor que su mínimo, en cualquier clase (un "
                          "préstamo Subestándar con más de 270 días de atraso debería ser Dudoso). El mínimo es el "
                          "peor de: los días de atraso; un moroso reestructurado sigue al menos Subestándar; un "
                          "prestatario empresa con más del 10 % de su deuda morosa hace Subestándar todos sus "
                          "préstamos; un préstamo reestructurado conserva su clase durante un año. Provisiones "
                          "infravaloradas = saldo × (tasa del mínimo − tasa de la clase registrada), con {rates}.",
    "defects.under.total": "**{count}** préstamos infraclasificados en {month}, saldo {balance}: provisiones "
                           "infravaloradas en **{understated}**.",
    "defects.under.col.understated": "Provisiones infravaloradas",
    "defects.under.col.reason": "Mínimo fijado por",
    "warnings.hidden.borrower": "Prestatario con más del 10 % moroso",
    "warnings.hidden.upgraded": "Mejorado en el año de observación",
    "defects.gap.help": "Asignaciones incumplidas o vencidas sobre las que la dirección no ha decidido, empezando "
                        "por el plazo más antiguo. Una decisión aprobada o rechazada la saca de la lista; una "
                        "pendiente la muestra como pendiente de aprobación; una revocada la devuelve.",
    "defects.gap.awaiting": "{count} pendientes de aprobación",
    "defects.gap.kpi_help": "{undecided} asignaciones incumplidas o vencidas sin decisión, más {unowned} préstamos "
                            "morosos sin responsable (todo moroso debe tener un responsable). Aparte: {awaiting} "
                            "asignaciones con una decisión pendiente de aprobación.",
    "defects.gap.col.state": "Decisión",
    "defects.gap.state.no_decision": "Ninguna",
    "defects.gap.state.awaiting_approval": "Pendiente de aprobación",
    "defects.recovery_rate": "{rate} de la morosidad inicial",
    "defects.recovery_rate_help": "Recuperación (efectivo e importe neto de enajenaciones) del periodo, en la "
                                  "cooperativa y el segmento elegidos. Al lado, la tasa de recuperación: lo "
                                  "recuperado en el periodo dividido por el saldo moroso al inicio (cierre de {month}).",
}

ZH = {
    "defects.disposal.proceeds_help": "资产处置所得总额。计入该资产对应贷款的回收金额为净所得（所得减处置费用），"
                                      "且不超过处置前最近一个月末的贷款余额。",
    "defects.disposal.cost": "处置费用（{symbol}）",
    "defects.disposal.cost_help": "变现资产所支付的手续费、拍卖费和税费；在计入回收前从所得中扣除。",
    "defects.disposal.done": "处置已记录；其净所得（不超过贷款余额）已计入回收。",
    "error.disposal.cost_required": "请填写处置费用（没有则填 0）。",
    "error.disposal.cost_negative": "处置费用不能为负数。",
    "defects.under.tab": "分类偏低",
    "defects.under.help": "所有登记分类优于其下限的贷款，任何类别均列出（逾期超过 270 天的次级类贷款应为可疑类）。"
                          "下限取以下最差者：逾期天数；重组前已不良的贷款至少为次级；企业借款人不良债务超过 10 % 时，"
                          "其全部贷款至少为次级；重组贷款在一年观察期内不得上调分类。少提拨备 = 余额 ×"
                          "（下限类别拨备率 − 登记类别拨备率），拨备率为 {rates}。",
    "defects.under.total": "{month} 分类偏低贷款 **{count}** 笔，余额 {balance}：少提拨备 **{understated}**。",
    "defects.under.col.understated": "少提拨备",
    "defects.under.col.reason": "下限依据",
    "warnings.hidden.borrower": "借款人不良超过 10 %",
    "warnings.hidden.upgraded": "观察期内上调",
    "defects.gap.help": "管理层尚未作出决定的逾期或未完成任务，按最早期限排列。已批准或已驳回的决定使任务移出；"
                        "待审批的决定显示为待审批；已撤销的决定使其重新列入。",
    "defects.gap.awaiting": "{count} 项待审批",
    "defects.gap.kpi_help": "{undecided} 项无决定的逾期或未完成任务，加上 {unowned} 笔无责任人的不良贷款"
                            "（每笔不良贷款都必须有责任人）。另有 {awaiting} 项任务的决定待审批。",
    "defects.gap.col.state": "决定",
    "defects.gap.state.no_decision": "无",
    "defects.gap.state.awaiting_approval": "待审批",
    "defects.recovery_rate": "期初不良的 {rate}",
    "defects.recovery_rate_help": "所选联社和分段在本期的回收（现金及处置净所得）。旁边为回收率："
                                  "本期回收额除以期初（{month} 月末）不良余额。",
}
