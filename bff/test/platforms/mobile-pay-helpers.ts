/**
 * Test harness for the mobile-pay center client: the mock in-process on a free port, the real
 * client pointed at it, and a tiny receiving server for the 6302 notifies.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockApp } from '../../../mock/src/app';
import type { FaultRegistry, FaultInput } from '../../../mock/src/faults';
import { createMobilePayMock, generateMobilePayDemoKeys, type MobilePayMock } from '../../../mock/src/platforms/mobile-pay';
import type { PlatformCallEvent } from '../../src/platforms/http';
import { MobilePayClient, type MobilePayClientOptions, type FeeUploadRequest, type SettlementNotify } from '../../src/platforms/mobile-pay';
import { PlatformError } from '../../src/platforms/http';

export const APP_ID = 'mock_mobile_pay_app_id';
export const ORG_CODE = 'H00000000001';

/** Demo people (prisma/src/seed/data/demo.json). */
export const PSN = {
  zhang: '64010000000000012301', // 310, 银川, balance ¥1280, family: li, zhangzh
  li: '64010000000000012302', // 390, family of zhang
  zhangzh: '64010000000000012303', // 390, voucher not activated
  wang: '64030000000000045601', // 390, 吴忠, no family
  liu: '64020000000000078901', // 310, voucher not activated
  ma: '64040000000000032101', // 310, suspended
} as const;

/** Catalog items (seeded drug catalog + the mock's service items). */
export const ITEMS = {
  consult: { code: '001102000010100', cls: 'A', priceFen: 2000 },
  drugA: { code: 'XC08CAK591A001010244048', cls: 'A', priceFen: 172 },
  drugB: { code: 'XC08CAE647A004010370777', cls: 'B', priceFen: 3185 },
  drugSelf: { code: 'XC01EBX423A010014349597', cls: 'SELF', priceFen: 4200 },
} as const;

export interface ReceivedNotify {
  raw: string;
  at: number;
  event?: SettlementNotify;
  error?: PlatformError;
}

export interface Harness {
  mock: MobilePayMock;
  faults: FaultRegistry;
  client: MobilePayClient;
  baseUrl: string;
  mockUrl: string;
  notifyUrl: string;
  received: ReceivedNotify[];
  events: PlatformCallEvent[];
  keys: Record<string, string>;
  makeClient(over?: Partial<MobilePayClientOptions>): MobilePayClient;
  fault(f: Omit<FaultInput, 'platform'>): void;
  waitForNotifies(n: number, timeoutMs?: number): Promise<ReceivedNotify[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  sm2UserIdMode?: 'appSecret' | 'default';
  clientSm2UserIdMode?: 'appSecret' | 'default';
  timestampFormat?: 'ms' | 'yyyyMMddHHmmss';
  client?: Partial<MobilePayClientOptions>;
  notifyAttempts?: number;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  process.env.MOCK_TIMEOUT_HOLD_MS ??= '800';
  const keys = generateMobilePayDemoKeys();
  const received: ReceivedNotify[] = [];
  const events: PlatformCallEvent[] = [];

  // The receiving side of 6302, as the order issue's endpoint will do it: verify, then ack.
  let client!: MobilePayClient;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const rec: ReceivedNotify = { raw, at: Date.now() };
      try {
        rec.event = client.verifyAndParseSettlementNotify(raw);
      } catch (e) {
        rec.error = e as PlatformError;
      }
      received.push(rec);
      res.writeHead(rec.event ? 200 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: !!rec.event, message: rec.event ? '成功' : '验签失败' }));
    });
  });
  const receiverPort = await listen(receiver);
  const notifyUrl = `http://127.0.0.1:${receiverPort}/api/v1/callbacks/mobile-pay/settlement`;

  const mock = createMobilePayMock({
    appId: APP_ID,
    appSecret: keys.MOCK_MOBILE_PAY_APP_SECRET!,
    orgPublicKey: keys.MOCK_MOBILE_PAY_ORG_PUBLIC_KEY!,
    platformPrivateKey: keys.MOCK_MOBILE_PAY_PLATFORM_PRIVATE_KEY!,
    orgCode: ORG_CODE,
    sm2UserIdMode: o.sm2UserIdMode ?? 'appSecret',
    timestampFormat: o.timestampFormat ?? 'ms',
    notifyUrl,
    notifyAttempts: o.notifyAttempts ?? 1,
    notifyRetryDelayMs: 50,
  });
  const { app, faults } = createMockApp({ platforms: [mock] });
  const server = createServer(app.callback());
  const port = await listen(server);
  const mockUrl = `http://127.0.0.1:${port}`;
  const baseUrl = `${mockUrl}/mobile-pay`;

  const makeClient = (over: Partial<MobilePayClientOptions> = {}) =>
    new MobilePayClient({
      baseUrl,
      psnInfoUrl: `${baseUrl}/fsi/api/rsfComIfsService/callService`,
      appId: APP_ID,
      appSecret: keys.MOBILE_PAY_APP_SECRET!,
      orgCode: ORG_CODE,
      orgPrivateKey: keys.MOBILE_PAY_ORG_PRIVATE_KEY!,
      platformPublicKey: keys.MOBILE_PAY_PLATFORM_PUBLIC_KEY!,
      sm2UserIdMode: o.clientSm2UserIdMode ?? o.sm2UserIdMode ?? 'appSecret',
      timestampFormat: o.timestampFormat ?? 'ms',
      notifyMaxAgeSeconds: 300,
      timeoutMs: 2000,
      backoffMs: 20,
      onEvent: (e) => events.push(e),
      ...o.client,
      ...over,
    });
  client = makeClient();

  return {
    mock,
    faults,
    client,
    baseUrl,
    mockUrl,
    notifyUrl,
    received,
    events,
    keys,
    makeClient,
    fault: (f) => {
      faults.add({ platform: 'mobile-pay', ...f });
    },
    async waitForNotifies(n, timeoutMs = 4000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      return received.slice();
    },
    async close() {
      await mock.notifier.idle();
      server.closeAllConnections();
      receiver.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => receiver.close(r))]);
    },
  };
}

