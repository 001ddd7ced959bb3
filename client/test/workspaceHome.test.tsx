/**
 * 医护工作台 home: who may enter (signed out → staff sign-in, a patient → refused), the doctor's
 * queues (waiting queue of the department, in progress, ended; loading/empty/error; refresh and
 * polling that keeps the list on screen), the pharmacist's review queue, sign-out.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ERROR_CATALOG } from '@ih/contract';
import Workspace from '../src/packageDoctor/pages/index/index';
import { QUEUE_POLL_MS } from '../src/packageDoctor/hooks/usePolling';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, getToken, saveSession } from '../src/services/session';
import { err, fakeBff, tokens, type FakeAnswer, type FakeCall } from './fakeBff';
import { CID, CID2, DOCTOR_ME, PATIENT_ME, PHARMACIST_ME, RX, pending, queueItem } from './workspaceFixtures';

const me = (body: unknown) => () => ({ status: 200, body });
const status = (c: FakeCall) => new URL(c.url, 'http://x').searchParams.get('status');

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
});

describe('who may enter', () => {
  it('signed out: says so and leads to the staff sign-in, asks the BFF nothing', async () => {
    const bff = fakeBff({});
    const { container } = render(<Workspace />);
    fireEvent.click(await screen.findByText('医护人员登录'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/staff/index' });
    expect(container.querySelector('.staff-gate--signed-out')).not.toBeNull();
    expect(bff.calls).toHaveLength(0);
  });

  it('a patient is refused in words and sent home; no queue is requested', async () => {
    saveSession(tokens());
    const bff = fakeBff({ 'GET /api/v1/auth/me': me(PATIENT_ME) });
    render(<Workspace />);
    expect(await screen.findByText('无权访问')).toBeTruthy();
    expect(screen.getByText(/此页面仅供本院医生、药师使用/)).toBeTruthy();
    fireEvent.click(screen.getByText('返回首页'));
    expect(Taro.switchTab).toHaveBeenLastCalledWith({ url: '/pages/index/index' });
    expect(bff.of('GET', '/api/v1/workspace/consultations')).toHaveLength(0);
  });

  it('the session cannot be read: the error and a retry', async () => {
    saveSession(tokens());
    let fail = true;
    fakeBff({ 'GET /api/v1/auth/me': () => (fail ? err(503, 'DB_UNAVAILABLE') : { status: 200, body: DOCTOR_ME }), 'GET /api/v1/workspace/consultations': () => ({ status: 200, body: { items: [], nextCursor: null } }) });
    render(<Workspace />);
    expect(await screen.findByText(ERROR_CATALOG.DB_UNAVAILABLE.message)).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('医生工作台')).toBeTruthy();
  });
});

describe('doctor', () => {
  it('shows the waiting queue of the department with masked patients, then my consultations in progress', async () => {
    saveSession(tokens());
    const bff = fakeBff({
      'GET /api/v1/auth/me': me(DOCTOR_ME),
      'GET /api/v1/workspace/consultations': (c) =>
        status(c) === 'WAITING'
          ? { status: 200, body: { items: [queueItem(), queueItem({ id: CID2, requestedMe: false, patient: { nameMasked: '李*英', gender: 'FEMALE', age: 66 }, insured: false })], nextCursor: null } }
          : { status: 200, body: { items: [queueItem({ status: 'IN_PROGRESS', displayStatus: 'IN_PROGRESS', statusLabel: '问诊中', acceptedAt: '2026-11-22T00:05:00.000Z', unreadCount: 2 })], nextCursor: null } },
    });
    const { container } = render(<Workspace />);
    expect(await screen.findByText('张*国 · 男 · 58 岁')).toBeTruthy();
    expect(screen.getByText('医生工作台')).toBeTruthy();
    expect(screen.getByText('纳*梅 · 医生 · 宁夏医科大学总医院 · 心血管内科')).toBeTruthy();
    expect(screen.getByText('李*英 · 女 · 66 岁')).toBeTruthy();
    expect(container.querySelectorAll('.queue--waiting .consultation-card')).toHaveLength(2);
    expect(container.querySelector(`.consultation-card[data-id="${CID}"] .consultation-card__mine`)?.textContent).toBe('指定我');
    expect(container.querySelector(`.consultation-card[data-id="${CID2}"]`)?.textContent).toContain('自费');
    expect(container.querySelector(`.consultation-card[data-id="${CID}"]`)?.textContent).toContain('10:01 前未接诊将自动取消并退款'); // China time
    expect(status(bff.calls.find((c) => c.path === '/api/v1/workspace/consultations')!)).toBe('WAITING');

    fireEvent.click(container.querySelector(`.consultation-card[data-id="${CID}"]`)!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/packageDoctor/pages/consultation/index?id=${CID}` });

    fireEvent.click(container.querySelector('.ws-tab--IN_PROGRESS')!);
    expect(await screen.findByText('2 条未读')).toBeTruthy();
    expect(container.querySelectorAll('.queue--in_progress .consultation-card')).toHaveLength(1);
    expect(screen.getByText('进入问诊')).toBeTruthy();
  });

  it('empty queue says so; a failed first load shows the error with a retry', async () => {
    saveSession(tokens());
    let answer: FakeAnswer = err(502, 'UPSTREAM_UNAVAILABLE');
    fakeBff({ 'GET /api/v1/auth/me': me(DOCTOR_ME), 'GET /api/v1/workspace/consultations': () => answer });
    const { container } = render(<Workspace />);
    expect(await screen.findByText(ERROR_CATALOG.UPSTREAM_UNAVAILABLE.message)).toBeTruthy();
    answer = { status: 200, body: { items: [], nextCursor: null } };
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('暂无待接诊的问诊')).toBeTruthy();
    expect(container.querySelector('.page-state--empty')).not.toBeNull();
  });

  it('polls the waiting queue while shown; a failed poll keeps the list and says it is stale', async () => {
    jest.useFakeTimers();
    try {
      saveSession(tokens());
      let n = 0;
      const bff = fakeBff({
        'GET /api/v1/auth/me': me(DOCTOR_ME),
        'GET /api/v1/workspace/consultations': () => {
          n += 1;
          if (n === 1) return { status: 200, body: { items: [queueItem()], nextCursor: null } };
          if (n === 2) return { status: 200, body: { items: [queueItem(), queueItem({ id: CID2, patient: { nameMasked: '王*', gender: 'MALE', age: 70 } })], nextCursor: null } };
          return err(503, 'DB_UNAVAILABLE');
        },
      });
      render(<Workspace />);
      expect(await screen.findByText('张*国 · 男 · 58 岁')).toBeTruthy();
      await act(async () => {
        jest.advanceTimersByTime(QUEUE_POLL_MS);
      });
      expect(await screen.findByText('王* · 男 · 70 岁')).toBeTruthy();
      await act(async () => {
        jest.advanceTimersByTime(QUEUE_POLL_MS);
      });
      expect(await screen.findByText(/刷新失败：服务暂时不可用/)).toBeTruthy();
      expect(screen.getByText('王* · 男 · 70 岁')).toBeTruthy(); // still on screen
      expect(bff.of('GET', '/api/v1/workspace/consultations')).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('pages through the queue with 加载更多 (cursor)', async () => {
    saveSession(tokens());
    const bff = fakeBff({
      'GET /api/v1/auth/me': me(DOCTOR_ME),
      'GET /api/v1/workspace/consultations': (c) =>
        new URL(c.url, 'http://x').searchParams.get('cursor') === 'next1'
          ? { status: 200, body: { items: [queueItem({ id: CID2, patient: { nameMasked: '王*', gender: 'MALE', age: 70 } })], nextCursor: null } }
          : { status: 200, body: { items: [queueItem()], nextCursor: 'next1' } },
    });
    render(<Workspace />);
    fireEvent.click(await screen.findByText('加载更多'));
    expect(await screen.findByText('王* · 男 · 70 岁')).toBeTruthy();
    expect(screen.getByText('张*国 · 男 · 58 岁')).toBeTruthy();
    expect(screen.getByText('没有更多了')).toBeTruthy();
    expect(bff.of('GET', '/api/v1/workspace/consultations')).toHaveLength(2);
  });

  it('signs out: the session ends and the staff sign-in opens', async () => {
    saveSession(tokens());
    const bff = fakeBff({
      'GET /api/v1/auth/me': me(DOCTOR_ME),
      'GET /api/v1/workspace/consultations': () => ({ status: 200, body: { items: [], nextCursor: null } }),
      'POST /api/v1/auth/logout': () => ({ status: 200, body: { revokedSessions: 1 } }),
    });
    render(<Workspace />);
    fireEvent.click(await screen.findByText('退出登录'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/auth/staff/index' }));
    expect(bff.of('POST', '/api/v1/auth/logout')).toHaveLength(1);
    expect(getToken()).toBeNull();
  });
});

describe('pharmacist', () => {
  it('sees the prescriptions waiting for review (not the doctor queue) and opens one', async () => {
    saveSession(tokens());
    const bff = fakeBff({
      'GET /api/v1/auth/me': me(PHARMACIST_ME),
      'GET /api/v1/workspace/review-queue': () => ({ status: 200, body: { items: [pending()], page: 1, pageSize: 20, total: 1 } }),
    });
    const { container } = render(<Workspace />);
    expect(await screen.findByText('处方 RX202611220001')).toBeTruthy();
    expect(screen.getByText('药师审方')).toBeTruthy();
    expect(screen.getByText('患者：张*国 · 男 · 58 岁')).toBeTruthy();
    expect(screen.getByText(/1 种药品 · 合计 ¥56.74/)).toBeTruthy();
    expect(new URL(bff.calls.find((c) => c.path === '/api/v1/workspace/review-queue')!.url, 'http://x').searchParams.get('status')).toBe('PENDING_REVIEW');
    expect(bff.of('GET', '/api/v1/workspace/consultations')).toHaveLength(0);
    fireEvent.click(container.querySelector(`.review-card[data-id="${RX}"]`)!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/packageDoctor/pages/review/index?id=${RX}` });
  });

  it('an empty review queue says so', async () => {
    saveSession(tokens());
    fakeBff({
      'GET /api/v1/auth/me': me(PHARMACIST_ME),
      'GET /api/v1/workspace/review-queue': () => ({ status: 200, body: { items: [], page: 1, pageSize: 20, total: 0 } }),
    });
    render(<Workspace />);
    expect(await screen.findByText('暂无待审核的处方')).toBeTruthy();
  });
});
