/**
 * Shared data of the self-service client tests: the catalog's own items (the checked-in data
 * generated from seed 002, parsed by the contract's schema), 就诊人, an application detail
 * builder and a file upload script for the shared Upload component.
 */
import Taro from '@tarojs/taro';
import {
  ApplicationDetailSchema,
  SelfServiceItemDetailSchema,
  SelfServiceItemSchema,
  progressSteps,
  type ApplicationDetail,
  type ApplicationStatus,
  type Patient,
  type SelfServiceItemDetail,
  type SelfServiceItemSummary,
} from '@ih/contract';
import { fireEvent } from '@testing-library/react';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const raw = require('../../prisma/src/seed/data/selfServiceItems.json') as { items?: unknown[] } | unknown[];
const ITEMS = (Array.isArray(raw) ? raw : (raw.items ?? [])).map((i) => SelfServiceItemSchema.parse(i));

export function item(code: string): SelfServiceItemDetail {
  const found = ITEMS.find((i) => i.code === code);
  if (!found) throw new Error(`no item ${code} in the catalog data`);
  const due = found.mode === 'online' && found.timeLimit.workingDays ? { date: '2026-12-08', workingDays: found.timeLimit.workingDays, calendarDays: null, estimated: false } : null;
  return SelfServiceItemDetailSchema.parse({ ...found, dueIfSubmittedToday: due });
}

export function summaries(): SelfServiceItemSummary[] {
  return ITEMS.map((i) => ({
    code: i.code, seq: i.seq, name: i.name, title: i.title, category: i.category, audience: i.audience, mode: i.mode,
    timeLimit: i.timeLimit, steps: i.steps, sort: i.sort, filingKind: i.filingKind, queryPage: i.queryPage,
  }));
}

export const SELF: Patient = {
  id: '0190a000-0000-7000-8000-000000000011', relationship: 'SELF', nameMasked: '张*国', idType: 'ID_CARD', idNumberMasked: '640***********0131',
  phoneMasked: '138****0001', gender: 'MALE', age: 58, isDefault: true, fromVoucher: true, createdAt: '2026-11-22T00:00:00.000Z',
};
export const MOTHER: Patient = { ...SELF, id: '0190a000-0000-7000-8000-000000000012', relationship: 'PARENT', nameMasked: '李*英', idNumberMasked: '640***********0247', isDefault: false, fromVoucher: false, gender: 'FEMALE', age: 81 };
export const PATIENTS = { items: [SELF, MOTHER], limit: 10 };

export const APP_ID = '0190a000-0000-7000-8000-0000000000f1';

/** An application detail as the BFF sends it, with the contract's own progress steps. */
export function detail(status: ApplicationStatus, over: Partial<ApplicationDetail> = {}, itemCode = 'remote-filing-residence', atStep?: string): ApplicationDetail {
  const it = item(itemCode);
  return ApplicationDetailSchema.parse({
    id: APP_ID, applicationNo: 'SS202611220001', itemCode, itemTitle: it.title, category: it.category,
    patient: { id: SELF.id, nameMasked: SELF.nameMasked, relationship: 'SELF', idType: 'ID_CARD', idNumberMasked: SELF.idNumberMasked },
    status, statusLabel: ({ SUBMITTED: '待受理', ACCEPTED: '已受理', SUPPLEMENT_REQUIRED: '待补正材料', REVIEWING: '审核中', RECHECKING: '复核中', DISBURSING: '拨付中', COMPLETED: '已办结', REJECTED: '未通过', WITHDRAWN: '已撤销' } as const)[status],
    steps: progressSteps(it.steps, status, atStep), deadline: { date: '2026-11-24', workingDays: 2, calendarDays: null, estimated: false },
    submittedAt: '2026-11-22T02:00:00.000Z', updatedAt: '2026-11-22T03:00:00.000Z', byOtherAccount: false,
    timeLimitText: it.timeLimit.text, delivered: true, acceptedAt: null, completedAt: null,
    form: [{ key: 'place', label: '就医地', value: '四川省 成都市' }, { key: 'phone', label: '联系电话', value: '138****0001' }],
    materials: [{ code: 'm3', name: '长期居住认定材料', fileIds: ['0190a000-0000-7000-8000-00000000aa01'], promise: false }],
    supplement: null, rejectReason: null, filing: null, recognizedDisease: null, paidAmountFen: null,
    canWithdraw: status === 'SUBMITTED', canSupplement: status === 'SUPPLEMENT_REQUIRED',
    history: [{ status: 'SUBMITTED', label: '已提交', step: '申请', note: null, at: '2026-11-22T02:00:00.000Z' }],
    ...over,
  });
}

let fileSeq = 0;
/** The next picked image is uploaded and stored as this file (Taro.chooseImage + Taro.uploadFile scripted). */
export function scriptUpload(): string {
  fileSeq += 1;
  const id = `0190a000-0000-7000-8000-0000000ab${String(fileSeq).padStart(3, '0')}`;
  (Taro.chooseImage as jest.Mock).mockResolvedValueOnce({ tempFiles: [{ path: `blob:photo-${fileSeq}`, size: 2048, originalFileObj: { name: `photo-${fileSeq}.jpg`, type: 'image/jpeg', size: 2048 } }] });
  (Taro.uploadFile as jest.Mock).mockImplementationOnce(() =>
    Object.assign(
      Promise.resolve({
        statusCode: 201,
        data: JSON.stringify({ id, mime: 'image/jpeg', sizeBytes: 2048, url: `/api/v1/files/${id}/content?exp=1&sig=abcdefghijklmnop`, urlExpiresAt: '2026-11-22T10:00:00.000Z', purpose: 'MATERIAL', createdAt: '2026-11-22T02:00:00.000Z' }),
        header: {},
      }),
      { onProgressUpdate: jest.fn(), abort: jest.fn() },
    ),
  );
  return id;
}

export function typeInto(container: HTMLElement, name: string, value: string): void {
  fireEvent.change(container.querySelector(`.form-input--${name}`)!, { target: { value } });
}
export function choose(container: HTMLElement, name: string, value: string): void {
  fireEvent.click(container.querySelector(`.choice--${name} .choice__item--${value}`)!);
}
export function pickDate(container: HTMLElement, name: string, value: string): void {
  fireEvent.change(container.querySelector(`.ss-date--${name} input`)!, { target: { value } });
}
export function fieldError(container: HTMLElement, name: string): string | null {
  return container.querySelector(`.form-field--${name} .form-field__error`)?.textContent ?? null;
}
