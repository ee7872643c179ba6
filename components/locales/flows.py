"""Strings of where the NPLs went: movement, roll and cure rates, forecast, provision coverage (issue 19)."""

_PROVISION_CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")

EN = {
    "flows.setting.provisions_help": "Loan-loss provision rate by class, in % of the balance (used for loans whose "
                                     "tape reports no provision).",
    "flows.setting.provision": "Provision, {cls} (%)",
    **{f"error.setting.provision_{c}_pct": "A provision rate is between 0 and 100 %." for c in _PROVISION_CLASSES},
    "flows.term.opening": "Opening NPL",
    "flows.term.inflow_performing": "Performing loans turned NPL",
    "flows.term.inflow_new": "New loans already NPL",
    "flows.term.collected": "Cash collected",
    "flows.term.written_off": "Written off",
    "flows.term.foreclosed": "Foreclosure (assets)",
    "flows.term.cured": "Cured",
    "flows.term.other": "Other changes",
    "flows.term.closing": "Closing NPL",
    "flows.movement.title": "Where the NPLs went",
    "flows.movement.which": "Movement over",
    "flows.movement.last_year": "the last 12 months ({first} → {last})",
    "flows.movement.period": "the chosen period ({first} → {last})",
    "flows.movement.need_two": "The movement needs two consecutive months of loan tapes in the period: import the "
                               "tape of the month before (Administration → Import records).",
    "flows.movement.none": "No loan moved in or out of the NPL classes in these months.",
    "flows.movement.sentence": "From the end of {first} to the end of {last} the NPL balance changed by {change}: "
                               "{collected} collected in cash, {written_off} written off, {foreclosed} settled "
                               "through foreclosed assets, {cured} cured; {inflows} came in.",
    "flows.movement.chart": "NPL movement, end of {first} → end of {last}",
    "flows.movement.total": "Period",
    "flows.movement.definitions": "Opening + inflows − outflows = closing, to the cent, for every month. Outflows "
                                  "count only loans that were NPL the month before: cash collected (every method but "
                                  "asset disposal), foreclosure (asset disposal), write-offs reported on the tape, "
                                  "cured (balance back to Normal or Special Mention), other changes (the rest: "
                                  "refinanced or dropped loans, amortisation not recorded as an action; may be "
                                  "negative).",
    "flows.rolls.title": "Roll and cure rates",
    "flows.rolls.chart": "Main rolls month by month (share of the balance the month before)",
    "flows.rolls.help": "Roll rate: share of a class's balance at the end of a month that is in a worse class a "
                        "month later; cure rate: share of the NPL balance back to Normal or Special Mention.",
    "flows.rolls.matrix_help": "Share of each class's balance (or number of loans) moving to each class a month "
                               "later, months {first} to {last} together; 'closed' = repaid, written off in full or "
                               "left off the tape.",
    "flows.roll.normal_to_worse": "Normal → Special Mention or worse",
    "flows.roll.special_mention_to_npl": "Special Mention → NPL",
    "flows.roll.npl_cured": "NPL → cured",
    "flows.forecast.line": "Forecast (Markov, {months}-month window)",
    "flows.forecast.band": "Forecast band (10th–90th percentile)",
    "flows.forecast.need_history": "The forecast needs at least two consecutive months of loan tapes.",
    "flows.forecast.no_target": "No NPL reduction target is set (Administration → Settings).",
    "flows.forecast.no_value": "The forecast does not reach the target month {month}.",
    "flows.forecast.met": "At this pace the target of {month} is met: forecast {projected} against a target of "
                          "{target}, {margin} better.",
    "flows.forecast.missed": "At this pace the target of {month} is missed by {gap}: forecast {projected} against "
                             "a target of {target}.",
    "flows.forecast.how": "Class balances projected month by month with the average transition matrix of "
                          "{first} to {last} ({months} months), plus new lending at the pace of those months; "
                          "the band draws one of those months' matrices at random for each future month.",
    "flows.backtest.need": "The forecast's accuracy needs {window} months of history and {ahead} months of outcome "
                           "after at least one month.",
    "flows.backtest.mape": "Forecast error, {months} months ahead",
    "flows.backtest.help": "Mean absolute percentage error of the projected NPL balance over {origins} past months "
                           "(each projected from the 12 months before it, compared with what happened).",
    "flows.backtest.caption": "Backtest: {origins} starting months, {first} to {last}.",
    "flows.report.heading": "NPL movement, end of {first} to end of {last}",
    "flows.report.term": "Movement",
    "flows.report.amount": "Amount",
    "flows.coverage.label": "Provision coverage",
    "flows.coverage.help": "Loan-loss provisions / NPL balance; provisions at the class rates of the settings.",
    "flows.coverage.help_reported": "Loan-loss provisions / NPL balance; provisions as reported on the tape, the "
                                    "class rates of the settings for loans without one.",
}

