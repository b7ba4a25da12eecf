"""The inspection notice (行政检查告知书) as a PDF, in Chinese, with its font embedded.

The font: a full system CJK TrueType font when one is installed (Debian fonts-wqy-microhei), else the
subset bundled in jianguan/core/fonts/ (GB 2312 + ASCII + CJK punctuation + full-width forms; built
by jianguan/core/fonts/build_subset.py). reportlab embeds the glyphs used as TrueType subsets
(FontFile2), so the notice renders the same on any machine. A character the font lacks is printed as
"□" instead of failing.

``render_notice`` is a pure function of a ``NoticeData`` value; services.notice_generate builds the
value from a visit and stores the PDF with its SHA-256.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

BUNDLED_FONT = Path(__file__).resolve().parent.parent / "core" / "fonts" / "wqy-microhei-gb2312.ttf"
# Full TrueType CJK fonts a Debian host may have (TrueType outlines only: reportlab cannot embed CFF).
SYSTEM_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
MISSING_GLYPH = "□"
VERIFY_PATH = "/public/verify/{code}/"

_lock = threading.Lock()
_registered: dict[str, TTFont] = {}


def font_candidates() -> list[tuple[Path, int]]:
    """System fonts first (complete), then the bundled subset."""
    found = [(Path(p), i) for p, i in SYSTEM_FONTS if Path(p).is_file()]
    return [*found, (BUNDLED_FONT, 0)]


def register_font(path: Path | None = None, index: int = 0) -> TTFont:
    """Register (once) and return the CJK font: the given file, or the best available one."""
    if path is None:
        path, index = font_candidates()[0]
    key = f"{path}#{index}"
    with _lock:
        font = _registered.get(key)
        if font is None:
            name = f"JianguanCJK{len(_registered)}"
            font = TTFont(name, str(path), subfontIndex=index)
            pdfmetrics.registerFont(font)
            _registered[key] = font
    return font


def printable(text: str, font: TTFont) -> str:
    """The text with every character the font lacks replaced by a visible box (never an exception)."""
    cmap = font.face.charToGlyph
    return "".join(ch if (ch in "\n\t" or ord(ch) in cmap) else MISSING_GLYPH for ch in text)


def verify_url(code: str, base_url: str | None = None) -> str:
    """The public verification address of a code; absolute when the request's host is known."""
    path = VERIFY_PATH.format(code=code)
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def format_code(code: str) -> str:
    """A code as printed: groups of four (ABCD-EFGH) to read aloud and type without mistakes."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class NoticeItem:
    code: str
    name: str
    legal_basis: str
    department: str = ""


@dataclass(frozen=True)
class NoticeInspector:
    name: str
    certificate_no: str
    department: str
    role: str


@dataclass(frozen=True)
class NoticeData:
    """Everything printed on one notice."""

    number: str
    authority: str
    entity_name: str
    entity_uscc: str
    entity_address: str
    start_at: dt.datetime | None
    task_name: str
    plan_title: str
    items: Sequence[NoticeItem]
    team: Sequence[NoticeInspector]
    contact_name: str
    contact_phone: str
    departments: Sequence[str]
    verification_code: str
    verify_url: str
    issued_on: dt.date
    extra_notes: Sequence[str] = field(default_factory=tuple)


class QrFlowable(Flowable):
    """A QR code of a URL, drawn as vector squares (no image files)."""

    def __init__(self, value: str, size: float, font_name: str) -> None:
        super().__init__()
        self.value, self.size, self.font_name = value, size, font_name
        self.width = self.height = size

    def draw(self) -> None:
        widget = QrCodeWidget(self.value, barLevel="M")
        x1, y1, x2, y2 = widget.getBounds()
        w, h = x2 - x1, y2 - y1
        drawing = Drawing(self.size, self.size, transform=[self.size / w, 0, 0, self.size / h, 0, 0])
        drawing.initialFontName = self.font_name  # else the renderer selects Helvetica (never embedded)
        drawing.add(widget)
        drawing.drawOn(self.canv, 0, 0)


def _date_cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def render_notice(data: NoticeData, *, font: TTFont | None = None) -> bytes:
    """The notice as PDF bytes (A4, one or more pages)."""
    font = font or register_font()
    fn = font.fontName

    def p(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(printable(text, font)).replace("\n", "<br/>"), style)

    body = ParagraphStyle("body", fontName=fn, fontSize=10.5, leading=16, firstLineIndent=21)
    plain = ParagraphStyle("plain", fontName=fn, fontSize=10.5, leading=16)
    cell = ParagraphStyle("cell", fontName=fn, fontSize=9.5, leading=13)
    title = ParagraphStyle("title", fontName=fn, fontSize=20, leading=26, alignment=TA_CENTER, spaceAfter=2)
    centre = ParagraphStyle("centre", fontName=fn, fontSize=11, leading=16, alignment=TA_CENTER)
    right = ParagraphStyle("right", fontName=fn, fontSize=10.5, leading=16, alignment=TA_RIGHT)
    heading = ParagraphStyle("heading", fontName=fn, fontSize=11.5, leading=18, spaceBefore=3)
    small = ParagraphStyle("small", fontName=fn, fontSize=8.5, leading=11)

    when = "（检查时间另行通知）"
    if data.start_at is not None:
        local = data.start_at
        when = f"{_date_cn(local.date())} {local:%H:%M}"

    story: list[Flowable] = [
        p(data.authority, centre),
        p("行政检查告知书", title),
        p(data.number, centre),
        Spacer(1, 4 * mm),
        p(f"{data.entity_name}：", plain),
        p(f"（统一社会信用代码：{data.entity_uscc}；地址：{data.entity_address or '—'}）", small),
        Spacer(1, 2 * mm),
        p(
            f"根据“双随机、一公开”监管工作要求和抽查计划《{data.plan_title}》，经随机抽取，本机关决定于 {when} "
            f"对你单位开展行政检查（抽查任务：{data.task_name}）。现将有关事项告知如下：",
            body,
        ),
        p("一、检查事项及依据", heading),
    ]
    rows = [[p("序号", cell), p("检查事项", cell), p("检查依据", cell)]]
    for n, item in enumerate(data.items, start=1):
        name = f"{item.name}（{item.code}）" + (f"\n实施部门：{item.department}" if item.department else "")
        rows.append([p(str(n), cell), p(name, cell), p(item.legal_basis or "—", cell)])
    story.append(_table(rows, [12 * mm, 60 * mm, 98 * mm], fn))

    story.append(p("二、检查人员", heading))
    rows = [[p("姓名", cell), p("执法证号", cell), p("所属部门", cell), p("分工", cell)]]
    for member in data.team:
        rows.append([p(member.name, cell), p(member.certificate_no, cell), p(member.department, cell),
                     p(member.role, cell)])
    story.append(_table(rows, [28 * mm, 45 * mm, 75 * mm, 22 * mm], fn))
    story.append(p(
        "检查人员不少于两人，检查时将出示执法证件并全程佩戴执法记录仪。检查人员与你单位有直接利害关系的，"
        "你单位有权申请回避。",
        body,
    ))

    story.append(p("三、检查时间与联系方式", heading))
    story.append(p(f"检查时间：{when}", plain))
    if len(data.departments) > 1:
        story.append(p(f"联合检查部门：{'、'.join(data.departments)}（进一次门、查多项事）", plain))
    story.append(p(f"联系人：{data.contact_name or '—'}    联系电话：{data.contact_phone or '—'}", plain))

    story.append(p("四、你单位的权利和义务", heading))
    for line in (
        "1. 请按上述时间安排人员配合检查，如实提供与检查事项有关的证照、台账、记录等资料；",
        "2. 你单位对检查结果享有陈述、申辩的权利；检查结果将依法通过国家企业信用信息公示系统向社会公示；",
        "3. 无正当理由拒绝、阻挠检查的，将依法记录为“不配合检查”，情节严重的依法处理。",
        *data.extra_notes,
    ):
        story.append(p(line, plain))

    qr_url = data.verify_url
    # One row: the QR code, the code and address, and the issuing authority with the date (saves a page).
    verify = Table(
        [[QrFlowable(qr_url, 26 * mm, fn),
          [p("五、核验", heading),
           p(f"核验码：{format_code(data.verification_code)}", plain),
           p("扫描二维码或访问以下地址，可核验本次检查的抽取记录和本告知书的真实性：", small),
           p(qr_url, small)],
          [Spacer(1, 12 * mm), p(data.authority, right), p(_date_cn(data.issued_on), right)]]],
        colWidths=[30 * mm, 88 * mm, 52 * mm],
    )
    verify.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), fn)]))
    story.append(Spacer(1, 3 * mm))
    story.append(KeepTogether([verify, Spacer(1, 2 * mm),
                               p("本告知书一式两份，一份送达检查对象，一份附送达回证归档。", small)]))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=14 * mm, bottomMargin=16 * mm,
        title=f"行政检查告知书 {data.number}", author=data.authority, subject=data.entity_name,
        creator="监管平台", invariant=True,
        # The canvas's initial font would otherwise be Helvetica, a standard font that is never embedded.
        initialFontName=fn, initialFontSize=11,
    )

    def footer(canvas: object, document: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont(fn, 8)  # type: ignore[attr-defined]
        canvas.drawCentredString(  # type: ignore[attr-defined]
            A4[0] / 2, 10 * mm, printable(f"{data.number} · 第 {document.page} 页", font)  # type: ignore[attr-defined]
        )
        canvas.restoreState()  # type: ignore[attr-defined]

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _table(rows: list[list[Paragraph]], widths: list[float], font_name: str) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font_name),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table
