/**
 * Self-service pages: the hall (categories, search, unread badge), an item page (online vs
 * offline-only), the review page (masked values, one application on a double tap, same key on
 * retry), the progress bar states, an application's detail (supplement → resubmit, rejection,
 * withdraw, filing cancel), notifications.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { progressSteps, type ApplicationDetail, type ValidateResponse } from '@ih/contract';
import Hall, { groupItems } from '../src/packageSelfService/pages/index/index';
import ItemPage from '../src/packageSelfService/pages/item/index';
import Review from '../src/packageSelfService/pages/review/index';
import ApplicationPage from '../src/packageSelfService/pages/application/index';
import Notifications from '../src/packageSelfService/pages/notifications/index';
import Filings from '../src/packageSelfService/pages/filings/index';
import { Steps } from '../src/packageSelfService/components/Steps';
import { clearDraft, saveDraft, type Draft } from '../src/packageSelfService/services/draft';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { __setRouterParams } from './doubles/taro';
import { err, fakeBff, gate, tokens, type FakeAnswer } from './fakeBff';
import { APP_ID, SELF, detail, item, scriptUpload, summaries } from './selfServiceFixtures';

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
  clearDraft();
});

describe('hall', () => {
  it('groups the catalog by category (persons first), shows online/offline and the time limit, and searches', async () => {
    fakeBff({
      'GET /api/v1/self-service/items': () => ({ status: 200, body: { items: summaries() } }),
      'GET /api/v1/notifications/unread-count': () => ({ status: 200, body: { unread: 3 } }),
    });
    const { container } = render(<Hall />);
    await screen.findByText('异地长期居住人员备案');
    const titles = [...container.querySelectorAll('.ss-category__title')].map((e) => e.textContent);
    expect(titles.slice(0, 4)).toEqual(['参保登记', '异地就医备案', '门诊慢特病', '退费与个人账户']);
    const card = container.querySelector('.ss-item--remote-filing-residence')!;
    expect(card.querySelector('.ss-mode--online')!.textContent).toBe('在线办理');
    expect(card.querySelector('.ss-item-card__limit')!.textContent).toBe('时限：线下即时办结；线上不超过2个工作日内');
    expect(container.querySelector('.ss-item--flexible-suspend .ss-mode--offline')!.textContent).toBe('线下办理');
    await waitFor(() => expect(container.querySelector('.ss-shortcut--notifications .ss-badge-count')!.textContent).toBe('3'));

    fireEvent.change(container.querySelector('.ss-search__input')!, { target: { value: '退费' } });
    const shown = [...container.querySelectorAll('.ss-item-card__name')].map((e) => e.textContent);
    expect(shown).toContain('城乡居民医保个人退费');
    expect(shown).not.toContain('异地长期居住人员备案');
    fireEvent.change(container.querySelector('.ss-search__input')!, { target: { value: '不存在的事项' } });
    expect(screen.getByText('没有找到相关事项')).toBeTruthy();

    fireEvent.change(container.querySelector('.ss-search__input')!, { target: { value: '' } });
    fireEvent.click(container.querySelector('.ss-item--enrollment-query')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packageSelfService/pages/query/index?page=enrollment&item=enrollment-query' });
    fireEvent.click(container.querySelector('.ss-item--resident-refund')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packageSelfService/pages/item/index?code=resident-refund' });
  });

  it('groupItems keeps the catalog order and matches titles, catalog names and categories', () => {
    const groups = groupItems(summaries(), '备案');
    expect(groups.map((g) => g.category)).toEqual(['remoteCare']);
    expect(groups[0]!.items.map((i) => i.code)[0]).toBe('remote-filing-retired');
    expect(groupItems(summaries(), '慢特病').flatMap((g) => g.items.map((i) => i.code))).toContain('chronic-recognition');
  });

  it('signed out: asks to sign in and loads nothing', async () => {
    clearSession();
    const calls = fakeBff({});
    render(<Hall />);
    await act(async () => undefined);
    expect(screen.getByText('登录后办理')).toBeTruthy();
    expect(calls.calls).toHaveLength(0);
  });

  it('a failed load shows the error and retries', async () => {
    let fail = true;
    fakeBff({
      'GET /api/v1/self-service/items': () => (fail ? err(503, 'AGENCY_UNAVAILABLE') : { status: 200, body: { items: summaries() } }),
      'GET /api/v1/notifications/unread-count': () => ({ status: 200, body: { unread: 0 } }),
    });
    const { container } = render(<Hall />);
    await waitFor(() => expect(container.querySelector('.page-state--error')).not.toBeNull());
    fail = false;
    fireEvent.click(container.querySelector('.page-state__retry')!);
    await screen.findByText('异地长期居住人员备案');
  });
});

describe('item page', () => {
  it('online item: materials checklist with promise and by-form marks, time limit with the BFF\'s due date, steps, apply', async () => {
    fakeBff({ 'GET /api/v1/self-service/items/remote-filing-residence': () => ({ status: 200, body: item('remote-filing-residence') }) });
    __setRouterParams({ code: 'remote-filing-residence' });
    const { container } = render(<ItemPage />);
    await screen.findByText('异地长期居住人员备案');
    const m3 = container.querySelector('.ss-material-spec--m3')!;
    expect(m3.textContent).toMatch(/长期居住认定材料/);
    expect(m3.textContent).toMatch(/可用个人承诺书代替/);
    expect(container.querySelector('.ss-material-spec--m2')!.textContent).toMatch(/在线填写后自动生成/);
    expect(container.querySelector('.ss-item__due')!.textContent).toBe('今天提交，预计 2026-12-08 前办结（2 个工作日）。');
    expect([...container.querySelectorAll('.ss-steps__label')].map((e) => e.textContent)).toEqual(['申请', '受理', '审核', '办结']);
    expect(container.querySelector('.ss-item__offline')).toBeNull();
    fireEvent.click(screen.getByText('在线申请'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packageSelfService/pages/apply/index?code=remote-filing-residence' });
  });

  it('offline-only item: materials, notes and where to go — no form, no apply button', async () => {
    fakeBff({ 'GET /api/v1/self-service/items/flexible-suspend': () => ({ status: 200, body: item('flexible-suspend') }) });
    __setRouterParams({ code: 'flexible-suspend' });
    const { container } = render(<ItemPage />);
    await screen.findByText('本事项需线下办理');
    expect(container.querySelector('.ss-item__where')!.textContent).toBe('办理地点：参保地医保经办机构服务窗口');
    expect(container.querySelectorAll('.ss-material-spec')).toHaveLength(2);
    expect(container.querySelector('.ss-item__notes')!.textContent).toMatch(/在医保窗口线下办理退费手续/);
    expect(container.querySelector('.ss-item__apply')).toBeNull();
    expect(container.querySelector('.ss-form, .form-input')).toBeNull();
    expect(container.querySelector('.ss-item__due')).toBeNull();
  });

  it('guide item: leads to the e-voucher page', async () => {
    fakeBff({ 'GET /api/v1/self-service/items/voucher-application': () => ({ status: 200, body: item('voucher-application') }) });
    __setRouterParams({ code: 'voucher-application' });
    const { container } = render(<ItemPage />);
    await waitFor(() => expect(container.querySelector('.ss-item__guide-text')).not.toBeNull());
    expect(container.querySelector('.ss-item__guide-text')!.textContent).toMatch(/国家医保服务平台 APP、微信或支付宝申领激活/);
    expect(container.querySelector('.ss-item__apply')).toBeNull();
    fireEvent.click(screen.getByText('去办理'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/voucher-status/index' });
  });

  it('unknown item: the error state', async () => {
    fakeBff({ 'GET /api/v1/self-service/items/nope': () => err(404, 'NOT_FOUND') });
    __setRouterParams({ code: 'nope' });
    const { container } = render(<ItemPage />);
    await waitFor(() => expect(container.querySelector('.page-state--error')).not.toBeNull());
  });
});

describe('review and submit', () => {
  const REVIEW: ValidateResponse = {
    ok: true, fields: [], warnings: [{ path: 'form.bankAccount', message: '银行卡号校验未通过' }],
    review: [
      { key: 'reason', label: '退费原因', value: '出国定居' },
      { key: 'accountHolder', label: '收款人姓名', value: '张*国' },
      { key: 'bankAccount', label: '银行卡号', value: '6222 **** **** 0123' },
      { key: 'phone', label: '联系电话', value: '139****8000' },
    ],
    due: { date: '2026-12-31', workingDays: 20, calendarDays: null, estimated: false },
    facts: [],
  };
  const FORM = { reason: 'EMIGRATION', premiumYear: '2027', accountHolder: '张建国', bankName: '中国工商银行银川分行', bankAccount: '6222021234567890123', phone: '13900008000' };
  function draft(over: Partial<Draft> = {}): Draft {
    return {
      requestKey: 'ss-test-0000000000000001', item: item('resident-refund'), patient: SELF, form: FORM,
      materials: [{ code: 'm1', fileIds: ['0190a000-0000-7000-8000-00000000ab01'], promise: false }, { code: 'm2', fileIds: ['0190a000-0000-7000-8000-00000000ab02'], promise: false }],
      files: {}, warnings: { 'form.bankAccount': '银行卡号校验未通过' }, review: REVIEW, ...over,
    };
  }
  const submitted = (d: ApplicationDetail) => ({ status: 201, body: { application: d, duplicate: false, warnings: {} } });

  it('shows every value masked where sensitive, never the full numbers', async () => {
    saveDraft(draft());
    __setRouterParams({ code: 'resident-refund' });
    const { container } = render(<Review />);
    expect(container.querySelector('.ss-value--bankAccount')!.textContent).toBe('银行卡号6222 **** **** 0123');
    expect(container.querySelector('.ss-value--patientId')!.textContent).toBe('证件号码640***********0131');
    expect(container.textContent).not.toMatch(/6222021234567890123|13900008000|张建国/);
    expect(container.querySelector('.ss-review__due-date')!.textContent).toBe('今天提交，预计 2026-12-31 前办结（20 个工作日）。');
    expect(container.querySelector('.ss-review__warnings')!.textContent).toMatch(/银行卡号校验未通过/);
  });

  it('without the BFF\'s review rows, the contract masks sensitive values itself', () => {
    saveDraft(draft({ review: { ...REVIEW, review: [] } }));
    __setRouterParams({ code: 'resident-refund' });
    const { container } = render(<Review />);
    expect(container.querySelector('.ss-value--bankAccount')!.textContent).toBe('银行卡号6222 **** **** 0123');
    expect(container.querySelector('.ss-value--phone')!.textContent).toBe('联系电话139****8000');
    expect(container.querySelector('.ss-value--accountHolder')!.textContent).toBe('收款人姓名张*国');
    expect(container.querySelector('.ss-value--reason')!.textContent).toBe('退费原因出国定居');
  });

  it('needs the confirmation; a double tap sends ONE application; then opens it', async () => {
    saveDraft(draft());
    __setRouterParams({ code: 'resident-refund' });
    const held = gate<FakeAnswer>();
    const calls = fakeBff({ 'POST /api/v1/self-service/applications': () => held.promise });
    const { container } = render(<Review />);
    const button = () => container.querySelector('.ss-review__submit') as HTMLButtonElement;
    fireEvent.click(button());
    expect(calls.of('POST', '/api/v1/self-service/applications')).toHaveLength(0);
    fireEvent.click(container.querySelector('.ss-review__confirm')!);
    fireEvent.click(button());
    fireEvent.click(button());
    fireEvent.click(button());
    expect(calls.of('POST', '/api/v1/self-service/applications')).toHaveLength(1);
    expect(calls.of('POST', '/api/v1/self-service/applications')[0]!.data).toEqual({
      requestKey: 'ss-test-0000000000000001', itemCode: 'resident-refund', patientId: SELF.id, form: FORM,
      materials: draft().materials, confirmed: true,
    });
    await act(async () => held.release(submitted(detail('SUBMITTED', {}, 'resident-refund'))));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/packageSelfService/pages/application/index?id=${APP_ID}&submitted=1` }));
    expect(calls.of('POST', '/api/v1/self-service/applications')).toHaveLength(1);
  });

  it('a lost answer is retried with the same request key (the BFF returns the same application)', async () => {
    saveDraft(draft());
    __setRouterParams({ code: 'resident-refund' });
    let n = 0;
    const calls = fakeBff({
      'POST /api/v1/self-service/applications': () => (++n === 1 ? err(504, 'AGENCY_TIMEOUT') : { status: 200, body: { application: detail('SUBMITTED', {}, 'resident-refund'), duplicate: true, warnings: {} } }),
    });
    const { container } = render(<Review />);
    fireEvent.click(container.querySelector('.ss-review__confirm')!);
    fireEvent.click(container.querySelector('.ss-review__submit')!);
    await screen.findByText('重新提交');
    expect(container.querySelector('.form-error--AGENCY_TIMEOUT')).not.toBeNull();
    fireEvent.click(container.querySelector('.ss-review__submit')!);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled());
    const keys = calls.of('POST', '/api/v1/self-service/applications').map((c) => (c.data as { requestKey: string }).requestKey);
    expect(keys).toEqual(['ss-test-0000000000000001', 'ss-test-0000000000000001']);
  });

  it('field problems from the BFF are listed with a way back to the form', async () => {
    saveDraft(draft());
    __setRouterParams({ code: 'resident-refund' });
    fakeBff({ 'POST /api/v1/self-service/applications': () => err(400, 'VALIDATION_FAILED', [{ path: 'form.premiumYear', message: '该医保年度已经开始' }]) });
    const { container } = render(<Review />);
    fireEvent.click(container.querySelector('.ss-review__confirm')!);
    fireEvent.click(container.querySelector('.ss-review__submit')!);
    await screen.findByText('该医保年度已经开始');
    fireEvent.click(screen.getByText('返回修改'));
    expect(Taro.navigateBack).toHaveBeenCalled();
  });

  it('after a reload (no draft in memory) sends the user back to fill in again', () => {
    __setRouterParams({ code: 'resident-refund' });
    render(<Review />);
    expect(screen.getByText('填写的信息已失效')).toBeTruthy();
    fireEvent.click(screen.getByText('重新填写'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/packageSelfService/pages/apply/index?code=resident-refund' });
  });
});

describe('progress bar', () => {
  const states = (container: HTMLElement) =>
    [...container.querySelectorAll('.ss-steps__step')].map((e) => `${e.getAttribute('data-step')}:${[...e.classList].find((c) => c.startsWith('ss-steps__step--'))!.slice(16)}`);

  it.each([
    ['SUBMITTED', undefined, ['申请:done', '受理:current', '审核:todo', '拨付:todo', '办结:todo']],
    ['REVIEWING', undefined, ['申请:done', '受理:done', '审核:current', '拨付:todo', '办结:todo']],
    ['DISBURSING', undefined, ['申请:done', '受理:done', '审核:done', '拨付:current', '办结:todo']],
    ['SUPPLEMENT_REQUIRED', undefined, ['申请:done', '受理:attention', '审核:todo', '拨付:todo', '办结:todo']],
    ['REJECTED', '审核', ['申请:done', '受理:done', '审核:failed', '拨付:todo', '办结:todo']],
    ['COMPLETED', undefined, ['申请:done', '受理:done', '审核:done', '拨付:done', '办结:done']],
  ] as const)('%s', (status, atStep, expected) => {
    const { container } = render(<Steps steps={progressSteps(['申请', '受理', '审核', '拨付', '办结'], status, atStep)} />);
    expect(states(container)).toEqual(expected);
    // Worded for screen readers, not colour alone.
    const current = container.querySelector('[aria-current="step"]');
    if (status === 'COMPLETED') expect(current).toBeNull();
    else if (status !== 'REJECTED') expect(current!.getAttribute('aria-label')).toMatch(/进行中|待补正/);
  });

  it('the item\'s own steps with 复核', () => {
    const { container } = render(<Steps steps={progressSteps(['申请', '受理', '审核', '复核', '拨付', '办结'], 'RECHECKING')} />);
    expect(states(container)).toEqual(['申请:done', '受理:done', '审核:done', '复核:current', '拨付:todo', '办结:todo']);
  });
});

describe('application detail', () => {
  function open(d: ApplicationDetail, over: Record<string, (c: { data?: unknown }) => FakeAnswer | Promise<FakeAnswer>> = {}) {
    __setRouterParams({ id: APP_ID });
    const calls = fakeBff({
      [`GET /api/v1/self-service/applications/${APP_ID}`]: () => ({ status: 200, body: d }),
      [`GET /api/v1/self-service/items/${d.itemCode}`]: () => ({ status: 200, body: item(d.itemCode) }),
      ...over,
    });
    return { calls, ...render(<ApplicationPage />) };
  }

  it('shows status, steps, due date, values and history; withdraws before acceptance after asking', async () => {
    const { container, calls } = open(detail('SUBMITTED'), {
      [`POST /api/v1/self-service/applications/${APP_ID}/withdraw`]: () => ({ status: 200, body: detail('WITHDRAWN', { history: [...detail('SUBMITTED').history, { status: 'WITHDRAWN', label: '已撤销', step: '受理', note: '申请人撤回', at: '2026-11-22T02:10:00.000Z' }] }, undefined, '受理') }),
    });
    await screen.findByText('待受理');
    expect(container.querySelector('.ss-application__deadline')!.textContent).toBe('办结时限：预计 2026-11-24 前办结（2 个工作日）');
    expect(container.querySelector('.ss-value--place')!.textContent).toBe('就医地四川省 成都市');
    expect(container.querySelector('.ss-history__entry--SUBMITTED')!.textContent).toMatch(/已提交（申请）2026-11-22 10:00/);
    (Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    fireEvent.click(screen.getByText('撤回申请'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalled());
    expect(calls.of('POST', `/api/v1/self-service/applications/${APP_ID}/withdraw`)).toHaveLength(0);
    fireEvent.click(screen.getByText('撤回申请'));
    await screen.findByText('已撤销');
    expect(calls.of('POST', `/api/v1/self-service/applications/${APP_ID}/withdraw`)).toHaveLength(1);
    expect(container.querySelector('.ss-application__withdraw')).toBeNull();
    expect(container.querySelector('.ss-steps__step--failed')!.getAttribute('data-step')).toBe('受理');
  });

  it('a refused withdrawal (already accepted) says so', async () => {
    const { container } = open(detail('SUBMITTED'), { [`POST /api/v1/self-service/applications/${APP_ID}/withdraw`]: () => err(409, 'SELF_SERVICE_WITHDRAW_REFUSED') });
    await screen.findByText('待受理');
    fireEvent.click(screen.getByText('撤回申请'));
    await waitFor(() => expect(container.querySelector('.form-error--SELF_SERVICE_WITHDRAW_REFUSED')).not.toBeNull());
  });

  it('supplement (一次性告知): lists everything asked once; resubmits the requested material and keeps the others', async () => {
    const KEPT = '0190a000-0000-7000-8000-00000000aa01';
    const OLD = '0190a000-0000-7000-8000-00000000aa02';
    const asked = detail('SUPPLEMENT_REQUIRED', {
      materials: [{ code: 'm1', name: '参保人员社会保障卡（或身份证及银行卡）', fileIds: [KEPT], promise: false }, { code: 'm2', name: '退费原因证明材料', fileIds: [OLD], promise: false }],
      supplement: { note: '请一次性补正以下材料后重新提交。', items: [{ code: 'm2', name: '退费原因证明材料', reason: '出国定居证明不清晰，请重新拍摄' }, { code: null, name: '联系电话', reason: '电话无法接通，请保持畅通' }], requestedAt: '2026-11-22T04:00:00.000Z' },
    }, 'resident-refund');
    const after = detail('REVIEWING', {}, 'resident-refund');
    const { container, calls } = open(asked, { [`POST /api/v1/self-service/applications/${APP_ID}/supplement`]: () => ({ status: 200, body: after }) });
    await screen.findByText('需要补正材料（一次性告知）');
    expect(container.querySelector('.ss-supplement__request')!.textContent).toMatch(/出国定居证明不清晰.*电话无法接通/);
    expect(container.querySelector('.ss-material--m2 .ss-material__request')!.textContent).toMatch(/出国定居证明不清晰/);
    expect(container.querySelector('.ss-supplement .ss-material--m1')).toBeNull();
    fireEvent.click(container.querySelector('.ss-supplement__confirm')!);
    fireEvent.click(screen.getByText('提交补正材料'));
    expect(container.querySelector('.ss-material--m2 .ss-material__error')!.textContent).toBe('请上传「退费原因证明材料」');
    expect(calls.of('POST', `/api/v1/self-service/applications/${APP_ID}/supplement`)).toHaveLength(0);
    const fileId = scriptUpload();
    fireEvent.click(container.querySelector('.ss-material--m2 .upload__add')!);
    await waitFor(() => expect(container.querySelector('.ss-material--m2 .upload__item--done')).not.toBeNull());
    fireEvent.click(screen.getByText('提交补正材料'));
    await screen.findByText('审核中');
    expect(calls.of('POST', `/api/v1/self-service/applications/${APP_ID}/supplement`)[0]!.data).toEqual({
      form: {},
      materials: [{ code: 'm1', fileIds: [KEPT], promise: false }, { code: 'm2', fileIds: [fileId], promise: false }],
      confirmed: true,
    });
    expect(container.querySelector('.ss-supplement')).toBeNull();
  });

  it('rejected: the reason and a way to apply again', async () => {
    const { container } = open(detail('REJECTED', { rejectReason: '就医地与参保地为同一统筹区，无需备案' }, undefined, '审核'));
    await screen.findByText('未通过原因');
    expect(container.querySelector('.ss-application__reject-reason')!.textContent).toBe('就医地与参保地为同一统筹区，无需备案');
    fireEvent.click(screen.getByText('重新申请'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packageSelfService/pages/item/index?code=remote-filing-residence' });
  });

  it('completed filing: the record, cancellable with a reason; a refusal for the 6-month lock asks whether the reason changed', async () => {
    const filing = { filingNo: 'YD6401202611220001', kind: 'LONG_TERM_RESIDENCE' as const, placeCode: '510100', placeName: '四川省成都市', placeAdmdvs: '510100', validFrom: '2026-11-22', validUntil: null, status: 'active' as const, cancelledAt: null };
    const done = detail('COMPLETED', { filing, completedAt: '2026-11-23T02:00:00.000Z' });
    const cancelled = detail('COMPLETED', { filing: { ...filing, status: 'cancelled', cancelledAt: '2026-12-05T02:00:00.000Z' } });
    let cancelledYet = false;
    const { container, calls } = open(done, {
      [`GET /api/v1/self-service/applications/${APP_ID}`]: () => ({ status: 200, body: cancelledYet ? cancelled : done }),
      [`POST /api/v1/self-service/filings/${APP_ID}/cancel`]: (c) => {
        if (!(c.data as { reasonChanged: boolean }).reasonChanged) return err(409, 'SELF_SERVICE_FILING_LOCKED');
        cancelledYet = true;
        return { status: 200, body: { ...filing, applicationId: APP_ID, patient: null, status: 'cancelled', cancelledAt: '2026-12-05T02:00:00.000Z', lockedUntil: null } };
      },
    });
    await screen.findByText('备案类型');
    expect(container.querySelector('.ss-filing--active .ss-value--until')!.textContent).toBe('有效期至长期有效（变更或取消前）');
    fireEvent.click(screen.getByText('取消备案'));
    expect(container.querySelector('.choice--reasonChanged')).toBeNull();
    fireEvent.click(screen.getByText('确认取消备案'));
    expect(container.querySelector('.form-field--reason .form-field__error')!.textContent).toBe('请填写取消原因');
    fireEvent.change(container.querySelector('.form-input--reason')!, { target: { value: '已回参保地居住' } });
    fireEvent.click(screen.getByText('确认取消备案'));
    await waitFor(() => expect(container.querySelector('.choice--reasonChanged')).not.toBeNull());
    expect(container.querySelector('.form-field--reasonChanged .form-field__error')!.textContent).toMatch(/备案原因未变化的不能变更或取消/);
    fireEvent.click(container.querySelector('.choice--reasonChanged .choice__item--yes')!);
    fireEvent.click(screen.getByText('确认取消备案'));
    await waitFor(() => expect(container.querySelector('.ss-filing--cancelled')).not.toBeNull());
    expect(calls.of('POST', `/api/v1/self-service/filings/${APP_ID}/cancel`).map((c) => c.data)).toEqual([
      { reason: '已回参保地居住', reasonChanged: false },
      { reason: '已回参保地居住', reasonChanged: true },
    ]);
  });
});

describe('filings', () => {
  it('lists records; a long-term filing within its lock needs the reason to have changed', async () => {
    const view = {
      filingNo: 'YD6401202611220002', kind: 'RETIRED_RESETTLED', placeCode: '460200', placeName: '海南省三亚市', placeAdmdvs: '460200', validFrom: '2026-11-01', validUntil: null,
      applicationId: APP_ID, patient: { id: SELF.id, nameMasked: SELF.nameMasked, relationship: 'SELF', idType: 'ID_CARD', idNumberMasked: SELF.idNumberMasked },
      status: 'active', cancelledAt: null, lockedUntil: '2027-05-01',
    };
    const calls = fakeBff({
      'GET /api/v1/self-service/filings': () => ({ status: 200, body: { items: [view] } }),
      [`POST /api/v1/self-service/filings/${APP_ID}/cancel`]: () => ({ status: 200, body: { ...view, status: 'cancelled', cancelledAt: '2026-12-05T02:00:00.000Z' } }),
    });
    const { container } = render(<Filings />);
    await screen.findByText('海南省三亚市');
    expect(container.querySelector('.ss-value--who')!.textContent).toBe('参保人张*国（本人）');
    fireEvent.click(screen.getByText('取消备案'));
    expect(container.querySelector('.ss-filing__locked')!.textContent).toMatch(/2027-05-01 前/);
    fireEvent.change(container.querySelector('.form-input--reason')!, { target: { value: '已回参保地居住' } });
    fireEvent.click(screen.getByText('确认取消备案'));
    expect(container.querySelector('.form-field--reasonChanged .form-field__error')!.textContent).toMatch(/6 个月内/);
    expect(calls.of('POST', `/api/v1/self-service/filings/${APP_ID}/cancel`)).toHaveLength(0);
    fireEvent.click(container.querySelector('.choice--reasonChanged .choice__item--yes')!);
    fireEvent.click(screen.getByText('确认取消备案'));
    await waitFor(() => expect(calls.of('POST', `/api/v1/self-service/filings/${APP_ID}/cancel`)).toHaveLength(1));
    expect(calls.of('POST', `/api/v1/self-service/filings/${APP_ID}/cancel`)[0]!.data).toEqual({ reason: '已回参保地居住', reasonChanged: true });
    await waitFor(() => expect(calls.of('GET', '/api/v1/self-service/filings')).toHaveLength(2));
  });

  it('empty state leads to the hall', async () => {
    fakeBff({ 'GET /api/v1/self-service/filings': () => ({ status: 200, body: { items: [] } }) });
    render(<Filings />);
    await screen.findByText('还没有异地就医备案');
  });
});

describe('notifications', () => {
  it('lists unread first in words, marks one read on opening and goes to the application', async () => {
    const N = (id: string, read: boolean, title: string) => ({ id, kind: 'self_service.status', title, body: '您的申请有新进度', targetType: 'self_service_application', targetId: APP_ID, read, createdAt: '2026-11-22T04:00:00.000Z' });
    const calls = fakeBff({
      'GET /api/v1/notifications': () => ({ status: 200, body: { items: [N('0190a000-0000-7000-8000-0000000000c1', false, '异地长期居住人员备案：待补正材料'), N('0190a000-0000-7000-8000-0000000000c2', true, '异地长期居住人员备案：已提交')], page: 1, pageSize: 20, total: 2, unread: 1 } }),
      'POST /api/v1/notifications/0190a000-0000-7000-8000-0000000000c1/read': () => ({ status: 200, body: {} }),
      'POST /api/v1/notifications/read-all': () => ({ status: 200, body: { updated: 1 } }),
    });
    const { container } = render(<Notifications />);
    await screen.findByText('1 条未读');
    expect(container.querySelector('.ss-notice--unread')!.textContent).toMatch(/【未读】异地长期居住人员备案：待补正材料/);
    fireEvent.click(container.querySelector('.ss-notice--unread')!);
    await waitFor(() => expect(calls.of('POST', '/api/v1/notifications/0190a000-0000-7000-8000-0000000000c1/read')).toHaveLength(1));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/packageSelfService/pages/application/index?id=${APP_ID}` });
    expect(screen.getByText('全部已读')).toBeTruthy();
  });

  it('empty state', async () => {
    fakeBff({ 'GET /api/v1/notifications': () => ({ status: 200, body: { items: [], page: 1, pageSize: 20, total: 0, unread: 0 } }) });
    render(<Notifications />);
    await screen.findByText('暂无消息');
  });
});