ES = {
    "flows.setting.provisions_help": "Tasa de provisión por categoría, en % del saldo (para los préstamos cuya "
                                     "cinta no informa provisión).",
    "flows.setting.provision": "Provisión, {cls} (%)",
    **{f"error.setting.provision_{c}_pct": "Una tasa de provisión está entre 0 y 100 %." for c in _PROVISION_CLASSES},
    "flows.term.opening": "Cartera vencida inicial",
    "flows.term.inflow_performing": "Préstamos al día que pasaron a vencidos",
    "flows.term.inflow_new": "Préstamos nuevos ya vencidos",
    "flows.term.collected": "Cobrado en efectivo",
    "flows.term.written_off": "Castigado",
    "flows.term.foreclosed": "Adjudicación (bienes)",
    "flows.term.cured": "Regularizado",
    "flows.term.other": "Otros cambios",
    "flows.term.closing": "Cartera vencida final",
    "flows.movement.title": "Adónde fue la cartera vencida",
    "flows.movement.which": "Movimiento de",
    "flows.movement.last_year": "los últimos 12 meses ({first} → {last})",
    "flows.movement.period": "el período elegido ({first} → {last})",
    "flows.movement.need_two": "El movimiento necesita dos meses consecutivos de cintas de préstamos en el período: "
                               "importe la cinta del mes anterior (Administración → Importar registros).",
    "flows.movement.none": "Ningún préstamo entró ni salió de las categorías vencidas en estos meses.",
    "flows.movement.sentence": "Del cierre de {first} al cierre de {last} la cartera vencida cambió en {change}: "
                               "{collected} cobrados en efectivo, {written_off} castigados, {foreclosed} saldados "
                               "con bienes adjudicados, {cured} regularizados; entraron {inflows}.",
    "flows.movement.chart": "Movimiento de la cartera vencida, cierre de {first} → cierre de {last}",
    "flows.movement.total": "Período",
    "flows.movement.definitions": "Inicial + entradas − salidas = final, al céntimo, en cada mes. Las salidas cuentan "
                                  "solo préstamos vencidos el mes anterior: cobrado en efectivo (todo método salvo "
                                  "la enajenación de bienes), adjudicación (enajenación de bienes), castigos "
                                  "informados en la cinta, regularizados (saldo de vuelta a Normal o Mención "
                                  "especial), otros cambios (el resto: préstamos refinanciados o fuera de la cinta, "
                                  "amortización no registrada como acción; puede ser negativo).",
    "flows.rolls.title": "Tasas de deterioro y de regularización",
    "flows.rolls.chart": "Principales tránsitos mes a mes (proporción del saldo del mes anterior)",
    "flows.rolls.help": "Tasa de deterioro: proporción del saldo de una categoría al cierre de un mes que está en "
                        "una categoría peor un mes después; tasa de regularización: proporción de la cartera vencida "
                        "que vuelve a Normal o Mención especial.",
    "flows.rolls.matrix_help": "Proporción del saldo (o del número de préstamos) de cada categoría que pasa a cada "
                               "categoría un mes después, meses {first} a {last} juntos; 'cerrado' = pagado, "
                               "castigado por completo o fuera de la cinta.",
    "flows.roll.normal_to_worse": "Normal → Mención especial o peor",
    "flows.roll.special_mention_to_npl": "Mención especial → vencido",
    "flows.roll.npl_cured": "Vencido → regularizado",
    "flows.forecast.line": "Pronóstico (Markov, ventana de {months} meses)",
    "flows.forecast.band": "Banda del pronóstico (percentiles 10–90)",
    "flows.forecast.need_history": "El pronóstico necesita al menos dos meses consecutivos de cintas de préstamos.",
    "flows.forecast.no_target": "No hay meta de reducción de la cartera vencida (Administración → Ajustes).",
    "flows.forecast.no_value": "El pronóstico no llega al mes de la meta {month}.",
    "flows.forecast.met": "A este ritmo la meta de {month} se cumple: pronóstico {projected} frente a una meta de "
                          "{target}, {margin} mejor.",
    "flows.forecast.missed": "A este ritmo la meta de {month} no se cumple por {gap}: pronóstico {projected} frente "
                             "a una meta de {target}.",
    "flows.forecast.how": "Saldos por categoría proyectados mes a mes con la matriz de transición media de {first} "
                          "a {last} ({months} meses), más nuevos préstamos al ritmo de esos meses; la banda toma al "
                          "azar la matriz de uno de esos meses para cada mes futuro.",
    "flows.backtest.need": "La precisión del pronóstico necesita {window} meses de historia y {ahead} meses de "
                           "resultado después de al menos un mes.",
    "flows.backtest.mape": "Error del pronóstico a {months} meses",
    "flows.backtest.help": "Error porcentual absoluto medio de la cartera vencida proyectada en {origins} meses "
                           "pasados (cada uno proyectado con los 12 meses anteriores y comparado con lo ocurrido).",
    "flows.backtest.caption": "Prueba retrospectiva: {origins} meses de partida, de {first} a {last}.",
    "flows.report.heading": "Movimiento de la cartera vencida, del cierre de {first} al cierre de {last}",
    "flows.report.term": "Movimiento",
    "flows.report.amount": "Importe",
    "flows.coverage.label": "Cobertura de provisiones",
    "flows.coverage.help": "Provisiones / cartera vencida; provisiones según las tasas por categoría de los ajustes.",
    "flows.coverage.help_reported": "Provisiones / cartera vencida; provisiones informadas en la cinta y, para los "
                                    "préstamos sin ella, las tasas por categoría de los ajustes.",
}

