"""Spreadsheet import and export (CSV and XLSX, Chinese headers), shared by every registry.

An app describes its table once as a ``TableSpec``: the columns (Chinese header, code name,
parser), the natural key, how to clean one row and how to upsert a batch. This module does the
rest the same way for everyone:

- headers are checked first: a missing required column or an unknown column fails the whole
  file with the column named;
- every row is cleaned; errors name the row (spreadsheet numbering, header = row 1), the column
  and the rule;
- a key repeated inside the file is an error on the later row;
- the whole file is written in one transaction, in batches, streaming (bounded memory): if any
  row fails, nothing is written and the report lists the failures;
- export writes the same columns, so an exported file imports back unchanged.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

from django.db import transaction

from jianguan.core.exceptions import FieldError

BATCH_SIZE = 2000
MAX_REPORTED_ERRORS = 500


class RowInvalid(Exception):
    """Raised by a parser or a spec's clean_row: one cell (or the row) breaks a rule."""

    def __init__(self, message: str, column: str = "", code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.column = column
        self.code = code


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True
    parse: Callable[[str], Any] | None = None
    example: str = ""
    help: str = ""
    # The parser is pure and nothing mutates what it returns: a value repeated down the column (a
    # region, a grade, a date) is parsed once per file (bounded memo). Leave False for unique columns.
    repeats: bool = False


@dataclass
class ImportContext:
    user: Any
    # Anything a spec preloads once (lookup tables) lives here.
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[FieldError] = field(default_factory=list)


class TableSpec:
    """Describe one registry's table. Subclasses set the class attributes and implement the hooks."""

    name: str = ""
    title: str = ""
    columns: Sequence[Column] = ()
    key: str = ""

    def prepare(self, ctx: ImportContext) -> None:
        """Load lookup tables once before the rows."""

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        """Row-level checks after each cell parsed; raise RowInvalid."""
        return values

    def writing(self, ctx: ImportContext) -> AbstractContextManager[Any]:
        """Entered inside the import's transaction, around all the batches and finish: session settings,
        background writers. If the block raises, the transaction is rolled back after the exit."""
        return nullcontext()

    def sync(self, ctx: ImportContext) -> None:
        """Wait for writes the spec left running in the background: the connection is free afterwards."""

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], ctx: ImportContext) -> BatchResult:
        """Upsert a batch of (row number, cleaned values). Return counts and any row errors."""
        raise NotImplementedError

    def finish(self, ctx: ImportContext, report: ImportReport) -> None:
        """After all rows are written, inside the same transaction (audit, history)."""

    def export_row(self, obj: Any) -> list[Any]:
        """One object as cells, in column order."""
        raise NotImplementedError


@dataclass
class ImportReport:
    ok: bool = True
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    file_sha256: str = ""
    message: str = ""

    def add_error(self, err: FieldError) -> None:
        self.ok = False
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(err.as_dict())

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "rows": self.rows, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "error_count": self.error_count, "errors": self.errors,
            "file_sha256": self.file_sha256, "message": self.message,
        }


