/**
 * 参保凭证 (enrollment certificate) as a PDF, built with pdf-lib.
 *
 * Chinese text: pdf-lib can embed only the 14 standard (Latin) fonts without @pdf-lib/fontkit,
 * which is not a dependency here, and no CJK font file can be fetched offline. So the text uses
 * the PDF standard's predefined CJK font instead: a Type0 font `STSong-Light` with the
 * `UniGB-UCS2-H` CMap (Adobe-GB1 character collection), NOT embedded. Every conforming viewer
 * that supports Chinese ships a substitute for it (Adobe Reader's Asian font pack, PDF.js and
 * Chromium/PDFium's built-in CMaps, Poppler with poppler-data, WPS, the WeChat / Alipay file
 * viewers). Limitation: a viewer without Adobe-GB1 support shows blanks; the text remains
 * searchable/extractable (UCS-2 code points). With @pdf-lib/fontkit added, an embedded subset of
 * a configured font would remove that limitation.
 *
 * Personal data: the name as registered and the certificate number masked (the full number is
 * never sent back after the 就诊人 was added); a check code lets the agency's window verify it.
 */
import { createHmac } from 'node:crypto';
import { PDFDocument, PDFHexString, PDFName, PDFString, beginText, endText, moveText, rgb, setFillingRgbColor, setFontAndSize, showText, type PDFPage, type PDFRef } from 'pdf-lib';

export interface CertificateData {
  title: string;
  name: string;
  idNumberMasked: string;
  insutypeLabel: string;
  statusLabel: string;
  admdvsName: string;
  since: string;
  unitName: string | null;
  payments: { period: string; kind: string; amount: string }[];
  printedAt: string;
  certificateNo: string;
  issuer: string;
}

/** Width in em of a string in STSong-Light as declared below (ASCII half width, the rest full). */
function widthEm(text: string): number {
  let w = 0;
  for (const ch of text) w += ch.charCodeAt(0) < 0x7f ? 0.5 : 1;
  return w;
}

function ucs2Hex(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    // Outside the BMP (rare in names) cannot be addressed by UCS-2: shown as a full-width question mark.
    out += (code > 0xffff ? 0xff1f : code).toString(16).padStart(4, '0');
  }
  return out;
}

function registerCjkFont(doc: PDFDocument): PDFRef {
  const ctx = doc.context;
  const descriptor = ctx.register(
    ctx.obj({ Type: 'FontDescriptor', FontName: 'STSong-Light', Flags: 6, FontBBox: [-25, -254, 1000, 880], ItalicAngle: 0, Ascent: 880, Descent: -120, CapHeight: 880, StemV: 93 }),
  );
  const cidFont = ctx.register(
    ctx.obj({
      Type: 'Font', Subtype: 'CIDFontType0', BaseFont: 'STSong-Light',
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('GB1'), Supplement: 2 },
      FontDescriptor: descriptor,
      DW: 1000,
      // CIDs 1–95 are the proportional ASCII glyphs of Adobe-GB1: half width.
      W: [1, 95, 500],
    }),
  );
  return ctx.register(ctx.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: 'STSong-Light-UniGB-UCS2-H', Encoding: 'UniGB-UCS2-H', DescendantFonts: [cidFont] }));
}

class Writer {
  constructor(private readonly page: PDFPage, private readonly font: PDFName) {}

  text(s: string, x: number, y: number, size: number, color = rgb(0.1, 0.1, 0.1)): void {
    this.page.pushOperators(setFillingRgbColor(color.red, color.green, color.blue), beginText(), setFontAndSize(this.font, size), moveText(x, y), showText(PDFHexString.of(ucs2Hex(s))), endText());
  }

  centered(s: string, y: number, size: number): void {
    this.text(s, (this.page.getWidth() - widthEm(s) * size) / 2, y, size);
  }
}

export async function certificatePdf(d: CertificateData): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(d.title);
  doc.setSubject('医疗保险参保凭证');
  doc.setProducer('互联网医院医保自助经办');
  doc.setCreator('互联网医院');
  const page = doc.addPage([595.28, 841.89]); // A4
  const fontName = page.node.newFontDictionary('CJK', registerCjkFont(doc));
  const w = new Writer(page, fontName);
  const { width } = page.getSize();
  let y = 770;
  w.centered(d.title, y, 22);
  y -= 18;
  page.drawLine({ start: { x: 60, y }, end: { x: width - 60, y }, thickness: 1, color: rgb(0.2, 0.4, 0.7) });
  y -= 34;
  const rows: [string, string][] = [
    ['姓名', d.name],
    ['证件号码', d.idNumberMasked],
    ['险种', d.insutypeLabel],
    ['参保状态', d.statusLabel],
    ['参保地', d.admdvsName],
    ['参保起始日期', d.since],
    ['参保单位/类别', d.unitName ?? '—'],
  ];
  for (const [k, v] of rows) {
    w.text(`${k}：`, 80, y, 13, rgb(0.35, 0.35, 0.35));
    w.text(v, 200, y, 13);
    y -= 26;
  }
  y -= 10;
  w.text('近期缴费记录', 80, y, 14);
  y -= 22;
  w.text('缴费期间', 80, y, 11, rgb(0.35, 0.35, 0.35));
  w.text('缴费类型', 200, y, 11, rgb(0.35, 0.35, 0.35));
  w.text('金额（元）', 400, y, 11, rgb(0.35, 0.35, 0.35));
  y -= 8;
  page.drawLine({ start: { x: 80, y }, end: { x: width - 80, y }, thickness: 0.5, color: rgb(0.7, 0.7, 0.7) });
  y -= 18;
  if (d.payments.length === 0) {
    w.text('暂无缴费记录', 80, y, 11);
    y -= 20;
  }
  for (const p of d.payments.slice(0, 12)) {
    w.text(p.period, 80, y, 11);
    w.text(p.kind, 200, y, 11);
    w.text(p.amount, 400, y, 11);
    y -= 20;
  }
  y -= 30;
  w.text(`凭证编号：${d.certificateNo}`, 80, y, 11, rgb(0.35, 0.35, 0.35));
  y -= 20;
  w.text(`打印时间：${d.printedAt}`, 80, y, 11, rgb(0.35, 0.35, 0.35));
  y -= 20;
  w.text(`数据来源：${d.issuer}`, 80, y, 11, rgb(0.35, 0.35, 0.35));
  y -= 30;
  w.text('说明：本凭证信息以医保经办机构系统记录为准；证件号码已部分隐藏，', 80, y, 10, rgb(0.45, 0.45, 0.45));
  y -= 16;
  w.text('需要显示完整证件号码的凭证，请持本人有效身份证件到医保经办窗口打印。', 80, y, 10, rgb(0.45, 0.45, 0.45));
  return doc.save({ useObjectStreams: false });
}

/** A check code over what the certificate says (HMAC with the deployment's key: verifiable at the window). */
export function certificateNo(key: Buffer, parts: string[]): string {
  return createHmac('sha256', key).update(parts.join('\n')).digest('hex').slice(0, 16).toUpperCase();
}
