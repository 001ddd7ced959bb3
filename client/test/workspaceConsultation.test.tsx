/**
 * The doctor's consultation page: the case (condition, pictures, offline diagnosis, HIS visits,
 * earlier online visits), accept (and losing the race), chat, diagnosis from the disease
 * catalog, the prescription form (catalog drugs only, flagged drugs refused with the reason, the
 * contract's field checks, no price ever sent, totals from the BFF), sign and submit, a rejected
 * prescription's reason and revision, ending the consultation.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ERROR_CATALOG, type WorkspacePrescription } from '@ih/contract';
import Consultation from '../src/packageDoctor/pages/consultation/index';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { __setRouterParams } from './doubles/taro';
import { fakeUploads, fileId, message, messagesResponse, pickH5, uploaded } from './consultFixtures';
import { err, fakeBff, tokens, type FakeAnswer, type FakeCall } from './fakeBff';
import {
  CID,
  DISEASE_ID,
  DOCTOR_ME,
  DRUG_FLAGGED,
  DRUG_OK,
  FLAGGED_DRUG,
  PHARMACIST_ME,
  RX,
  RX2,
  SIGNED,
  accepted,
  consultation,
  disease,
  drug,
  pending,
  prescription,
} from './workspaceFixtures';

type Handler = (c: FakeCall) => FakeAnswer | Promise<FakeAnswer>;
const ok = (body: unknown): FakeAnswer => ({ status: 200, body });
const DIAGNOSIS = {
  consultationId: CID, diseaseId: DISEASE_ID, code: 'I10.x00', name: '高血压', category: 'CHRONIC', payableOnline: true, note: null,
  doctorName: '纳红梅', diagnosedAt: '2026-11-22T00:06:00.000Z', updatedAt: '2026-11-22T00:06:00.000Z',
};

/** The room's long poll never answers (nothing new); a plain fetch answers with `history`. */
function messagesRoute(history = [message(1, { sender: 'SYSTEM', kind: 'SYSTEM', text: '医生已接诊，请描述您的病情变化和用药情况', systemCode: 'ACCEPTED' })]): Handler {
  return (c) => {
    const q = new URL(c.url, 'http://x').searchParams;
    if (Number(q.get('wait') ?? 0) > 0) return new Promise<FakeAnswer>(() => undefined);
    const after = Number(q.get('after') ?? 0);
    return ok(messagesResponse(history.filter((m) => m.seq > after), { lastSeq: history.at(-1)?.seq ?? 0, peerReadSeq: 0 }));
  };
}

function routes(over: Record<string, Handler> = {}) {
  return fakeBff({
    'GET /api/v1/auth/me': () => ok(DOCTOR_ME),
    [`GET /api/v1/workspace/consultations/${CID}`]: () => ok(accepted()),
    [`GET /api/v1/consultations/${CID}/messages`]: messagesRoute(),
    [`POST /api/v1/consultations/${CID}/read`]: (c) => ok({ myReadSeq: (c.data as { seq: number }).seq, peerReadSeq: 0 }),
    [`GET /api/v1/workspace/consultations/${CID}/diagnosis`]: () => ok({ diagnosis: DIAGNOSIS }),
    [`GET /api/v1/workspace/consultations/${CID}/prescriptions`]: () => ok({ items: [] }),
    'GET /api/v1/catalog/diseases': () => ok({ items: [disease()], page: 1, pageSize: 20, total: 1 }),
    'GET /api/v1/catalog/drugs': () => ok({ items: [drug(), FLAGGED_DRUG], page: 1, pageSize: 20, total: 2 }),
    ...over,
  });
}

/** The element once it is there. */
function el(container: HTMLElement, selector: string): Promise<Element> {
  return waitFor(() => {
    const found = container.querySelector(selector);
    expect(found).not.toBeNull();
    return found!;
  });
}