ZH = {
    "flows.setting.provisions_help": "按五级分类计提的贷款损失准备比例（占余额的百分比；用于报表未报送准备金的贷款）。",
    "flows.setting.provision": "{cls}准备金比例（%）",
    **{f"error.setting.provision_{c}_pct": "准备金比例应在 0 至 100 % 之间。" for c in _PROVISION_CLASSES},
    "flows.term.opening": "期初不良余额",
    "flows.term.inflow_performing": "正常类贷款转为不良",
    "flows.term.inflow_new": "新发放即为不良",
    "flows.term.collected": "现金清收",
    "flows.term.written_off": "核销",
    "flows.term.foreclosed": "以物抵债（资产处置）",
    "flows.term.cured": "上迁（恢复正常/关注）",
    "flows.term.other": "其他变动",
    "flows.term.closing": "期末不良余额",
    "flows.movement.title": "不良贷款的去向",
    "flows.movement.which": "变动区间",
    "flows.movement.last_year": "最近 12 个月（{first} → {last}）",
    "flows.movement.period": "所选期间（{first} → {last}）",
    "flows.movement.need_two": "不良变动需要期间内连续两个月的贷款数据：请导入上一个月的贷款报表（管理 → 导入记录）。",
    "flows.movement.none": "这些月份没有贷款进入或退出不良类别。",
    "flows.movement.sentence": "从 {first} 月末到 {last} 月末，不良余额变动 {change}：现金清收 {collected}，核销 "
                               "{written_off}，以物抵债 {foreclosed}，上迁 {cured}；新增不良 {inflows}。",
    "flows.movement.chart": "不良贷款变动，{first} 月末 → {last} 月末",
    "flows.movement.total": "期间合计",
    "flows.movement.definitions": "期初 + 流入 − 流出 = 期末，每个月精确到分。流出只计上月末为不良的贷款：现金清收"
                                  "（资产处置以外的所有方式）、以物抵债（资产处置）、报表报送的核销、上迁（余额回到"
                                  "正常或关注类）、其他变动（其余部分：借新还旧或报表中缺失的贷款、未记为清收行动的"
                                  "还款；可为负数）。",
    "flows.rolls.title": "迁徙率与上迁率",
    "flows.rolls.chart": "主要迁徙率月度走势（占上月末余额的比例）",
    "flows.rolls.help": "迁徙率：某类贷款月末余额中一个月后落入更差类别的比例；上迁率：不良余额中回到正常或关注类的比例。",
    "flows.rolls.matrix_help": "各类贷款余额（或笔数）一个月后落入各类别的比例，{first} 至 {last} 各月合计；"
                               "“结清”= 已还清、全额核销或不在报表中。",
    "flows.roll.normal_to_worse": "正常 → 关注及以下",
    "flows.roll.special_mention_to_npl": "关注 → 不良",
    "flows.roll.npl_cured": "不良 → 上迁",
    "flows.forecast.line": "预测（马尔可夫，{months} 个月窗口）",
    "flows.forecast.band": "预测区间（第 10–90 百分位）",
    "flows.forecast.need_history": "预测至少需要连续两个月的贷款数据。",
    "flows.forecast.no_target": "尚未设置不良压降目标（管理 → 设置）。",
    "flows.forecast.no_value": "预测未覆盖目标月份 {month}。",
    "flows.forecast.met": "按当前速度，{month} 的目标可以实现：预测 {projected}，目标 {target}，优于目标 {margin}。",
    "flows.forecast.missed": "按当前速度，{month} 的目标将差 {gap} 未能实现：预测 {projected}，目标 {target}。",
    "flows.forecast.how": "用 {first} 至 {last}（{months} 个月）的平均迁徙矩阵逐月推算各类余额，并按这些月份的"
                          "速度加上新发放贷款；预测区间对每个未来月份随机抽取其中一个月的矩阵。",
    "flows.backtest.need": "评估预测准确度需要 {window} 个月的历史和之后 {ahead} 个月的实际结果。",
    "flows.backtest.mape": "提前 {months} 个月的预测误差",
    "flows.backtest.help": "在 {origins} 个历史月份上预测不良余额的平均绝对百分比误差（每次用之前 12 个月推算，并与实际比较）。",
    "flows.backtest.caption": "回测：{origins} 个起始月份，{first} 至 {last}。",
    "flows.report.heading": "不良贷款变动，{first} 月末至 {last} 月末",
    "flows.report.term": "变动项目",
    "flows.report.amount": "金额",
    "flows.coverage.label": "拨备覆盖率",
    "flows.coverage.help": "贷款损失准备 / 不良余额；准备金按设置中的各类比例计提。",
    "flows.coverage.help_reported": "贷款损失准备 / 不良余额；准备金取报表报送值，未报送的贷款按设置中的各类比例计提。",
}
