/**
 * 我的问诊 (the 问诊 tab): cards with worded status chips, unread counts and the last message;
 * filters; cursor paging (bottom reached or 加载更多, failed page with 重试); pull-down refresh;
 * loading, error and empty states; a card opens the room.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import type { ConsultationSummary } from '@ih/contract';
import Consult from '../src/pages/consult/index';
import { resetSignInRedirect } from '../src/services/request';
import { saveSession } from '../src/services/session';
import { CID, detail } from './consultFixtures';
import { err, fakeBff, gate, tokens, type FakeAnswer, type FakeCall } from './fakeBff';

function summary(n: number, over: Partial<ConsultationSummary> = {}): ConsultationSummary {
  const { description: _d, images: _i, offlineDiagnosis: _o, selfPayReasons: _s, order: _or, paidAt: _p, acceptedAt: _a, endedAt: _e, cancelledAt: _c, closeReason: _cr, closeReasonLabel: _cl, acceptDeadline: _ad, canCancel: _cc, room: _r, ...base } = detail();
  return { ...base, id: n === 1 ? CID : `0190b000-0000-7000-8000-${String(100 + n).padStart(12, '0')}`, consultationNo: `WZ${n}`, ...over };
}

const query = (c: FakeCall) => Object.fromEntries(new URL(c.url, 'http://x').searchParams);
const lastCallback = (hook: unknown) => (hook as jest.Mock).mock.calls.at(-1)![0] as () => void;

beforeEach(() => {
  resetSignInRedirect();
  saveSession(tokens());
});

describe('the list', () => {
  it('cards say the status in words, the unread count and the last message; a card opens the room', async () => {
    const held = gate<FakeAnswer>();
    const bff = fakeBff({ 'GET /api/v1/consultations': () => held.promise });
    const { container } = render(<Consult />);
    expect(container.querySelector('.page-state--loading')).not.toBeNull();
    held.release({
      status: 200,
      body: {
        items: [
          summary(1, { unreadCount: 2, lastMessage: { preview: '请继续服药', sender: 'DOCTOR', createdAt: '2026-11-22T08:30:00.000Z' } }),
          summary(2, { status: 'PENDING_PAYMENT', displayStatus: 'PENDING_PAYMENT', statusLabel: '待支付', insured: false }),
          summary(3, { status: 'IN_PROGRESS', displayStatus: 'PRESCRIBED', statusLabel: '已开方' }),
        ],
        nextCursor: null,
      },
    });
    expect(await screen.findByText('医生：请继续服药')).toBeTruthy();
    expect(query(bff.calls[0]!)).toEqual({ status: 'ALL', limit: '20' });
    const cards = container.querySelectorAll('.consult-card');
    expect(cards).toHaveLength(3);
    expect(cards[0]!.querySelector('.status-chip')!.textContent).toBe('问诊中');
    expect(cards[0]!.querySelector('.consult-card__unread')!.textContent).toBe('2 条未读');
    expect(cards[0]!.textContent).toContain('医生：请继续服药');
    expect(cards[0]!.textContent).toContain('纳红梅 主任医师');
    expect(cards[0]!.textContent).toContain('就诊人 张*国 · 高血压 · ¥30.00');
    expect(cards[1]!.className).toContain('consult-card--PENDING_PAYMENT');
    expect(cards[1]!.textContent).toContain('（自费）');
    expect(cards[1]!.textContent).toContain('待支付：进入问诊后点击“去支付”');
    expect(cards[2]!.querySelector('.status-chip--PRESCRIBED')!.textContent).toBe('已开方');
    expect(screen.getByText('没有更多了')).toBeTruthy();
    fireEvent.click(cards[0]!);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/packageConsult/pages/room/index?id=${CID}` });
  });

  it('pages with the cursor on reaching the bottom; a failed page keeps the list and offers 重试', async () => {
    let failNext = true;
    const bff = fakeBff({
      'GET /api/v1/consultations': (c) => {
        const q = query(c);
        if (!q.cursor) return { status: 200, body: { items: [summary(1), summary(2)], nextCursor: 'c2' } };
        if (failNext) {
          failNext = false;
          return err(503, 'INTERNAL');
        }
        return { status: 200, body: { items: [summary(2), summary(3)], nextCursor: null } };
      },
    });
    const { container } = render(<Consult />);
    await waitFor(() => expect(container.querySelectorAll('.consult-card')).toHaveLength(2));
    act(() => lastCallback(useReachBottom)());
    expect(await screen.findByText('重试')).toBeTruthy();
    expect(container.querySelectorAll('.consult-card')).toHaveLength(2);
    fireEvent.click(screen.getByText('重试'));
    await waitFor(() => expect(container.querySelectorAll('.consult-card')).toHaveLength(3)); // the repeated one only once
    expect(bff.calls.map((c) => query(c).cursor)).toEqual([undefined, 'c2', 'c2']);
    expect(screen.getByText('没有更多了')).toBeTruthy();
  });

  it('filters start again from the first page', async () => {
    const bff = fakeBff({ 'GET /api/v1/consultations': (c) => ({ status: 200, body: { items: query(c).status === 'CANCELLED' ? [] : [summary(1)], nextCursor: null } }) });
    const { container } = render(<Consult />);
    await waitFor(() => expect(container.querySelectorAll('.consult-card')).toHaveLength(1));
    fireEvent.click(container.querySelector('.consult__filter--CANCELLED')!);
    expect(await screen.findByText('没有“已取消”的问诊')).toBeTruthy();
    expect(container.querySelector('.consult__filter--CANCELLED')!.getAttribute('aria-selected')).toBe('true');
    expect(query(bff.calls.at(-1)!)).toEqual({ status: 'CANCELLED', limit: '20' });
  });

  it('pull-down refreshes with the list kept on screen and stops the spinner', async () => {
    let round = 0;
    fakeBff({ 'GET /api/v1/consultations': () => ({ status: 200, body: { items: [summary(1, { unreadCount: round++ })], nextCursor: null } }) });
    const { container } = render(<Consult />);
    await waitFor(() => expect(container.querySelectorAll('.consult-card')).toHaveLength(1));
    expect(container.querySelector('.consult-card__unread')).toBeNull();
    act(() => lastCallback(usePullDownRefresh)());
    expect(container.querySelectorAll('.consult-card')).toHaveLength(1); // no loading screen meanwhile
    await waitFor(() => expect(container.querySelector('.consult-card__unread')?.textContent).toBe('1 条未读'));
    await waitFor(() => expect(Taro.stopPullDownRefresh).toHaveBeenCalled());
  });
});

describe('states', () => {
  it('empty: says so and leads to the re-visit flow', async () => {
    fakeBff({ 'GET /api/v1/consultations': () => ({ status: 200, body: { items: [], nextCursor: null } }) });
    render(<Consult />);
    expect(await screen.findByText('暂无问诊记录')).toBeTruthy();
    fireEvent.click(screen.getByText('发起在线复诊'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packageConsult/pages/revisit/index' });
  });

  it('error: the message and request id, then 重新加载 works', async () => {
    let answer: FakeAnswer = err(503, 'INTERNAL');
    fakeBff({ 'GET /api/v1/consultations': () => answer });
    const { container } = render(<Consult />);
    expect(await screen.findByText('加载失败')).toBeTruthy();
    expect(screen.getByText('错误编号：req-INTERNAL')).toBeTruthy();
    answer = { status: 200, body: { items: [summary(1)], nextCursor: null } };
    fireEvent.click(screen.getByText('重新加载'));
    await waitFor(() => expect(container.querySelectorAll('.consult-card')).toHaveLength(1));
  });
});