export interface Line {
  /** cls: catalog class for the test's own expectation ('A' 甲, 'B' 乙, 'SELF' 丙). */
  item: { code: string; priceFen: number; cls?: string };
  cnt: number;
}

let seq = 0;
/** A 6201 request for a demo person with the given lines. */
export function feeUpload(h: Harness, psnNo: string, credential: { payAuthNo: string } | { ecToken: string }, lines: Line[], over: Partial<FeeUploadRequest> = {}): FeeUploadRequest {
  const p = h.mock.state.persons.get(psnNo)!;
  seq += 1;
  const now = new Date();
  const feedetailList = lines.map((l, i) => ({
    feedetlSn: `FD${seq}-${i + 1}`,
    rxno: `RX${seq}`,
    medListCodg: l.item.code,
    medinsListCodg: `H-${l.item.code.slice(-6)}`,
    detItemFeeSumamtFen: l.item.priceFen * l.cnt,
    cnt: l.cnt,
    pricFen: l.item.priceFen,
    bilgDeptCodg: 'A03',
    bilgDrCodg: 'D640100000001',
    feeOcurTime: now,
  }));
  return {
    credential,
    psnNo,
    insutype: p.insutype,
    insuCode: p.insuplcAdmdvs,
    medOrgOrd: `MO${Date.now()}${seq}`,
    begntime: now,
    idNo: p.idNo,
    userName: p.name,
    iptOtpNo: `MZ${seq}`,
    atddrNo: 'D640100000001',
    deptCode: 'A03',
    deptName: '心血管内科',
    caty: 'A03',
    medType: '11',
    feeType: '01',
    medfeeSumamtFen: feedetailList.reduce((s, f) => s + f.detItemFeeSumamtFen, 0),
    acctUsedFlag: true,
    chrgBchno: `CB${seq}`,
    diseinfoList: [{ diagType: '1', diagSrtNo: '1', diagCode: 'I10.x00', diagName: '高血压' }],
    feedetailList,
    ...over,
  };
}

export function identity(h: Harness, psnNo: string): { idNo: string; userName: string } {
  const p = h.mock.state.persons.get(psnNo)!;
  return { idNo: p.idNo, userName: p.name };
}

/** Expect a promise to fail with a PlatformError and return it. */
export async function platformErrorOf(p: Promise<unknown>): Promise<PlatformError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PlatformError) return e;
    throw e;
  }
  throw new Error('expected a PlatformError, the call succeeded');
}
