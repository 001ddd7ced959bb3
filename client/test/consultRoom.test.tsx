/**
 * 问诊室 page: the status header and its actions (去支付, 取消问诊), messages of every kind (text,
 * image with preview, prescription card, system note), 已读/未读, sending text and images (with
 * retry), loading older messages, read marks, and updates over the socket or — when the socket
 * fails — by long polling.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ConsultationDetail, ConsultationMessage, MessagesResponse } from '@ih/contract';
import RoomPage, { ROOM_PAGE } from '../src/packageConsult/pages/room/index';
import { resetSignInRedirect } from '../src/services/request';
import { saveSession } from '../src/services/session';
import { CID, ORDER_ID, RX_ID, detail, fakeSockets, fakeUploads, flush, message, messagesResponse, pickH5, roomState, uploaded } from './consultFixtures';
import { __setRouterParams } from './doubles/taro';
import { err, fakeBff, gate, tokens, type FakeAnswer, type FakeCall } from './fakeBff';

const BASE = `/api/v1/consultations/${CID}`;
const HISTORY: ConsultationMessage[] = [
  message(1, { sender: 'SYSTEM', kind: 'SYSTEM', text: '医生已接诊，请描述您的病情变化和用药情况', systemCode: 'ACCEPTED' }),
  message(2, { sender: 'PATIENT', text: '最近血压偏高' }),
  message(3, { sender: 'PATIENT', kind: 'IMAGE', text: null, file: uploaded(9) }),
];

const query = (c: FakeCall) => Object.fromEntries(new URL(c.url, 'http://x').searchParams);

interface Room {
  d: ConsultationDetail;
  history: ConsultationMessage[];
  /** Long polls waiting for an answer (answer them to deliver). */
  polls: Array<{ after: number; answer: (r: MessagesResponse) => void }>;
  bff: ReturnType<typeof fakeBff>;
}

function room(over: { d?: ConsultationDetail; history?: ConsultationMessage[]; routes?: Record<string, (c: FakeCall) => FakeAnswer | Promise<FakeAnswer>> } = {}): Room {
  const d = over.d ?? detail({ room: roomState({ lastSeq: (over.history ?? HISTORY).at(-1)?.seq ?? 0, myReadSeq: 3, peerReadSeq: 2 }) });
  const history = over.history ?? HISTORY;
  const polls: Room['polls'] = [];
  const bff = fakeBff({
    [`GET ${BASE}`]: () => ({ status: 200, body: d }),
    [`GET ${BASE}/messages`]: (c) => {
      const q = query(c);
      const after = Number(q.after ?? 0);
      const limit = Number(q.limit ?? 50);
      if (q.wait) {
        const g = gate<FakeAnswer>();
        polls.push({ after, answer: (r) => g.release({ status: 200, body: r }) });
        return g.promise;
      }
      const items = history.filter((m) => m.seq > after).slice(0, limit);
      return { status: 200, body: messagesResponse(items, { ...d.room }) };
    },
    [`POST ${BASE}/read`]: (c) => ({ status: 200, body: { myReadSeq: (c.data as { seq: number }).seq, peerReadSeq: d.room.peerReadSeq } }),
    ...over.routes,
  });
  return { d, history, polls, bff };
}

beforeEach(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  resetSignInRedirect();
  saveSession(tokens());
  __setRouterParams({ id: CID });
});
afterEach(() => {
  cleanup(); // unmount: the feed stops
  jest.restoreAllMocks();
});

