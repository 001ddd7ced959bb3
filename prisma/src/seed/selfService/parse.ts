/**
 * Parser of seed 002 (宁夏医疗保障经办政务服务事项清单（2023版）, the text export of the Word table).
 *
 * The export has one block per table row, rows separated by an empty line; inside a row every
 * cell starts with a TAB at the beginning of a line, and lines without the TAB continue the cell
 * above. Columns: 主项, 主项编码, 子项序号, 子项, 子项编码, 业务办理项序号, 业务办理项名称, 办理材料,
 * 办理时限, 办理环节, 备注, 设定依据. Merged cells are empty in later rows: 主项 / 子项 and their
 * codes carry forward, and so do the item's notes and basis for rows of the same 子项 (the
 * catalog states them once per 子项).
 */

export interface CatalogRow {
  seq: number;
  mainItem: string;
  mainCode: string;
  subNo: number;
  subItem: string;
  subCode: string;
  name: string;
  materials: string[];
  timeLimitText: string;
  steps: string[];
  notes: string[];
  /** Notes written on this row itself (not carried forward). */
  ownNotes: string[];
  basis: string[];
}

const clean = (s: string) => s.replace(/\u00a0/g, ' ').replace(/[ \t\u3000]+/g, ' ').trim();

function cellsOf(block: string): string[] {
  const cells: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('\t')) cells.push(line.slice(1));
    else if (cells.length > 0) cells[cells.length - 1] += `\n${line}`;
  }
  return cells.map((c) => c.replace(/\s+$/g, ''));
}

/** "1.xxx 2.yyy" (inline or on lines; "2. 2.yyy" duplicates numbers) → ["xxx", "yyy"]. */
export function splitNumbered(text: string): string[] {
  const t = clean(text.replace(/\n/g, ' '));
  if (t === '') return [];
  const parts = t.split(/(?:^|\s+|(?<=[。；;）)]))(?:\d{1,2}\s*[.、．]\s*)+(?=\S)/).map((p) => clean(p)).filter((p) => p !== '');
  return parts.map((p) => p.replace(/^\d{1,2}\s*[.、．]\s*/, '').replace(/[；;]$/, ''));
}

export function splitSteps(text: string): string[] {
  return clean(text.replace(/\n/g, ''))
    .split(/\s*[—–-]+\s*/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parseCatalog(text: string): CatalogRow[] {
  const normalized = text.replace(/\r\n?/g, '\n');
  const blocks = normalized.split(/\n *\n(?=\t)/);
  const rows: CatalogRow[] = [];
  let mainItem = '';
  let mainCode = '';
  let subNo = 0;
  let subItem = '';
  let subCode = '';
  let notes: string[] = [];
  let basis: string[] = [];
  for (const block of blocks) {
    const cells = cellsOf(block.startsWith('\t') ? block : block.slice(block.indexOf('\n\t') + 1));
    if (cells.length < 7) continue;
    const seqText = clean(cells[5] ?? '');
    if (!/^\d+$/.test(seqText)) continue; // the header and the closing note
    const get = (i: number) => (cells[i] ?? '').trim();
    if (clean(get(0))) mainItem = clean(get(0)).replace(/^[一二三四五六七八九十]+、/, '');
    if (clean(get(1))) mainCode = clean(get(1));
    const newSub = clean(get(3)) !== '';
    if (clean(get(2))) subNo = Number(clean(get(2)));
    if (newSub) {
      subItem = clean(get(3));
      notes = [];
      basis = [];
    }
    if (clean(get(4))) subCode = clean(get(4));
    const ownNotes = splitNumbered(get(10));
    if (ownNotes.length) notes = ownNotes;
    const ownBasis = splitNumbered(get(11));
    if (ownBasis.length) basis = ownBasis;
    rows.push({
      seq: Number(seqText),
      mainItem,
      mainCode,
      subNo,
      subItem,
      subCode,
      name: clean(get(6)),
      materials: splitNumbered(get(7)),
      timeLimitText: get(8).split('\n').map(clean).filter(Boolean).join('；'),
      steps: splitSteps(get(9)),
      notes,
      ownNotes,
      basis,
    });
  }
  return rows;
}

/** "线下即时办结；线上不超过2个工作日内" → {workingDays: 2}; "即时办结" → {instant}; "不超过60日" → {calendarDays: 60}. */
export function parseTimeLimit(text: string): { text: string; workingDays?: number; calendarDays?: number; instant: boolean } {
  const online = /线上[^；]*?(\d+)\s*个?工作日/.exec(text);
  const working = online ?? /^(?:不超过)?\s*(\d+)\s*个?工作日/.exec(text);
  if (working) return { text, workingDays: Number(working[1]), instant: false };
  const days = /不超过\s*(\d+)\s*日/.exec(text);
  if (days) return { text, calendarDays: Number(days[1]), instant: false };
  return { text, instant: /即时办结/.test(text) };
}
