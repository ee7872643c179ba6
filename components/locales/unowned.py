"""Strings of the NPLs with no named person (overview and officers pages) and of their bulk assignment."""

EN = {
    "unowned.title": "NPLs with no named person",
    "unowned.kpi": "NPLs with no named person",
    "unowned.kpi_help": "NPLs in {month} (Substandard, Doubtful, Loss) with no open assignment: nobody answers for "
                        "collecting them. Their balance is {balance}.",
    "unowned.help": "Every NPL must be collected by a named officer within a time limit. These NPLs of the latest "
                    "month have no open assignment (never assigned, or their last assignment was closed).",
    "unowned.none": "Every NPL in this view has a named person answering for it.",
    "unowned.caption": "{count} NPLs with a balance of {balance} in {month} have no open assignment; the largest "
                       "first (all of them in the downloads).",
    "unowned.col.originator": "Granted by",
    "unowned.col.basis": "Proposed because",
    "unowned.basis.originator": "granted the loan (new NPL)",
    "unowned.basis.cooperative": "chosen for the cooperative",
    "unowned.open_bulk": "Assign them in bulk on the Officers page →",
    "unowned.bulk.title": "Assign them in bulk",
    "unowned.bulk.intro": "One row per NPL with no named person. A new NPL is proposed to the officer who granted "
                          "the loan while that officer is active; the old stock (and new NPLs whose officer has "
                          "left) to the officer you choose for each cooperative. The target is the whole balance "
                          "and the deadline {days} days from today; officer, target and deadline can be changed in "
                          "the table.",
    "unowned.bulk.capped": "The preview holds the {shown} largest of {total} NPLs with no named person; confirm "
                           "these, and the next ones appear.",
    "unowned.bulk.choose_hint": "Officer for the old stock of each cooperative (only its active officers):",
    "unowned.bulk.officer_for": "Officer for {cooperative}",
    "unowned.bulk.no_active_officer": "{cooperative} has no active officer to assign.",
    "unowned.bulk.rules": "Each row is checked as in a single assignment: the officer active and of the loan's "
                          "cooperative, the target above zero and not above the balance, the deadline after today, "
                          "the loan still an NPL with no open assignment. One bad row and nothing is written. "
                          "Changing an officer above resets the edits in the table.",
    "unowned.bulk.left_out": "{count} row(s) have no officer and are left out.",
    "unowned.bulk.confirm": "Confirm: assign {count} NPLs",
    "unowned.bulk.done": "{count} NPLs assigned in one batch. The audit trail records who did it.",
}

ES = {
    "unowned.title": "Préstamos morosos sin responsable",
    "unowned.kpi": "Morosos sin responsable",
    "unowned.kpi_help": "Préstamos morosos en {month} (Subestándar, Dudoso, Pérdida) sin asignación abierta: nadie "
                        "responde de su cobro. Su saldo es {balance}.",
    "unowned.help": "Todo préstamo moroso debe cobrarlo una persona con nombre dentro de un plazo. Estos morosos "
                    "del último mes no tienen asignación abierta (nunca se asignaron o su última asignación se "
                    "cerró).",
    "unowned.none": "Todo préstamo moroso de esta vista tiene una persona responsable.",
    "unowned.caption": "{count} préstamos morosos con un saldo de {balance} en {month} no tienen asignación "
                       "abierta; los mayores primero (todos en las descargas).",
    "unowned.col.originator": "Otorgado por",
    "unowned.col.basis": "Propuesto porque",
    "unowned.basis.originator": "otorgó el préstamo (moroso nuevo)",
    "unowned.basis.cooperative": "elegido para la cooperativa",
    "unowned.open_bulk": "Asignarlos en bloque en la página de Oficiales →",
    "unowned.bulk.title": "Asignarlos en bloque",
    "unowned.bulk.intro": "Una fila por préstamo moroso sin responsable. Un moroso nuevo se propone al oficial que "
                          "otorgó el préstamo mientras siga activo; la cartera antigua (y los morosos nuevos cuyo "
                          "oficial se fue) al oficial que elija para cada cooperativa. La meta es el saldo completo "
                          "y el plazo {days} días desde hoy; oficial, meta y plazo se pueden cambiar en la tabla.",
    "unowned.bulk.capped": "La vista previa contiene los {shown} mayores de {total} préstamos morosos sin "
                           "responsable; confírmelos y aparecerán los siguientes.",
    "unowned.bulk.choose_hint": "Oficial para la cartera antigua de cada cooperativa (solo sus oficiales activos):",
    "unowned.bulk.officer_for": "Oficial para {cooperative}",
    "unowned.bulk.no_active_officer": "{cooperative} no tiene ningún oficial activo para asignar.",
    "unowned.bulk.rules": "Cada fila se comprueba como una asignación individual: oficial activo y de la cooperativa "
                          "del préstamo, meta mayor que cero y no superior al saldo, plazo posterior a hoy, y el "
                          "préstamo aún moroso y sin asignación abierta. Con una fila errónea no se escribe nada. "
                          "Cambiar un oficial arriba reinicia las ediciones de la tabla.",
    "unowned.bulk.left_out": "{count} fila(s) no tienen oficial y quedan fuera.",
    "unowned.bulk.confirm": "Confirmar: asignar {count} préstamos morosos",
    "unowned.bulk.done": "{count} préstamos morosos asignados en un solo lote. El registro de auditoría guarda quién "
                         "lo hizo.",
}
