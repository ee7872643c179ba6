"""The importer: files from the core banking system read, checked row by row, written all or nothing.

Modules: ``files`` reads CSV/Excel with bounded memory and certain encodings; ``cells`` parses one cell;
``problems`` keeps the report; ``tape`` checks and writes the monthly loan tape; ``batches`` records each
import and withdraws one; ``locks`` runs one import at a time.
"""
from data.importer.batches import withdraw
from data.importer.cells import CellError, _fast_amount, parse_amount, parse_date, parse_integer, parse_month, \
    parse_rate, parse_text
from data.importer.files import ENCODINGS, ImportFileError, decode, encoding_name, read_table
from data.importer.locks import ImportBusyError
from data.importer.problems import MAX_PROBLEMS
from data.importer.tape import ImportResult, Shrink, import_tape, system_actor

__all__ = ["CellError", "ENCODINGS", "ImportBusyError", "ImportFileError", "ImportResult", "MAX_PROBLEMS", "Shrink",
           "_fast_amount", "decode", "encoding_name", "import_tape", "parse_amount", "parse_date",
           "parse_integer", "parse_month", "parse_rate", "parse_text", "read_table", "system_actor", "withdraw"]
