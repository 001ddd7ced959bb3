/** 医保查询 pages: 参保信息, 个人账户 (with a date range), 参保凭证 PDF on H5 (Bearer fetch → viewer), 转移接续进度. */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import QueryPage from '../src/packageSelfService/pages/query/index';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, getToken, saveSession } from '../src/services/session';
import { __setRouterParams } from './doubles/taro';
import { err, fakeBff, tokens } from './fakeBff';
import { MOTHER, PATIENTS, SELF, detail } from './selfServiceFixtures';

const person = (p = SELF) => ({ id: p.id, nameMasked: p.nameMasked, relationship: p.relationship, idType: 'ID_CARD', idNumberMasked: p.idNumberMasked });
const ENROLLMENT = {
  patient: person(), status: 'ACTIVE', statusLabel: '正常参保', insutype: '390', insutypeLabel: '城乡居民基本医疗保险', admdvs: '640100', admdvsName: '银川市',
  since: '2015-01-01', unitName: null, payments: [{ period: '2026', amountFen: 38000, kind: '个人缴费', paidAt: '2025-12-20' }], queriedAt: '2026-12-05T02:00:00.000Z',
};

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
});

it('参保信息: the default 就诊人\'s enrollment and payments; choosing another person asks again', async () => {
  __setRouterParams({ page: 'enrollment' });
  const calls = fakeBff({
    'GET /api/v1/patients': () => ({ status: 200, body: PATIENTS }),
    'GET /api/v1/self-service/enrollment': (c) => (c.url.includes(MOTHER.id) ? err(404, 'SELF_SERVICE_NOT_INSURED') : { status: 200, body: ENROLLMENT }),
  });
  const { container } = render(<QueryPage />);
  await screen.findByText('正常参保');
  expect(container.querySelector('.ss-value--insutype')!.textContent).toBe('参保险种城乡居民基本医疗保险');
  expect(container.querySelector('.ss-value--payment-0')!.textContent).toBe('2026 个人缴费¥380.00（2025-12-20）');
  fireEvent.click(screen.getByText(/李\*英/));
  await waitFor(() => expect(container.querySelector('.page-state--error')).not.toBeNull());
  expect(calls.of('GET', '/api/v1/self-service/enrollment').map((c) => c.url.split('patientId=')[1])).toEqual([SELF.id, MOTHER.id]);
});

it('个人账户变动: a date range, refused when the end is before the start', async () => {
  __setRouterParams({ page: 'accountChanges' });
  const calls = fakeBff({
    'GET /api/v1/patients': () => ({ status: 200, body: PATIENTS }),
    'GET /api/v1/self-service/account': () => ({ status: 200, body: { patient: person(), balanceFen: 123456, changes: [{ date: '2026-11-01', kind: '划入', amountFen: 8800, balanceFen: 123456, note: null }, { date: '2026-10-12', kind: '门诊支付', amountFen: -2300, balanceFen: 114656, note: '宁夏医科大学总医院' }], queriedAt: '2026-12-05T02:00:00.000Z' } }),
  });
  const { container } = render(<QueryPage />);
  await screen.findByText('¥1234.56');
  expect(container.querySelector('.ss-query__change--out')!.textContent).toMatch(/-¥23.00/);
  fireEvent.change(container.querySelector('.ss-date--until input')!, { target: { value: '2020-01-01' } });
  expect(container.querySelector('.form-field--until .form-field__error')!.textContent).toBe('结束日期不能早于开始日期');
  await act(async () => undefined);
  expect(calls.of('GET', '/api/v1/self-service/account')).toHaveLength(1);
  expect(calls.of('GET', '/api/v1/self-service/account')[0]!.url).toMatch(/since=\d{4}-\d{2}-\d{2}&until=\d{4}-\d{2}-\d{2}/);
});

/** What fetch resolves with (jsdom has no Response): a PDF blob or the BFF's JSON error. */
function fakeResponse(status: number, body: unknown) {
  return { ok: status >= 200 && status < 300, status, blob: async () => body, json: async () => body };
}

describe('参保凭证 on H5', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('fetches the PDF with the session and opens it in the browser\'s viewer', async () => {
    __setRouterParams({ page: 'certificate' });
    fakeBff({ 'GET /api/v1/patients': () => ({ status: 200, body: PATIENTS }), 'GET /api/v1/self-service/enrollment': () => ({ status: 200, body: ENROLLMENT }) });
    const fetchMock = jest.fn(async () => fakeResponse(200, new Blob(['%PDF-1.7'], { type: 'application/pdf' })));
    globalThis.fetch = fetchMock as unknown as typeof fetch;
    (URL as unknown as { createObjectURL: unknown }).createObjectURL = jest.fn(() => 'blob:certificate');
    (URL as unknown as { revokeObjectURL: unknown }).revokeObjectURL = jest.fn();
    const open = jest.spyOn(window, 'open').mockReturnValue({} as Window);
    render(<QueryPage />);
    await screen.findByText('正常参保');
    fireEvent.click(screen.getByText('查看 / 下载参保凭证'));
    await waitFor(() => expect(open).toHaveBeenCalledWith('blob:certificate', '_blank'));
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`/api/v1/self-service/certificate?patientId=${SELF.id}`);
    expect((init.headers as Record<string, string>).Authorization).toBe(`Bearer ${getToken()}`);
  });

  it('a refusal is shown with its message', async () => {
    __setRouterParams({ page: 'certificate' });
    fakeBff({ 'GET /api/v1/patients': () => ({ status: 200, body: PATIENTS }), 'GET /api/v1/self-service/enrollment': () => ({ status: 200, body: ENROLLMENT }) });
    globalThis.fetch = jest.fn(async () => fakeResponse(503, { code: 'AGENCY_UNAVAILABLE', message: 'x', requestId: 'req-1' })) as unknown as typeof fetch;
    const { container } = render(<QueryPage />);
    await screen.findByText('正常参保');
    fireEvent.click(screen.getByText('查看 / 下载参保凭证'));
    await waitFor(() => expect(container.querySelector('.form-error--AGENCY_UNAVAILABLE')).not.toBeNull());
  });
});

it('转移接续进度: the transfer applications with their steps', async () => {
  __setRouterParams({ page: 'transfer' });
  const transfer = detail('REVIEWING', {}, 'transfer-in');
  fakeBff({ 'GET /api/v1/self-service/applications': () => ({ status: 200, body: { items: [transfer, detail('SUBMITTED')], page: 1, pageSize: 50, total: 2 } }) });
  const { container } = render(<QueryPage />);
  await screen.findByText('医保关系转移接续（转入）');
  expect(container.querySelectorAll('.ss-app-card')).toHaveLength(1);
  expect(container.querySelector('.ss-steps__step--current')!.getAttribute('data-step')).toBe('审核');
});