describe('showing the room', () => {
  it('the status in words, every kind of message, 已读/未读, image preview and the prescription card', async () => {
    const history = [...HISTORY, message(4, { sender: 'DOCTOR', kind: 'PRESCRIPTION', text: '医生已为您开具处方，药师审核通过后可支付取药', prescriptionId: RX_ID })];
    room({ history, d: detail({ images: [uploaded(8)], room: roomState({ lastSeq: 4, myReadSeq: 4, peerReadSeq: 2, displayStatus: 'PRESCRIBED', statusLabel: '已开方' }) }) });
    const { container } = render(<RoomPage />);
    expect(await screen.findByText('最近血压偏高')).toBeTruthy();
    expect(container.querySelector('.room-status--PRESCRIBED .room-status__label')!.textContent).toBe('已开方');
    expect(screen.getByText('医生已开具处方，请在下方消息中查看处方并支付取药。')).toBeTruthy();
    expect(screen.getByText('纳红梅 主任医师 · 心血管内科')).toBeTruthy();
    expect(container.querySelector('.msg--system.msg--ACCEPTED')!.textContent).toContain('医生已接诊');
    expect(container.querySelector('.room__description-text')!.textContent).toContain('氨氯地平');
    fireEvent.click(container.querySelector('img.room__description-image')!);
    expect(Taro.previewImage).toHaveBeenLastCalledWith({ urls: [uploaded(8).url], current: uploaded(8).url });

    const read = (seq: number) => container.querySelector(`.msg[data-seq="${seq}"] .msg__read`)?.textContent;
    expect(read(2)).toBe('已读');
    expect(read(3)).toBe('未读');
    expect(read(4)).toBeUndefined(); // the doctor's message carries no read mark

    const img = container.querySelector('.msg[data-seq="3"] img.msg__image') as HTMLImageElement;
    expect(img.getAttribute('src')).toBe(uploaded(9).url);
    fireEvent.click(img);
    expect(Taro.previewImage).toHaveBeenCalledWith({ urls: [uploaded(9).url], current: uploaded(9).url });

    fireEvent.click(container.querySelector('.msg-rx')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/packageConsult/pages/prescription/index?id=${RX_ID}` });
    expect(screen.getByText('以上是全部消息')).toBeTruthy();
  });

  it('shows only the latest messages first and loads older ones on request', async () => {
    const history = Array.from({ length: 40 }, (_, i) => message(i + 1, { text: `第${i + 1}条` }));
    const r = room({ history, d: detail({ room: roomState({ lastSeq: 40, myReadSeq: 40, peerReadSeq: 40 }) }) });
    const { container } = render(<RoomPage />);
    expect(await screen.findByText('第40条')).toBeTruthy();
    const first = r.bff.of('GET', `${BASE}/messages`)[0]!;
    expect(query(first)).toEqual(expect.objectContaining({ after: String(40 - ROOM_PAGE) }));
    expect(screen.queryByText('第10条')).toBeNull();
    fireEvent.click(screen.getByText('查看更早的消息'));
    expect(await screen.findByText('第1条')).toBeTruthy();
    const older = r.bff.of('GET', `${BASE}/messages`).find((c) => query(c).after === '0')!;
    expect(query(older).limit).toBe('10');
    expect([...container.querySelectorAll('.msg')].map((e) => Number(e.getAttribute('data-seq')))).toEqual(history.map((m) => m.seq));
    expect(screen.getByText('以上是全部消息')).toBeTruthy();
  });

  it('a consultation that cannot be loaded shows the error and 重新加载', async () => {
    let answer: FakeAnswer = err(404, 'NOT_FOUND');
    fakeBff({
      [`GET ${BASE}`]: () => answer,
      [`GET ${BASE}/messages`]: () => new Promise(() => undefined),
    });
    render(<RoomPage />);
    expect(await screen.findByText('请求的内容不存在或已被删除')).toBeTruthy();
    answer = { status: 200, body: detail({ room: roomState({ lastSeq: 0 }) }) };
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('还没有消息')).toBeTruthy();
  });
});

describe('sending', () => {
  it('text: sent with a client id, shown 发送中 then as a message (未读); a failure offers 重试 with the same id', async () => {
    let n = 0;
    const held = gate<FakeAnswer>();
    const r = room({
      routes: {
        [`POST ${BASE}/messages`]: (c) => {
          n += 1;
          if (n === 1) return held.promise;
          if (n === 2) return err(503, 'INTERNAL');
          return { status: 201, body: message(5, { text: (c.data as { text: string }).text }) };
        },
      },
    });
    const { container } = render(<RoomPage />);
    await screen.findByText('最近血压偏高');
    const input = container.querySelector('textarea.room__input') as HTMLTextAreaElement;
    fireEvent.change(input, { target: { value: '  今天血压 150/95  ' } });
    fireEvent.click(screen.getByText('发送'));
    expect(input.value).toBe('');
    expect(await screen.findByText('发送中…')).toBeTruthy();
    held.release({ status: 201, body: message(4, { text: '今天血压 150/95' }) });
    await waitFor(() => expect(container.querySelector('.msg[data-seq="4"] .msg__read')?.textContent).toBe('未读'));
    expect(container.querySelector('.msg--pending')).toBeNull();
    const first = r.bff.of('POST', `${BASE}/messages`)[0]!.data as { kind: string; text: string; clientMsgId: string };
    expect(first).toEqual({ kind: 'TEXT', text: '今天血压 150/95', clientMsgId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) });

    fireEvent.change(input, { target: { value: '还有点头晕' } });
    fireEvent.click(screen.getByText('发送'));
    expect(await screen.findByText(/发送失败/)).toBeTruthy();
    fireEvent.click(container.querySelector('.msg__retry')!);
    await waitFor(() => expect(container.querySelector('.msg[data-seq="5"]')?.textContent).toContain('还有点头晕'));
    const [, second, third] = r.bff.of('POST', `${BASE}/messages`).map((c) => c.data as { clientMsgId: string });
    expect(third!.clientMsgId).toBe(second!.clientMsgId);
  });

  it('images: picked, uploaded with progress, then sent as an IMAGE message with the file id', async () => {
    const r = room({ routes: { [`POST ${BASE}/messages`]: (c) => ({ status: 201, body: message(4, { kind: 'IMAGE', text: null, file: uploaded(5), ...{ id: (c.data as { fileId: string }).fileId } }) }) } });
    const uploads = fakeUploads();
    const { container } = render(<RoomPage />);
    await screen.findByText('最近血压偏高');
    pickH5([{ name: 'bp.jpg', type: 'image/jpeg', size: 50_000 }]);
    fireEvent.click(screen.getByText('图片'));
    await waitFor(() => expect(uploads).toHaveLength(1));
    act(() => uploads[0]!.progress(60));
    expect(container.querySelector('.room__tray .upload__status')!.textContent).toBe('上传中 60%');
    await act(async () => uploads[0]!.answer(201, uploaded(5)));
    await waitFor(() => expect(container.querySelector('.msg[data-seq="4"] img.msg__image')).not.toBeNull());
    expect(r.bff.of('POST', `${BASE}/messages`)[0]!.data).toEqual({ kind: 'IMAGE', fileId: uploaded(5).id, clientMsgId: expect.any(String) });
    expect(container.querySelector('.room__tray')).toBeNull();
  });
});

describe('near real time', () => {
  it('falls back to long polling when the socket errors, and shows the doctor\'s reply', async () => {
    const sockets = fakeSockets();
    const r = room();
    const { container } = render(<RoomPage />);
    await screen.findByText('最近血压偏高');
    await waitFor(() => expect(sockets).toHaveLength(1));
    await act(async () => {
      sockets[0]!.error('network changed');
      await flush();
    });
    await waitFor(() => expect(r.polls).toHaveLength(1));
    expect(r.polls[0]!.after).toBe(3);
    expect(container.querySelector('.room-conn--polling')!.textContent).toBe('网络不稳定，正在重新连接，消息仍会自动刷新');
    await act(async () => r.polls[0]!.answer(messagesResponse([message(4, { sender: 'DOCTOR', text: '请继续服药，一周后复查' })], roomState({ lastSeq: 4, peerReadSeq: 3 }))));
    expect(await screen.findByText('请继续服药，一周后复查')).toBeTruthy();
    // The poll's state says the doctor read up to 3: my image is 已读 now.
    expect(container.querySelector('.msg[data-seq="3"] .msg__read')!.textContent).toBe('已读');
    // What is on screen is marked read.
    await waitFor(() => expect(r.bff.of('POST', `${BASE}/read`).map((c) => c.data)).toEqual([{ seq: 4 }]));
    await waitFor(() => expect(r.polls.at(-1)!.after).toBe(4));
  });

  it('over a live socket: pushed messages and read states appear without polling', async () => {
    const sockets = fakeSockets();
    const r = room();
    const { container } = render(<RoomPage />);
    await screen.findByText('最近血压偏高');
    await waitFor(() => expect(sockets).toHaveLength(1));
    await act(async () => {
      sockets[0]!.open();
      sockets[0]!.push({ type: 'ready', role: 'PATIENT' });
      sockets[0]!.push({ type: 'subscribed', consultationId: CID, state: roomState() });
      await flush();
    });
    expect(container.querySelector('.room-conn--live')!.textContent).toBe('消息实时更新');
    await act(async () => {
      sockets[0]!.push({ type: 'state', consultationId: CID, state: roomState({ peerReadSeq: 3 }) });
      sockets[0]!.push({ type: 'message', consultationId: CID, message: message(4, { sender: 'DOCTOR', text: '收到，我看一下' }) });
      await flush();
    });
    expect(await screen.findByText('收到，我看一下')).toBeTruthy();
    expect(container.querySelector('.msg[data-seq="3"] .msg__read')!.textContent).toBe('已读');
    expect(r.polls).toHaveLength(0);
  });

  it('a status change (the doctor ended it) refreshes the header and closes the composer', async () => {
    const sockets = fakeSockets();
    const r = room();
    const { container } = render(<RoomPage />);
    await screen.findByText('最近血压偏高');
    await waitFor(() => expect(sockets).toHaveLength(1));
    r.d.status = 'COMPLETED';
    r.d.displayStatus = 'COMPLETED';
    r.d.statusLabel = '已结束';
    r.d.closeReasonLabel = '医生已结束本次问诊';
    r.d.room = roomState({ status: 'COMPLETED', displayStatus: 'COMPLETED', statusLabel: '已结束', canSend: false });
    await act(async () => {
      sockets[0]!.open();
      sockets[0]!.push({ type: 'ready', role: 'PATIENT' });
      sockets[0]!.push({ type: 'subscribed', consultationId: CID, state: r.d.room });
      await flush();
    });
    expect(await screen.findByText('医生已结束本次问诊')).toBeTruthy();
    expect(container.querySelector('.room-status--COMPLETED')).not.toBeNull();
    expect(container.querySelector('.room__composer')).toBeNull();
    expect(screen.getByText('问诊已结束，不能再发送消息')).toBeTruthy();
  });
});

describe('status actions', () => {
  it('待支付: 去支付 opens the order; 取消问诊 asks why, confirms, cancels', async () => {
    const pending = roomState({ status: 'PENDING_PAYMENT', displayStatus: 'PENDING_PAYMENT', statusLabel: '待支付', lastSeq: 1, myReadSeq: 1, peerReadSeq: 0, canSend: false });
    const d = detail({ room: pending, canCancel: true, order: { id: ORDER_ID, orderNo: 'DD1', state: 'CREATED', expiresAt: null }, paidAt: null, acceptedAt: null });
    const cancelled = detail({
      room: roomState({ ...pending, status: 'CANCELLED', displayStatus: 'CANCELLED', statusLabel: '已取消' }),
      canCancel: false,
      closeReason: 'PATIENT_CANCELLED',
      closeReasonLabel: '您已取消本次问诊',
    });
    const r = room({
      d,
      history: [message(1, { sender: 'SYSTEM', kind: 'SYSTEM', text: '问诊已提交，请在规定时间内完成支付', systemCode: 'CREATED' })],
      // The BFF's state from now on (later fetches say 已取消 too).
      routes: { [`POST ${BASE}/cancel`]: () => (Object.assign(d, cancelled), { status: 200, body: cancelled }) },
    });
    const { container } = render(<RoomPage />);
    await screen.findByText('问诊已提交，请在规定时间内完成支付');
    expect(screen.getByText('支付后即可给医生发送消息')).toBeTruthy();
    expect(container.querySelector('.room-status__note')!.textContent).toContain('请支付诊查费 ¥30.00');

    fireEvent.click(screen.getByText('去支付 ¥30.00'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/orders/confirm/index?orderId=${ORDER_ID}` });

    (Taro.showActionSheet as jest.Mock).mockResolvedValueOnce({ tapIndex: 0, errMsg: 'showActionSheet:ok' });
    fireEvent.click(screen.getByText('取消问诊'));
    await waitFor(() => expect(r.bff.of('POST', `${BASE}/cancel`)).toHaveLength(1));
    expect((Taro.showActionSheet as jest.Mock).mock.calls[0][0]).toEqual({ itemList: ['不需要了', '信息填写有误', '等待时间太长', '改为线下就诊', '其他原因'] });
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '取消问诊', confirmText: '确定取消' }));
    expect(r.bff.of('POST', `${BASE}/cancel`)[0]!.data).toEqual({ reason: 'NO_LONGER_NEEDED' });
    expect(await screen.findByText('您已取消本次问诊')).toBeTruthy();
    expect(screen.queryByText('取消问诊')).toBeNull();
    expect(screen.queryByText('去支付 ¥30.00')).toBeNull();
  });

  it('closing the reason sheet or saying no in the confirm cancels nothing', async () => {
    const waiting = roomState({ status: 'WAITING', displayStatus: 'WAITING', statusLabel: '待接诊' });
    const r = room({ d: detail({ room: waiting, canCancel: true, acceptDeadline: '2026-11-23T08:00:00.000Z' }) });
    render(<RoomPage />);
    await screen.findByText('最近血压偏高');
    expect(screen.getByText(/已通知医生，请耐心等待接诊；11-23 16:00 前未接诊将自动取消并原路退款/)).toBeTruthy();
    fireEvent.click(screen.getByText('取消问诊')); // the sheet double rejects = closed
    await flush();
    (Taro.showActionSheet as jest.Mock).mockResolvedValueOnce({ tapIndex: 4, errMsg: 'showActionSheet:ok' });
    (Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
    fireEvent.click(screen.getByText('取消问诊'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalled());
    expect((Taro.showModal as jest.Mock).mock.calls[0][0].content).toContain('诊查费将原路退回');
    await flush();
    expect(r.bff.of('POST', `${BASE}/cancel`)).toHaveLength(0);
  });
});
