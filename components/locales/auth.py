"""Strings of sessions (sign out everywhere), the admin's reach over users, and the session settings."""

EN = {
    "auth.sign_out_everywhere": "Sign out everywhere",
    "auth.sign_out_everywhere_help": "Ends your sessions on every device and browser, this one included.",
    "admin.sign_out_user": "Sign a user out everywhere",
    "admin.sign_out_user_help": "Ends every session of the chosen user on every device (e.g. a lost phone or a shared computer). They can sign in again with their password.",
    "admin.sign_out_user_submit": "Sign out everywhere",
    "admin.sign_out_user_done": "Done: {count} open session(s) ended.",
    "admin.scoped_note": "You manage the accounts of {cooperative} only.",
    "admin.setting.session_idle_minutes": "Sign out after this many idle minutes",
    "admin.setting.session_max_hours": "Sign out this many hours after sign-in",
    "error.user_outside_scope": "This account is outside your scope: you manage only the accounts of your own cooperative.",
    "error.scope_wider_than_own": "An account cannot get a wider scope than your own: choose your cooperative.",
    "error.setting.session_idle_minutes": "The idle timeout is between 1 and 1440 minutes and not longer than the session lifetime.",
    "error.setting.session_max_hours": "The session lifetime is between 1 and 24 hours.",
}

ES = {
    "auth.sign_out_everywhere": "Cerrar sesión en todas partes",
    "auth.sign_out_everywhere_help": "Cierra sus sesiones en todos los dispositivos y navegadores, también en este.",
    "admin.sign_out_user": "Cerrar todas las sesiones de un usuario",
    "admin.sign_out_user_help": "Cierra todas las sesiones del usuario elegido en todos los dispositivos (p. ej. un teléfono perdido o un ordenador compartido). Puede volver a entrar con su contraseña.",
    "admin.sign_out_user_submit": "Cerrar sesiones",
    "admin.sign_out_user_done": "Hecho: {count} sesión(es) abierta(s) cerrada(s).",
    "admin.scoped_note": "Usted administra solo las cuentas de {cooperative}.",
    "admin.setting.session_idle_minutes": "Cerrar sesión tras estos minutos de inactividad",
    "admin.setting.session_max_hours": "Cerrar sesión estas horas después de entrar",
    "error.user_outside_scope": "Esta cuenta está fuera de su ámbito: solo administra las cuentas de su propia cooperativa.",
    "error.scope_wider_than_own": "Una cuenta no puede tener un ámbito más amplio que el suyo: elija su cooperativa.",
    "error.setting.session_idle_minutes": "La inactividad máxima está entre 1 y 1440 minutos y no supera la duración de la sesión.",
    "error.setting.session_max_hours": "La duración de la sesión está entre 1 y 24 horas.",
}