function type(el: Element, value: string) {
  fireEvent.change(el, { target: { value } });
}

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
  __setRouterParams({ id: CID });
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('before accepting', () => {
  it('shows the case: condition, pictures, the offline diagnosis, HIS visits and earlier online visits', async () => {
    routes({ [`GET /api/v1/workspace/consultations/${CID}`]: () => ok(consultation()) });
    const { container } = render(<Consultation />);
    expect(await screen.findByText('血压近一周在 140/90 左右，每天服用氨氯地平 5mg，无头晕')).toBeTruthy();
    expect(container.querySelector('.consultation-head__patient')?.textContent).toBe('张*国 · 男 · 58 岁');
    expect(container.querySelectorAll('.case-history__image')).toHaveLength(1);
    expect(container.querySelector('.case-history__image')?.getAttribute('src')).toContain('/api/v1/files/');
    expect(container.querySelector('.case-history__offline')?.textContent).toContain('高血压（I10.x00）');
    expect(container.querySelector('.case-visit--recent')?.textContent).toContain('2026-10-13 宁夏医科大学总医院');
    expect(container.querySelector('.case-history__previous')?.textContent).toContain('已结束');
    expect(screen.getByText('接诊后才能回复患者。')).toBeTruthy();
    expect(screen.getByText('接诊后可下诊断、开具处方。')).toBeTruthy();
    expect(screen.queryByText('结束问诊')).toBeNull();
  });

  it('the HIS could not answer: says so instead of an empty history', async () => {
    routes({ [`GET /api/v1/workspace/consultations/${CID}`]: () => ok(consultation({ offlineVisits: null, offlineVisitsError: { code: 'HIS_TIMEOUT', message: ERROR_CATALOG.HIS_TIMEOUT.message } })) });
    const { container } = render(<Consultation />);
    await screen.findByText('接诊');
    expect(container.querySelector('.case-history__visits-error')?.textContent).toBe(ERROR_CATALOG.HIS_TIMEOUT.message);
  });

  it('accept: the consultation is mine, the chat opens and the doctor answers', async () => {
    let accepted1 = false;
    const bff = routes({
      [`GET /api/v1/workspace/consultations/${CID}`]: () => ok(accepted1 ? accepted() : consultation()),
      [`POST /api/v1/workspace/consultations/${CID}/accept`]: () => {
        accepted1 = true;
        return ok(accepted());
      },
      [`POST /api/v1/consultations/${CID}/messages`]: (c) => ok(message(2, { sender: 'DOCTOR', text: (c.data as { text: string }).text })),
    });
    const { container } = render(<Consultation />);
    fireEvent.click(await screen.findByText('接诊'));
    expect(await screen.findByText('结束问诊')).toBeTruthy();
    expect(bff.of('POST', `/api/v1/workspace/consultations/${CID}/accept`)).toHaveLength(1);
    expect(container.querySelector('.consultation-head__status')?.textContent).toBe('问诊中');
    expect(container.querySelector('.ws-tab--chat')?.className).toContain('ws-tabs__tab--active');
    // The system note in the doctor's words, not the patient's.
    expect(await screen.findByText('已接诊，请了解患者病情变化和用药情况')).toBeTruthy();
    expect(screen.queryByText('医生已接诊，请描述您的病情变化和用药情况')).toBeNull();

    const box = container.querySelector('.form-input--chat')!;
    type(box, '  请继续每天早上服用氨氯地平 1 片  ');
    fireEvent.click(screen.getByText('发送'));
    expect(await screen.findByText('请继续每天早上服用氨氯地平 1 片')).toBeTruthy();
    const sent = bff.of('POST', `/api/v1/consultations/${CID}/messages`)[0]!.data as { kind: string; text: string; clientMsgId: string };
    expect(sent.kind).toBe('TEXT');
    expect(sent.text).toBe('请继续每天早上服用氨氯地平 1 片');
    expect(sent.clientMsgId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    await waitFor(() => expect(container.querySelector('.msg--mine .msg__read')?.textContent).toBe('未读'));
    expect(container.querySelector('.msg--mine .msg__sender')?.textContent).toBe('我');
  });

  it('the doctor sends a picture: picked, uploaded as a consultation image, sent as an IMAGE message once', async () => {
    const uploads = fakeUploads(() => ({ status: 201, body: uploaded(7) }));
    const bff = routes({
      [`GET /api/v1/workspace/consultations/${CID}`]: () => ok(accepted()),
      [`POST /api/v1/consultations/${CID}/messages`]: (c) =>
        ok(message(2, { sender: 'DOCTOR', kind: 'IMAGE', text: null, file: { id: (c.data as { fileId: string }).fileId, mime: 'image/jpeg', sizeBytes: 2048, url: uploaded(7).url, urlExpiresAt: uploaded(7).urlExpiresAt } })),
    });
    const { container } = render(<Consultation />);
    await screen.findByText('结束问诊');
    fireEvent.click(await screen.findByText('对话'));
    pickH5([{ name: 'diet.jpg', type: 'image/jpeg', size: 120_000 }]);
    fireEvent.click(await screen.findByText('发送图片'));
    await waitFor(() => expect(bff.of('POST', `/api/v1/consultations/${CID}/messages`)).toHaveLength(1));
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.options).toMatchObject({ url: expect.stringContaining('/api/v1/files'), name: 'file', formData: { purpose: 'CONSULT_IMAGE' } });
    const sent = bff.of('POST', `/api/v1/consultations/${CID}/messages`)[0]!.data as { kind: string; fileId: string; clientMsgId: string };
    expect(sent).toMatchObject({ kind: 'IMAGE', fileId: fileId(7) });
    expect(sent.clientMsgId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    await waitFor(() => expect(container.querySelector('.msg--mine .msg__image')).not.toBeNull());
    // The tray empties once the picture became a message; no error.
    expect(container.querySelector('.chat__tray')).toBeNull();
    expect(container.querySelector('.chat .form-error')).toBeNull();
  });

  it('a picture the BFF refuses (image limit reached) says why in words', async () => {
    fakeUploads(() => ({ status: 201, body: uploaded(8) }));
    routes({
      [`GET /api/v1/workspace/consultations/${CID}`]: () => ok(accepted()),
      [`POST /api/v1/consultations/${CID}/messages`]: () => err(409, 'CONSULTATION_IMAGE_LIMIT'),
    });
    const { container } = render(<Consultation />);
    await screen.findByText('结束问诊');
    fireEvent.click(await screen.findByText('对话'));
    pickH5([{ name: 'x.jpg', type: 'image/jpeg', size: 1000 }]);
    fireEvent.click(await screen.findByText('发送图片'));
    expect(await screen.findByText('每次问诊最多上传 9 张图片')).toBeTruthy();
    expect(container.querySelector('.msg--mine')).toBeNull();
  });

  it('another doctor was faster: says so and leads back to the queue', async () => {
    routes({
      [`GET /api/v1/workspace/consultations/${CID}`]: () => ok(consultation()),
      [`POST /api/v1/workspace/consultations/${CID}/accept`]: () => err(409, 'CONSULTATION_ALREADY_ACCEPTED'),
    });
    render(<Consultation />);
    fireEvent.click(await screen.findByText('接诊'));
    expect(await screen.findByText(ERROR_CATALOG.CONSULTATION_ALREADY_ACCEPTED.message)).toBeTruthy();
    fireEvent.click(screen.getByText('返回待接诊列表'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packageDoctor/pages/index/index' });
  });

  it('a pharmacist cannot open the doctor page', async () => {
    const bff = routes({ 'GET /api/v1/auth/me': () => ok(PHARMACIST_ME) });
    render(<Consultation />);
    expect(await screen.findByText('无权访问')).toBeTruthy();
    expect(bff.of('GET', `/api/v1/workspace/consultations/${CID}`)).toHaveLength(0);
  });
});

describe('diagnosis', () => {
  it('is chosen from the disease catalog (the search starts with the re-visit disease) and saved by id', async () => {
    let saved = false;
    const bff = routes({
      [`GET /api/v1/workspace/consultations/${CID}/diagnosis`]: () => ok({ diagnosis: saved ? DIAGNOSIS : null }),
      [`PUT /api/v1/workspace/consultations/${CID}/diagnosis`]: () => {
        saved = true;
        return ok(DIAGNOSIS);
      },
    });
    const { container } = render(<Consultation />);
    fireEvent.click(await screen.findByText('诊断与处方'));
    expect(await screen.findByText('尚未下诊断。开具处方前，请先从病种目录中选择诊断。')).toBeTruthy();
    expect(container.querySelector('.prescription-section__new')?.className).toContain('nut-button-disabled');
    fireEvent.click(screen.getByText('选择诊断'));
    fireEvent.click(await screen.findByText('医保可支付线上复诊'));
    expect(new URL(bff.of('GET', '/api/v1/catalog/diseases')[0]!.url, 'http://x').searchParams.get('keyword')).toBe('I10.x00');
    expect(screen.getByText('已选择：高血压（I10.x00）')).toBeTruthy();
    fireEvent.click(screen.getByText('保存诊断'));
    await waitFor(() => expect(container.querySelector('.diagnosis-section__current')?.getAttribute('data-code')).toBe('I10.x00'));
    expect(bff.of('PUT', `/api/v1/workspace/consultations/${CID}/diagnosis`)[0]!.data).toEqual({ diseaseId: DISEASE_ID });
    expect(container.querySelector('.prescription-section__new')?.className).not.toContain('nut-button-disabled');
  });
});

describe('prescribing', () => {
  async function openEditor() {
    const utils = render(<Consultation />);
    fireEvent.click(await screen.findByText('诊断与处方'));
    fireEvent.click(await screen.findByText('开具处方'));
    return utils;
  }

  it('refuses a drug flagged unfit for internet re-visits, with the reason; adds a catalog drug with its catalog price', async () => {
    routes();
    const { container } = await openEditor();
    fireEvent.click(screen.getByText('添加药品'));
    const flagged = await el(container, `.drug-option[data-code="${FLAGGED_DRUG.nationalCode}"]`);
    expect(flagged.className).toContain('drug-option--disabled');
    expect(flagged.getAttribute('aria-disabled')).toBe('true');
    expect(within(flagged as HTMLElement).getByText('不可在线开具')).toBeTruthy();
    expect(flagged.textContent).toContain('不适用于互联网复诊，不能在线开具');
    fireEvent.click(flagged);
    // Still picking: nothing was added.
    expect(container.querySelector('.sheet--drug')).not.toBeNull();
    expect(container.querySelector(`.rx-line[data-drug-id="${DRUG_FLAGGED}"]`)).toBeNull();

    fireEvent.click(container.querySelector(`.drug-option[data-code="${drug().nationalCode}"]`)!);
    expect(container.querySelector('.sheet--drug')).toBeNull();
    const line = container.querySelector(`.rx-line[data-drug-id="${DRUG_OK}"]`)!;
    expect(line.textContent).toContain('目录单价 ¥28.37 / 盒');
    // Chosen once only: the same drug is now refused in the picker.
    fireEvent.click(screen.getByText('添加药品'));
    await waitFor(() => expect(container.querySelector(`.drug-option[data-code="${drug().nationalCode}"]`)?.className).toContain('drug-option--disabled'));
    expect(screen.getByText('处方中已有该药品，请直接修改数量。')).toBeTruthy();
  });

  it('checks the fields like the BFF, sends no price, and shows the total the BFF computed', async () => {
    let created: WorkspacePrescription | null = null;
    const bff = routes({
      [`POST /api/v1/workspace/consultations/${CID}/prescriptions`]: () => {
        created = prescription();
        return ok(created);
      },
      [`GET /api/v1/workspace/consultations/${CID}/prescriptions`]: () => ok({ items: created ? [created] : [] }),
    });
    const { container } = await openEditor();
    fireEvent.click(screen.getByText('保存处方'));
    expect(await screen.findByText('请至少开具一种药品')).toBeTruthy();
    fireEvent.click(screen.getByText('添加药品'));
    fireEvent.click(await el(container, `.drug-option[data-code="${drug().nationalCode}"]`));
    fireEvent.click(screen.getByText('保存处方'));
    expect(await screen.findByText('请填写用法用量')).toBeTruthy();
    expect(screen.getByText('请填写用药天数')).toBeTruthy();
    expect(bff.of('POST', `/api/v1/workspace/consultations/${CID}/prescriptions`)).toHaveLength(0);

    type(container.querySelector('.form-input--dosage-0')!, '每次1片');
    type(container.querySelector('.form-input--days-0')!, '28');
    type(container.querySelector('.form-input--quantity-0')!, '2');
    fireEvent.click(container.querySelector('.choice--frequency-0 .choice__item--f0')!);
    fireEvent.click(container.querySelector('.choice--route-0 .choice__item--r0')!);
    fireEvent.click(screen.getByText('保存处方'));
    await waitFor(() => expect(bff.of('POST', `/api/v1/workspace/consultations/${CID}/prescriptions`)).toHaveLength(1));
    expect(bff.of('POST', `/api/v1/workspace/consultations/${CID}/prescriptions`)[0]!.data).toEqual({
      items: [{ drugId: DRUG_OK, dosage: '每次1片', frequency: '每日一次', route: '口服', days: 28, quantity: 2 }],
    });
    // The saved draft: the BFF's amounts, not ours.
    expect(await screen.findByText('¥56.74')).toBeTruthy();
    expect(container.querySelector('.rx-item__amount')?.textContent).toBe('¥28.37 × 2盒 = ¥56.74');
    expect(container.querySelector('.rx-signature__doctor')?.textContent).toContain('未签名');
  });

  it('shows the BFF refusing a drug (rule 8) on the form', async () => {
    routes({ [`POST /api/v1/workspace/consultations/${CID}/prescriptions`]: () => err(409, 'PRESCRIPTION_DRUG_UNFIT_FOR_INTERNET') });
    const { container } = await openEditor();
    fireEvent.click(screen.getByText('添加药品'));
    fireEvent.click(await el(container, `.drug-option[data-code="${drug().nationalCode}"]`));
    type(container.querySelector('.form-input--dosage-0')!, '每次1片');
    type(container.querySelector('.form-input--days-0')!, '28');
    fireEvent.click(screen.getByText('保存处方'));
    expect(await screen.findByText(ERROR_CATALOG.PRESCRIPTION_DRUG_UNFIT_FOR_INTERNET.message)).toBeTruthy();
    expect(container.querySelector('.form-error--PRESCRIPTION_DRUG_UNFIT_FOR_INTERNET')).not.toBeNull();
  });

  it('signs and submits the draft (after confirming), then shows it signed and waiting for review', async () => {
    let rx = prescription();
    const bff = routes({
      [`GET /api/v1/workspace/consultations/${CID}/prescriptions`]: () => ok({ items: [rx] }),
      [`POST /api/v1/workspace/prescriptions/${RX}/sign-and-submit`]: () => {
        rx = pending();
        return ok(rx);
      },
    });
    const { container } = render(<Consultation />);
    fireEvent.click(await screen.findByText('诊断与处方'));
    (Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    fireEvent.click(await screen.findByText('签名并提交审核'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledTimes(1));
    expect(bff.of('POST', `/api/v1/workspace/prescriptions/${RX}/sign-and-submit`)).toHaveLength(0);

    fireEvent.click(screen.getByText('签名并提交审核'));
    expect(await screen.findByText('已签名提交，等待药师审核。')).toBeTruthy();
    expect(bff.of('POST', `/api/v1/workspace/prescriptions/${RX}/sign-and-submit`)[0]!.data).toEqual({ expectedUpdatedAt: prescription().updatedAt });
    expect(container.querySelector('.rx-signature__doctor')?.textContent).toContain('已签名');
    expect(container.querySelector('.rx-status')?.textContent).toBe('待药师审核');
    expect(screen.queryByText('签名并提交审核')).toBeNull();
  });

  it('the signing service is down: the draft stays and the reason is shown', async () => {
    routes({
      [`GET /api/v1/workspace/consultations/${CID}/prescriptions`]: () => ok({ items: [prescription()] }),
      [`POST /api/v1/workspace/prescriptions/${RX}/sign-and-submit`]: () => err(503, 'SIGNER_UNAVAILABLE'),
    });
    render(<Consultation />);
    fireEvent.click(await screen.findByText('诊断与处方'));
    fireEvent.click(await screen.findByText('签名并提交审核'));
    expect(await screen.findByText(ERROR_CATALOG.SIGNER_UNAVAILABLE.message)).toBeTruthy();
    expect(screen.getByText('草稿尚未签名，提交药师审核前患者看不到此处方。')).toBeTruthy();
  });

  it('a rejected prescription shows the pharmacist reason; revising sends the changes to the rejected one (the BFF makes a new version)', async () => {
    const rejected = pending({ status: 'REJECTED', statusLabel: '审核未通过', rejectReason: '剂量过大，请改为每日一次', actions: { edit: true, submit: false, discard: false, revise: true, review: false } });
    let items = [rejected];
    const bff = routes({
      [`GET /api/v1/workspace/consultations/${CID}/prescriptions`]: () => ok({ items }),
      [`PUT /api/v1/workspace/prescriptions/${RX}`]: () => {
        const v2 = prescription({ id: RX2, version: 2, previousId: RX, rejectReason: rejected.rejectReason });
        items = [{ ...rejected, nextId: RX2 }, v2];
        return ok(v2);
      },
    });
    const { container } = render(<Consultation />);
    fireEvent.click(await screen.findByText('诊断与处方'));
    expect(await screen.findByText('原因：剂量过大，请改为每日一次')).toBeTruthy();
    fireEvent.click(screen.getByText('修改处方'));
    expect(screen.getByText('修改处方（将生成新版本）')).toBeTruthy();
    expect((container.querySelector('.form-input--dosage-0') as HTMLInputElement).value).toBe('每次1片');
    type(container.querySelector('.form-input--quantity-0')!, '1');
    fireEvent.click(screen.getByText('保存处方'));
    await waitFor(() => expect(bff.of('PUT', `/api/v1/workspace/prescriptions/${RX}`)).toHaveLength(1));
    const body = bff.of('PUT', `/api/v1/workspace/prescriptions/${RX}`)[0]!.data as { items: { quantity: number }[]; expectedUpdatedAt?: string };
    expect(body.items[0]!.quantity).toBe(1);
    expect(body.expectedUpdatedAt).toBeUndefined();
    expect(await screen.findByText('处方号 RX202611220001（第 2 版）')).toBeTruthy();
    expect(container.querySelector('.prescription-history__item--rejected')?.textContent).toContain('未通过原因：剂量过大');
    expect(screen.getByText('签名并提交审核')).toBeTruthy();
  });

  it('an approved prescription is revised only with a reason', async () => {
    const approved = pending({ status: 'APPROVED', statusLabel: '审核通过', signature: { ...SIGNED, pharmacistSigned: true, pharmacistSignedAt: '2026-11-22T00:20:00.000Z' }, pharmacist: { id: 'ph', name: '马丽' } });
    const bff = routes({
      [`GET /api/v1/workspace/consultations/${CID}/prescriptions`]: () => ok({ items: [approved] }),
      [`POST /api/v1/workspace/prescriptions/${RX}/revise`]: () => ok(prescription({ id: RX2, version: 2, previousId: RX })),
    });
    const { container } = render(<Consultation />);
    fireEvent.click(await screen.findByText('诊断与处方'));
    await screen.findByText('马丽');
    fireEvent.click(container.querySelector('.prescription-section__revise-submit')!);
    expect(await screen.findByText('请填写修改原因')).toBeTruthy();
    expect(bff.of('POST', `/api/v1/workspace/prescriptions/${RX}/revise`)).toHaveLength(0);
    type(container.querySelector('.form-input--revise-reason')!, '患者反映咳嗽，需更换药品');
    fireEvent.click(container.querySelector('.prescription-section__revise-submit')!);
    await waitFor(() => expect(bff.of('POST', `/api/v1/workspace/prescriptions/${RX}/revise`)[0]?.data).toEqual({ reason: '患者反映咳嗽，需更换药品' }));
    expect(await screen.findByText('编辑处方')).toBeTruthy(); // the editor of the new draft
  });
});

describe('ending', () => {
  it('warns about an unsubmitted prescription, then ends the consultation', async () => {
    const bff = routes({
      [`GET /api/v1/workspace/consultations/${CID}/prescriptions`]: () => ok({ items: [prescription()] }),
      [`POST /api/v1/workspace/consultations/${CID}/end`]: () =>
        ok(accepted({ status: 'COMPLETED', displayStatus: 'COMPLETED', statusLabel: '已结束', canEnd: false, endedAt: '2026-11-22T01:00:00.000Z', closeReason: 'DOCTOR_ENDED', closeReasonLabel: '医生已结束本次问诊' })),
    });
    const { container } = render(<Consultation />);
    await screen.findByText('签名并提交审核');
    fireEvent.click(screen.getByText('结束问诊'));
    await waitFor(() => expect(bff.of('POST', `/api/v1/workspace/consultations/${CID}/end`)).toHaveLength(1));
    expect((Taro.showModal as jest.Mock).mock.calls[0]![0].content).toContain('处方还没有签名提交审核');
    expect(await screen.findByText('医生已结束本次问诊')).toBeTruthy();
    expect(container.querySelector('.consultation-head__status')?.textContent).toBe('已结束');
    expect(screen.queryByText('结束问诊')).toBeNull();
  });
});
