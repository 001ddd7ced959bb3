/**
 * The catalog data: generated from seed 002 (parser + overlay) into the checked-in
 * selfServiceItems.json; the file must match what the generator makes from the seed today, and
 * the parsed catalog must keep the seed's facts (codes, materials, time limits, steps, notes).
 */
import { readFileSync } from 'node:fs';
import { ITEMS_FILE, findSeedFile, generateItems, serialize } from '../../../prisma/src/seed/selfService/generate';
import { parseCatalog, parseTimeLimit, splitNumbered, splitSteps } from '../../../prisma/src/seed/selfService/parse';

const seedPath = findSeedFile();
const describeWithSeed = seedPath ? describe : describe.skip;
if (!seedPath) console.warn('seed 002 not found next to the repository (shared/seeds): generator checks skipped');

describeWithSeed('generated from seed 002', () => {
  const text = seedPath ? readFileSync(seedPath, 'utf8') : '';

  it('the checked-in file is what the generator makes (run prisma/src/seed/selfService/generate.ts after changing the overlay)', () => {
    expect(readFileSync(ITEMS_FILE, 'utf8')).toBe(serialize(generateItems(text)));
  });

  it('parses all 55 items with the catalog\'s codes, materials, limits and steps', () => {
    const rows = parseCatalog(text);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 55 }, (_, i) => i + 1));
    const r30 = rows.find((r) => r.seq === 30)!;
    expect(r30).toMatchObject({ subCode: '002036217000', name: '医疗保险异地安置退休人员备案', steps: ['申请', '受理', '审核', '办结'], timeLimitText: '线下即时办结；线上不超过2个工作日内' });
    expect(r30.materials[2]).toContain('或个人承诺书');
    const r25 = rows.find((r) => r.seq === 25)!;
    expect(r25.notes[0]).toContain('下一医保年度开始后不再办理退费手续');
    expect(rows.find((r) => r.seq === 24)!.steps).toEqual(['申请', '受理', '审核', '拨付', '办结']);
    expect(rows.find((r) => r.seq === 37)!.steps).toEqual(['申请', '受理', '审核', '复核', '拨付', '办结']);
    expect(rows.find((r) => r.seq === 6)!.ownNotes[0]).toBe('在医保窗口线下办理退费手续');
    expect(rows.find((r) => r.seq === 16)!.ownNotes[0]).toBe('需在医保经办窗口线下办理医疗保险退休手续。');
  });

  it('items the catalog marks as offline-only are offline', () => {
    const items = generateItems(text);
    for (const code of ['flexible-suspend', 'flexible-retire']) expect(items.find((i) => i.code === code)!.mode).toBe('offline');
  });
});

describe('parser pieces', () => {
  it('numbered lists inline, on lines, with repeated numbers', () => {
    expect(splitNumbered('1.甲                2.《乙》   3.丙（丁，或个人承诺书）')).toEqual(['甲', '《乙》', '丙（丁，或个人承诺书）']);
    expect(splitNumbered('1. 参保\n2. 2.医院票据')).toEqual(['参保', '医院票据']);
    expect(splitNumbered('')).toEqual([]);
  });
  it('steps with any dash', () => {
    expect(splitSteps('申请--受理--审核--拨付—办结')).toEqual(['申请', '受理', '审核', '拨付', '办结']);
    expect(splitSteps('申请—受理—（计算保费）—审核—办结')).toEqual(['申请', '受理', '（计算保费）', '审核', '办结']);
  });
  it('time limits', () => {
    expect(parseTimeLimit('线下即时办结；线上不超过2个工作日内')).toEqual({ text: '线下即时办结；线上不超过2个工作日内', workingDays: 2, instant: false });
    expect(parseTimeLimit('15个工作日')).toMatchObject({ workingDays: 15 });
    expect(parseTimeLimit('不超过10工作日')).toMatchObject({ workingDays: 10 });
    expect(parseTimeLimit('不超过60日')).toMatchObject({ calendarDays: 60 });
    expect(parseTimeLimit('即时办结；如需补缴，自完成补缴之日起20个工作日内办结')).toMatchObject({ instant: true });
  });
});
