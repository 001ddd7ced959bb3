/**
 * Data and platform doubles for the consultation tests (consult*.test.tsx): a consultation as the
 * BFF answers it, messages, uploads (Taro.uploadFile with scripted progress and answers) and
 * WebSockets (Taro.connectSocket with a scripted SocketTask).
 */
import Taro from '@tarojs/taro';
import type { ConsultationDetail, ConsultationMessage, MessagesResponse, RoomState, UploadedFile } from '@ih/contract';

export const CID = '0190b000-0000-7000-8000-0000000000c1';
export const ORDER_ID = '0190b000-0000-7000-8000-0000000000f1';
export const DOCTOR_ID = '0190a000-0000-7000-8000-0000000000d1';
export const P1 = '0190a000-0000-7000-8000-000000000001';
export const RX_ID = '0190b000-0000-7000-8000-0000000000b1';

export function fileId(n: number): string {
  return `0190b000-0000-7000-8000-${String(n).padStart(12, '0')}`;
}

export function uploaded(n: number, over: Partial<UploadedFile> = {}): UploadedFile {
  return {
    id: fileId(n),
    mime: 'image/jpeg',
    sizeBytes: 2048,
    url: `/api/v1/files/${fileId(n)}/content?exp=1893456000000&sig=abcdefghijklmnop`,
    urlExpiresAt: '2030-01-01T00:00:00.000Z',
    purpose: 'CONSULT_IMAGE',
    createdAt: '2026-11-22T08:00:00.000Z',
    ...over,
  };
}

export function roomState(over: Partial<RoomState> = {}): RoomState {
  return { status: 'IN_PROGRESS', displayStatus: 'IN_PROGRESS', statusLabel: '问诊中', lastSeq: 3, myReadSeq: 3, peerReadSeq: 2, canSend: true, ...over };
}

export function message(seq: number, over: Partial<ConsultationMessage> = {}): ConsultationMessage {
  return {
    id: `0190b000-0000-7000-8000-${String(9000 + seq).padStart(12, '0')}`,
    seq,
    sender: 'PATIENT',
    kind: 'TEXT',
    text: `消息 ${seq}`,
    file: null,
    prescriptionId: null,
    systemCode: null,
    createdAt: `2026-11-22T08:${String(seq % 60).padStart(2, '0')}:00.000Z`,
    ...over,
  };
}

export function messagesResponse(items: ConsultationMessage[], over: Partial<MessagesResponse> = {}): MessagesResponse {
  const lastSeq = items.at(-1)?.seq ?? 0;
  return { ...roomState({ lastSeq }), items, hasMore: false, ...over };
}

export function detail(over: Partial<ConsultationDetail> = {}): ConsultationDetail {
  const room = over.room ?? roomState();
  return {
    id: CID,
    consultationNo: 'WZ202611220001',
    status: room.status,
    displayStatus: room.displayStatus,
    statusLabel: room.statusLabel,
    patient: { id: P1, nameMasked: '张*国' },
    doctor: { id: DOCTOR_ID, name: '纳红梅', title: 'CHIEF_PHYSICIAN', departmentName: '心血管内科', hospitalName: '宁夏医科大学总医院' },
    disease: { code: 'I10.x00', name: '高血压', category: 'CHRONIC' },
    insured: true,
    feeFen: 3000,
    unreadCount: 0,
    lastMessage: null,
    createdAt: '2026-11-22T08:00:00.000Z',
    updatedAt: '2026-11-22T08:00:00.000Z',
    description: '血压近一周在 140/90 左右，每天服用氨氯地平 5mg',
    images: [],
    offlineDiagnosis: null,
    selfPayReasons: [],
    order: { id: ORDER_ID, orderNo: 'DD1', state: 'PAID', expiresAt: null },
    paidAt: '2026-11-22T08:01:00.000Z',
    acceptedAt: '2026-11-22T08:02:00.000Z',
    endedAt: null,
    cancelledAt: null,
    closeReason: null,
    closeReasonLabel: null,
    acceptDeadline: null,
    canCancel: false,
    room,
    ...over,
  };
}