class FileRejected(Exception):
    """The file as a whole cannot be read (format, encoding, headers)."""

    def __init__(self, message: str, errors: list[FieldError] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


# ---------------------------------------------------------------- reading


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0, 0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start >= len(head) - 3:
            return "utf-8"
    return "gb18030"  # Excel on Chinese Windows saves CSV in GBK, which GB 18030 contains.


def iter_csv(fh: BinaryIO) -> Iterator[list[str]]:
    head = fh.read(65536)
    fh.seek(0)
    encoding = _detect_encoding(head)
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")
    try:
        for row in csv.reader(text):
            yield [c.strip() for c in row]
    except UnicodeDecodeError as exc:
        raise FileRejected(f"文件编码无法识别（尝试了 {encoding}）：请另存为 UTF-8 编码的 CSV") from exc
    finally:
        text.detach()


def iter_xlsx(fh: BinaryIO) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:
        raise FileRejected("无法读取 XLSX 文件：文件已损坏或不是 Excel 2007 及以上格式") from exc
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    finally:
        wb.close()


def iter_table(fh: BinaryIO, filename: str) -> Iterator[list[str]]:
    lower = filename.lower()
    if lower.endswith(".csv"):
        return iter_csv(fh)
    if lower.endswith(".xlsx"):
        return iter_xlsx(fh)
    raise FileRejected(f"不支持的文件类型：{os.path.basename(filename)}（只接受 .csv 或 .xlsx）")


def map_headers(spec: TableSpec, header: list[str]) -> list[Column | None]:
    """Match the file's header row to the spec's columns; reject unknown or missing columns."""
    by_header = {c.header: c for c in spec.columns}
    errors: list[FieldError] = []
    mapped: list[Column | None] = []
    seen: set[str] = set()
    for i, raw in enumerate(header, start=1):
        name = raw.strip().lstrip("\ufeff").rstrip("*")
        if not name:
            mapped.append(None)
            continue
        col = by_header.get(name)
        if col is None:
            errors.append(FieldError(field=name, row=1, code="unknown_column",
                                     message=f"第 {i} 列「{name}」不是本模板的列；可用的列：{'、'.join(by_header)}"))
        elif col.key in seen:
            errors.append(FieldError(field=name, row=1, code="duplicate_column", message=f"列「{name}」出现了两次"))
        else:
            seen.add(col.key)
        mapped.append(col)
    for col in spec.columns:
        if col.required and col.key not in seen:
            errors.append(FieldError(field=col.header, row=1, code="missing_column", message=f"缺少必填列「{col.header}」"))
    if errors:
        raise FileRejected("表头与模板不符", errors)
    return mapped


# ---------------------------------------------------------------- importing


MEMO_LIMIT = 4096  # distinct values remembered per repeating column


class RowParser:
    """Parses the cells of one row into the spec's values; built once per file from the mapped header.

    This runs once per row of a million-row file, so the per-column work is laid out beforehand: the
    cell index, the column, its parser and (for repeating columns) a memo of parsed values.
    """

    def __init__(self, spec: TableSpec, mapped: list[Column | None]):
        self.spec = spec
        self.plan: list[tuple[int, str, bool, Callable[[str], Any] | None, dict[str, Any] | None, Column]] = [
            (i, col.key, col.required, col.parse, {} if col.repeats and col.parse else None, col)
            for i, col in enumerate(mapped) if col is not None]
        self.headers = {c.key: c.header for c in spec.columns}

    def _missing(self, col: Column, rownum: int) -> FieldError:
        return FieldError(field=col.header, row=rownum, code="required", message=f"「{col.header}」不能为空")

    def parse(self, cells: list[str], rownum: int, ctx: ImportContext) -> tuple[dict[str, Any] | None, list[FieldError]]:
        values: dict[str, Any] = {}
        errors: list[FieldError] = []
        n = len(cells)
        for i, key, required, parse, memo, col in self.plan:
            if i >= n:
                if required:
                    errors.append(self._missing(col, rownum))
                continue
            raw = cells[i]
            if raw == "":
                if required:
                    errors.append(self._missing(col, rownum))
                values[key] = None
                continue
            if parse is None:
                values[key] = raw
                continue
            if memo is not None:
                try:
                    values[key] = memo[raw]
                    continue
                except KeyError:
                    pass
            try:
                value = parse(raw)
            except RowInvalid as exc:
                errors.append(FieldError(field=col.header, row=rownum, code=exc.code, message=exc.message, value=raw[:100]))
                continue
            except ValueError as exc:
                errors.append(FieldError(field=col.header, row=rownum, code="invalid", message=str(exc), value=raw[:100]))
                continue
            values[key] = value
            if memo is not None and len(memo) < MEMO_LIMIT:
                memo[raw] = value
        if errors:
            return None, errors
        try:
            return self.spec.clean_row(values, ctx), []
        except RowInvalid as exc:
            header = self.headers.get(exc.column, exc.column)
            return None, [FieldError(field=header, row=rownum, code=exc.code, message=exc.message)]


ProgressFn = Callable[[int], None]


def run_import(
    spec: TableSpec, fh: BinaryIO, filename: str, *, user: Any, progress: ProgressFn | None = None
) -> ImportReport:
    """Import a whole file, all-or-nothing. Returns the report; never raises for bad data."""
    report = ImportReport()
    sha = hashlib.sha256()
    while chunk := fh.read(1 << 20):
        sha.update(chunk)
    fh.seek(0)
    report.file_sha256 = sha.hexdigest()
    ctx = ImportContext(user=user)
    key_header = next((c.header for c in spec.columns if c.key == spec.key), spec.key)
    try:
        rows = iter_table(fh, filename)
        header = next(rows, None)
        if header is None:
            raise FileRejected("文件是空的：第 1 行应为表头")
        mapped = map_headers(spec, header)
        parse_row = RowParser(spec, mapped).parse
        batch_size = BATCH_SIZE
        spec.prepare(ctx)
        with transaction.atomic(), spec.writing(ctx):
            seen: dict[str, int] = {}
            batch: list[tuple[int, dict[str, Any]]] = []

            def flush() -> None:
                if not batch:
                    return
                if report.ok:
                    result = spec.write_batch(batch, ctx)
                    report.created += result.created
                    report.updated += result.updated
                    report.unchanged += result.unchanged
                    for err in result.errors:
                        report.add_error(err)
                batch.clear()

            for rownum, cells in enumerate(rows, start=2):
                if not any(cells):
                    continue
                report.rows += 1
                cleaned, errors = parse_row(cells, rownum, ctx)
                if cleaned is None:
                    for err in errors:
                        report.add_error(err)
                    continue
                key = str(cleaned.get(spec.key, ""))
                first = seen.get(key)
                if first is not None:
                    report.add_error(FieldError(field=key_header, row=rownum, code="duplicate_key", value=key,
                                                message=f"「{key_header}」{key} 与第 {first} 行重复"))
                    continue
                seen[key] = rownum
                if report.ok:
                    batch.append((rownum, cleaned))
                    if len(batch) >= batch_size:
                        flush()
                if progress is not None and report.rows % 5000 == 0:
                    spec.sync(ctx)  # the callback may use the database
                    progress(report.rows)
            flush()
            if report.ok:
                spec.finish(ctx, report)
                report.message = f"导入成功：共 {report.rows} 行，新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}"
            else:
                transaction.set_rollback(True)
                report.created = report.updated = report.unchanged = 0
                report.message = f"导入失败：{report.error_count} 处错误，未写入任何数据"
    except FileRejected as exc:
        report.ok = False
        report.message = f"导入失败：{exc.message}，未写入任何数据"
        for err in exc.errors:
            report.add_error(err)
        if not exc.errors:
            report.error_count += 1
    if progress is not None:
        progress(report.rows)
    return report


def count_data_rows(fh: BinaryIO, filename: str) -> int:
    """Cheap row count, used to decide whether an import runs in the background."""
    if filename.lower().endswith(".csv"):
        n = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        fh.seek(0)
        return max(n - 1, 0)
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    fh.seek(0)
    return size // 40  # XLSX: a rough estimate from size (about 40 compressed bytes a row)


# ---------------------------------------------------------------- exporting


def _export_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return ";".join(str(v) for v in value)
    return value


def iter_csv_export(spec: TableSpec, objects: Iterable[Any]) -> Iterator[bytes]:
    """CSV with a UTF-8 BOM so that Excel opens the Chinese headers correctly; streamed in chunks."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")

    def take() -> bytes:
        data = buf.getvalue().encode("utf-8")
        buf.seek(0)
        buf.truncate()
        return data

    writer.writerow([c.header for c in spec.columns])
    yield codecs.BOM_UTF8 + take()
    for i, obj in enumerate(objects, start=1):
        writer.writerow([_export_value(v) for v in spec.export_row(obj)])
        if i % 1000 == 0:
            yield take()
    if buf.tell():
        yield take()


def write_xlsx_export(spec: TableSpec, objects: Iterable[Any], *, template: bool = False) -> IO[bytes]:
    """XLSX in write-only mode (constant memory) into a temporary file; the caller streams it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.title or spec.name)
    bold = Font(bold=True)
    header = []
    for c in spec.columns:
        cell = WriteOnlyCell(ws, value=c.header + ("*" if c.required and template else ""))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    if template:
        # Examples live on the notes sheet so that an untouched template imports nothing.
        notes = wb.create_sheet("填写说明")
        notes.append(["列", "必填", "示例", "说明"])
        for c in spec.columns:
            notes.append([c.header, "是" if c.required else "否", c.example, c.help])
    else:
        for obj in objects:
            ws.append([_export_value(v) for v in spec.export_row(obj)])
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    wb.save(tmp)
    tmp.seek(0)
    return tmp


def csv_template(spec: TableSpec) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.header for c in spec.columns])
    return codecs.BOM_UTF8 + buf.getvalue().encode("utf-8")
