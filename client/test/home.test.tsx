import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { MetaResponse } from '@ih/contract';
import Home from '../src/pages/index/index';
import { URLS } from '../src/routes';

const mockRequest = Taro.request as unknown as jest.Mock;

function reply(statusCode: number, data: unknown) {
  return Object.assign(Promise.resolve({ statusCode, data, header: {}, errMsg: 'request:ok' }), { abort: jest.fn() });
}

const META: MetaResponse = {
  appName: '宁夏互联网医院',
  hospitalCount: 38,
  serverTime: '2026-11-22T08:00:00.000Z',
  capabilities: [
    { key: 'revisit', title: '复诊', description: '线下确诊后在线复诊', status: 'coming_soon' },
    { key: 'voucher', title: '医保电子凭证授权', description: '授权使用医保电子凭证', status: 'coming_soon' },
    { key: 'orders', title: '我的订单', description: '查看订单与支付', status: 'coming_soon' },
    { key: 'selfService', title: '医保服务大厅', description: '在线办理医保经办事项', status: 'coming_soon' },
    { key: 'doctorWorkspace', title: '医生工作台', description: '医生接诊与处方', status: 'available' },
  ],
};

beforeEach(() => {
  mockRequest.mockReset();
});
afterEach(() => jest.restoreAllMocks());

describe('home page', () => {
  it('loads GET /api/v1/meta and shows an entry per capability', async () => {
    mockRequest.mockReturnValueOnce(reply(200, META));
    const { container } = render(<Home />);
    expect(container.querySelector('.page-state--loading')).not.toBeNull();

    await screen.findByText('宁夏互联网医院');
    expect(mockRequest).toHaveBeenCalledTimes(1);
    expect(mockRequest.mock.calls[0]![0]).toMatchObject({ url: '/api/v1/meta', method: 'GET' });
    expect(screen.getByText('已接入 38 家医院 · 支持医保移动支付')).toBeTruthy();
    expect(Taro.setNavigationBarTitle).toHaveBeenCalledWith({ title: '宁夏互联网医院' });

    const entries = container.querySelectorAll('.home-entry');
    expect(entries).toHaveLength(5);
    for (const c of META.capabilities) {
      const entry = container.querySelector(`.home-entry--${c.key}`);
      expect(entry).not.toBeNull();
      expect(entry!.textContent).toContain(c.title);
      expect(entry!.textContent).toContain(c.description);
      // Honest status: only what is not live says so.
      expect(entry!.textContent!.includes('即将上线')).toBe(c.status === 'coming_soon');
      expect(entry!.classList.contains('home-entry--soon')).toBe(c.status === 'coming_soon');
    }
    expect(container.querySelector('.page-state')).toBeNull();
    expect(Taro.showToast).not.toHaveBeenCalled();
  });

  it('opens each capability page; the orders tab through switchTab', async () => {
    mockRequest.mockReturnValueOnce(reply(200, META));
    const { container } = render(<Home />);
    await screen.findByText('复诊');

    fireEvent.click(container.querySelector('.home-entry--revisit')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: URLS.revisit });
    fireEvent.click(container.querySelector('.home-entry--voucher')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/voucher-status/index' });
    fireEvent.click(container.querySelector('.home-entry--selfService')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packageSelfService/pages/index/index' });
    fireEvent.click(container.querySelector('.home-entry--doctorWorkspace')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packageDoctor/pages/index/index' });
    fireEvent.click(container.querySelector('.home-entry--orders')!);
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/orders/index' });
    expect(Taro.navigateTo).toHaveBeenCalledTimes(4);
  });

  it('shows the error in Chinese without a toast, and retries into the content', async () => {
    mockRequest
      .mockReturnValueOnce(reply(503, { code: 'DB_UNAVAILABLE', message: 'database unreachable', requestId: 'req-home-1' }))
      .mockReturnValueOnce(reply(200, META));
    const { container } = render(<Home />);

    await screen.findByText('服务暂时不可用，请稍后重试');
    expect(container.querySelector('.page-state--error')).not.toBeNull();
    expect(screen.getByText('错误编号：req-home-1')).toBeTruthy();
    expect(container.querySelectorAll('.home-entry')).toHaveLength(0);
    expect(Taro.showToast).not.toHaveBeenCalled();

    await act(async () => {
      fireEvent.click(screen.getByText('重新加载'));
    });
    await waitFor(() => expect(container.querySelectorAll('.home-entry')).toHaveLength(5));
    expect(mockRequest).toHaveBeenCalledTimes(2);
    expect(container.querySelector('.page-state--error')).toBeNull();
  });

  it('shows the network error when the BFF cannot be reached', async () => {
    mockRequest.mockReturnValueOnce(Object.assign(Promise.reject({ errMsg: 'request:fail' }), { abort: jest.fn() }));
    render(<Home />);
    await screen.findByText('网络连接失败，请检查网络后重试');
    expect(screen.getByText('重新加载')).toBeTruthy();
  });

  it('shows the empty state when no capability is offered', async () => {
    mockRequest.mockReturnValueOnce(reply(200, { ...META, hospitalCount: 0, capabilities: [] }));
    const { container } = render(<Home />);
    await screen.findByText('暂无可用服务');
    expect(screen.getByText('暂未接入医院')).toBeTruthy();
    expect(container.querySelector('.page-state--empty')).not.toBeNull();
  });

  it('drops a capability this client does not know instead of failing the page', async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => {});
    const newer = { ...META, capabilities: [...META.capabilities, { key: 'telepharmacy', title: '远程药房', description: '新功能', status: 'available' }] };
    mockRequest.mockReturnValueOnce(reply(200, newer));
    const { container } = render(<Home />);
    await screen.findByText('复诊');
    expect(container.querySelectorAll('.home-entry')).toHaveLength(5);
    expect(screen.queryByText('远程药房')).toBeNull();
  });

  it('treats a body that breaks the contract as an error', async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => {});
    mockRequest.mockReturnValueOnce(reply(200, { appName: 42 }));
    render(<Home />);
    await screen.findByText('服务返回的数据异常，请稍后重试');
  });
});