// ── uploads ─────────────────────────────────────────────────────────────────────────────────
export interface FakeUpload {
  options: { url: string; filePath: string; name: string; header: Record<string, string>; formData?: Record<string, string>; fileName?: string; fileType?: string };
  progress(percent: number): void;
  answer(status: number, body: unknown): void;
  fail(errMsg: string): void;
  aborted: boolean;
}

/** Every Taro.uploadFile call becomes a FakeUpload the test answers (or `auto` answers at once). */
export function fakeUploads(auto?: (u: FakeUpload) => { status: number; body: unknown } | null) {
  const uploads: FakeUpload[] = [];
  (Taro.uploadFile as unknown as jest.Mock).mockImplementation((options: FakeUpload['options']) => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const p = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const listeners: Array<(r: { progress: number }) => void> = [];
    const u: FakeUpload = {
      options,
      aborted: false,
      progress: (percent) => listeners.forEach((l) => l({ progress: percent })),
      answer: (status, body) => resolve({ statusCode: status, data: typeof body === 'string' ? body : JSON.stringify(body), errMsg: 'uploadFile:ok' }),
      fail: (errMsg) => reject({ errMsg }),
    };
    uploads.push(u);
    const auto1 = auto?.(u);
    if (auto1) setTimeout(() => u.answer(auto1.status, auto1.body), 0);
    return Object.assign(p, {
      onProgressUpdate: (cb: (r: { progress: number }) => void) => listeners.push(cb),
      abort: () => {
        u.aborted = true;
        reject({ errMsg: 'uploadFile:fail abort' });
      },
    });
  });
  return uploads;
}

/** What the H5 picker hands over (a File per image). */
export function pickH5(files: Array<{ name: string; type: string; size: number }>) {
  (Taro.chooseImage as unknown as jest.Mock).mockImplementationOnce(() =>
    Promise.resolve({
      tempFilePaths: files.map((_, i) => `blob:http://localhost/${i}`),
      tempFiles: files.map((f, i) => ({ path: `blob:http://localhost/${i}-${f.name}`, size: f.size, type: 'image', originalFileObj: { ...f } })),
      errMsg: 'chooseImage:ok',
    }),
  );
}

// ── sockets ─────────────────────────────────────────────────────────────────────────────────
export interface FakeSocket {
  url: string;
  header: Record<string, string>;
  sent: unknown[];
  closed: boolean;
  open(): void;
  /** A server frame (JSON). */
  push(frame: unknown): void;
  error(message?: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * Taro.connectSocket answers with a scripted SocketTask. `refuse`: the platform refuses to start
 * one (connectSocket fails). The returned list holds every socket the app opened.
 */
export function fakeSockets(opts: { refuse?: boolean } = {}) {
  const sockets: FakeSocket[] = [];
  (Taro.connectSocket as unknown as jest.Mock).mockImplementation((o: { url: string; header: Record<string, string> }) => {
    if (opts.refuse) return Promise.reject({ errMsg: 'connectSocket:fail network down' });
    const handlers: Record<string, Array<(x: unknown) => void>> = { open: [], message: [], error: [], close: [] };
    const s: FakeSocket = {
      url: o.url,
      header: o.header,
      sent: [],
      closed: false,
      open: () => handlers.open!.forEach((h) => h({})),
      push: (frame) => handlers.message!.forEach((h) => h({ data: JSON.stringify(frame) })),
      error: (message = 'socket broke') => handlers.error!.forEach((h) => h({ errMsg: message })),
      close: (code = 1006, reason = '') => handlers.close!.forEach((h) => h({ code, reason })),
    };
    sockets.push(s);
    return Promise.resolve({
      send: ({ data }: { data: string }) => s.sent.push(JSON.parse(data)),
      close: () => {
        s.closed = true;
      },
      onOpen: (h: (x: unknown) => void) => handlers.open!.push(h),
      onMessage: (h: (x: unknown) => void) => handlers.message!.push(h),
      onError: (h: (x: unknown) => void) => handlers.error!.push(h),
      onClose: (h: (x: unknown) => void) => handlers.close!.push(h),
    });
  });
  return sockets;
}

/** Lets promise callbacks run (with fake timers too). */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
