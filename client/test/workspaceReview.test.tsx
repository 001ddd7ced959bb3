/**
 * The pharmacist's review page and the patient's prescription page: the prescription with the
 * server's signature verification; approve (only when verified) or reject with a required
 * reason; someone else acting first; the patient's verified badge, prices and 去支付.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ERROR_CATALOG } from '@ih/contract';
import Review from '../src/packageDoctor/pages/review/index';
import PrescriptionPage from '../src/packageConsult/pages/prescription/index';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { __setRouterParams } from './doubles/taro';
import { err, fakeBff, tokens, type FakeAnswer, type FakeCall } from './fakeBff';
import { BOTH_SIGNED, CID, DOCTOR_ME, PHARMACIST_ME, RX, RX2, patientPrescription, pending, verification } from './workspaceFixtures';

type Handler = (c: FakeCall) => FakeAnswer | Promise<FakeAnswer>;
const ok = (body: unknown): FakeAnswer => ({ status: 200, body });
const REVIEWABLE = pending({ actions: { edit: false, submit: false, discard: false, revise: false, review: true } });

function type(el: Element, value: string) {
  fireEvent.change(el, { target: { value } });
}

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
  __setRouterParams({ id: RX });
});

describe('pharmacist review', () => {
  function routes(over: Record<string, Handler> = {}) {
    return fakeBff({
      'GET /api/v1/auth/me': () => ok(PHARMACIST_ME),
      [`GET /api/v1/workspace/prescriptions/${RX}`]: () => ok(REVIEWABLE),
      [`GET /api/v1/prescriptions/${RX}/verification`]: () => ok(verification(true)),
      ...over,
    });
  }

  it('shows the prescription and the signature verified by the server; approves with the reviewed version', async () => {
    const bff = routes({
      [`POST /api/v1/workspace/prescriptions/${RX}/approve`]: () =>
        ok(pending({ status: 'APPROVED', statusLabel: '审核通过', signature: BOTH_SIGNED, pharmacist: { id: 'ph', name: '马丽' } })),
    });
    const { container } = render(<Review />);
    expect(await screen.findByText('电子签名验证通过')).toBeTruthy();
    expect(container.querySelector('.rx-verify--valid')).not.toBeNull();
    expect(screen.getByText('✓ 处方内容与签名时一致')).toBeTruthy();
    expect(container.querySelector('.rx-sheet__diagnosis')?.textContent).toBe('高血压（I10.x00）');
    expect(container.querySelector('.rx-item__usage')?.textContent).toBe('用法：每次1片，每日一次，口服，共 28 天');
    expect(screen.getByText('¥56.74')).toBeTruthy();
    type(container.querySelector('.form-input--comment')!, '饭后服用');
    fireEvent.click(screen.getByText('审核通过'));
    expect(await screen.findByText('该处方审核通过，无需再审核。')).toBeTruthy();
    expect(bff.of('POST', `/api/v1/workspace/prescriptions/${RX}/approve`)[0]!.data).toEqual({ comment: '饭后服用', expectedVersion: 1 });
    expect(container.querySelector('.rx-sheet__pharmacist')?.textContent).toBe('马丽');
    expect(container.querySelector('.rx-signature__pharmacist')?.textContent).toContain('已签名');
  });

  it('reject needs a reason: nothing is sent without one', async () => {
    const bff = routes({
      [`POST /api/v1/workspace/prescriptions/${RX}/reject`]: (c) =>
        ok(pending({ status: 'REJECTED', statusLabel: '审核未通过', rejectReason: (c.data as { reason: string }).reason })),
    });
    const { container } = render(<Review />);
    await screen.findByText('电子签名验证通过');
    fireEvent.click(screen.getByText('审核不通过'));
    expect(await screen.findByText('请填写不通过的原因')).toBeTruthy();
    expect(container.querySelector('.form-field--reason.form-field--invalid')).not.toBeNull();
    type(container.querySelector('.form-input--reason')!, '   ');
    fireEvent.click(screen.getByText('审核不通过'));
    expect(await screen.findByText('请填写不通过的原因')).toBeTruthy();
    expect(bff.of('POST', `/api/v1/workspace/prescriptions/${RX}/reject`)).toHaveLength(0);

    type(container.querySelector('.form-input--reason')!, '剂量过大，请改为每日一次');
    fireEvent.click(screen.getByText('审核不通过'));
    expect(await screen.findByText('该处方审核未通过，无需再审核。')).toBeTruthy();
    expect(bff.of('POST', `/api/v1/workspace/prescriptions/${RX}/reject`)[0]!.data).toEqual({ reason: '剂量过大，请改为每日一次', expectedVersion: 1 });
  });

  it('a signature that does not verify: approval is not possible, the failed checks are listed', async () => {
    const bff = routes({ [`GET /api/v1/prescriptions/${RX}/verification`]: () => ok(verification(false)) });
    const { container } = render(<Review />);
    expect(await screen.findByText('电子签名验证未通过')).toBeTruthy();
    expect(screen.getByText('✗ 处方内容在签名后被修改')).toBeTruthy();
    expect(container.querySelector('.review-form__approve')?.className).toContain('nut-button-disabled');
    fireEvent.click(screen.getByText('审核通过'));
    expect(bff.of('POST', `/api/v1/workspace/prescriptions/${RX}/approve`)).toHaveLength(0);
    expect(screen.getByText('电子签名验证通过后才能审核通过。')).toBeTruthy();
  });

  it('verification unavailable: says so with a retry', async () => {
    let fail = true;
    routes({ [`GET /api/v1/prescriptions/${RX}/verification`]: () => (fail ? err(503, 'DB_UNAVAILABLE') : ok(verification(true))) });
    render(<Review />);
    expect(await screen.findByText('签名验证结果获取失败')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByText('重新验证'));
    expect(await screen.findByText('电子签名验证通过')).toBeTruthy();
  });

  it('another pharmacist or the doctor acted first: the reason, and reload shows the current state', async () => {
    let current = REVIEWABLE;
    routes({
      [`GET /api/v1/workspace/prescriptions/${RX}`]: () => ok(current),
      [`POST /api/v1/workspace/prescriptions/${RX}/approve`]: () => {
        current = pending({ status: 'APPROVED', statusLabel: '审核通过', signature: BOTH_SIGNED });
        return err(409, 'PRESCRIPTION_NOT_REVIEWABLE');
      },
    });
    render(<Review />);
    await screen.findByText('电子签名验证通过');
    fireEvent.click(screen.getByText('审核通过'));
    expect(await screen.findByText(ERROR_CATALOG.PRESCRIPTION_NOT_REVIEWABLE.message)).toBeTruthy();
    fireEvent.click(screen.getByText('重新加载处方'));
    expect(await screen.findByText('该处方审核通过，无需再审核。')).toBeTruthy();
  });

  it('a doctor cannot review', async () => {
    const bff = routes({ 'GET /api/v1/auth/me': () => ok(DOCTOR_ME) });
    render(<Review />);
    expect(await screen.findByText('无权访问')).toBeTruthy();
    expect(screen.getByText('此页面仅供药师使用，您当前登录的是医生账号。')).toBeTruthy();
    expect(bff.of('GET', `/api/v1/workspace/prescriptions/${RX}`)).toHaveLength(0);
  });
});

describe("patient's prescription page", () => {
  function routes(over: Record<string, Handler> = {}) {
    return fakeBff({
      [`GET /api/v1/prescriptions/${RX}`]: () => ok(patientPrescription()),
      [`GET /api/v1/prescriptions/${RX}/verification`]: () => ok(verification(true)),
      ...over,
    });
  }

  it('shows the approved prescription: items and prices, doctor and pharmacist, the verified badge; 去支付 → order confirmation', async () => {
    routes();
    const { container } = render(<PrescriptionPage />);
    expect(await screen.findByText('电子签名验证通过')).toBeTruthy();
    expect(container.querySelector('.rx-verify--valid')).not.toBeNull();
    expect(container.querySelector('.rx-status')?.textContent).toBe('待支付');
    expect(container.querySelector('.rx-item__name')?.textContent).toBe('1. 苯磺酸氨氯地平片');
    expect(container.querySelector('.rx-item__amount')?.textContent).toBe('¥28.37 × 2盒 = ¥56.74');
    expect(container.querySelector('.rx-sheet__total-value')?.textContent).toBe('¥56.74');
    expect(container.querySelector('.rx-sheet__doctor')?.textContent).toBe('纳红梅 主任医师');
    expect(container.querySelector('.rx-sheet__pharmacist')?.textContent).toBe('马丽');
    expect(container.querySelector('.rx-sheet__patient')?.textContent).toBe('张*国 · 男 · 58 岁');
    expect(container.querySelector('.rx-signature__doctor')?.textContent).toContain('已签名');
    expect(container.querySelector('.rx-signature__pharmacist')?.textContent).toContain('已签名');
    fireEvent.click(screen.getByText('去支付'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/orders/confirm/index?prescriptionId=${RX}` });
    fireEvent.click(screen.getByText('返回问诊'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/packageConsult/pages/room/index?id=${CID}` });
  });

  it('not payable while the pharmacist reviews: says so, no 去支付', async () => {
    routes({ [`GET /api/v1/prescriptions/${RX}`]: () => ok(patientPrescription({ status: 'PENDING_REVIEW', statusLabel: '药师审核中', payable: false, pharmacist: null })) });
    render(<PrescriptionPage />);
    expect(await screen.findByText('药师正在审核处方，审核通过后即可支付。')).toBeTruthy();
    expect(screen.queryByText('去支付')).toBeNull();
  });

  it('a signature that does not verify blocks paying', async () => {
    routes({ [`GET /api/v1/prescriptions/${RX}/verification`]: () => ok(verification(false)) });
    const { container } = render(<PrescriptionPage />);
    expect(await screen.findByText('电子签名验证未通过')).toBeTruthy();
    expect(container.querySelector('.rx-page__pay')?.className).toContain('nut-button-disabled');
    expect(screen.getByText('电子签名验证未通过，暂不能支付，请联系医院。')).toBeTruthy();
  });

  it('replaced by a new version: leads to the new one', async () => {
    routes({ [`GET /api/v1/prescriptions/${RX}`]: () => ok(patientPrescription({ status: 'REVOKED', statusLabel: '已作废（医生已修改处方）', payable: false, replacedById: RX2 })) });
    render(<PrescriptionPage />);
    fireEvent.click(await screen.findByText('查看新处方'));
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({ url: `/packageConsult/pages/prescription/index?id=${RX2}` });
    expect(screen.queryByText('去支付')).toBeNull();
  });

  it('not found (another user’s) and load failures have their states', async () => {
    let answer: FakeAnswer = err(503, 'DB_UNAVAILABLE');
    routes({ [`GET /api/v1/prescriptions/${RX}`]: () => answer });
    const { container } = render(<PrescriptionPage />);
    expect(await screen.findByText(ERROR_CATALOG.DB_UNAVAILABLE.message)).toBeTruthy();
    answer = err(404, 'NOT_FOUND');
    fireEvent.click(screen.getByText('重新加载'));
    await waitFor(() => expect(container.querySelector('.page-state--error')).not.toBeNull());
    expect(screen.queryByText('去支付')).toBeNull();
  });

  it('signed out: asks to sign in and requests nothing', async () => {
    clearSession();
    const bff = routes();
    render(<PrescriptionPage />);
    fireEvent.click(await screen.findByText('去登录'));
    await waitFor(() => expect(Taro.navigateTo).toHaveBeenCalled());
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/login/index' });
    expect(bff.calls).toHaveLength(0);
  });
});
