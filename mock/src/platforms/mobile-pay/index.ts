/**
 * Mock of the national insurance mobile-pay center (移动支付中心), mounted at /mobile-pay.
 *
 * Institution interfaces (POST, JSON, SM4/SM2 envelope both ways — see shared/domain/mobile-pay.md):
 *   /org/local/api/hos/uldFeeInfo        6201 费用明细上传
 *   /org/local/api/hos/pay_order         6202 支付下单
 *   /org/local/api/hos/refund_Order      6203 医保退费
 *   /org/local/api/hos/query_order_info  6301 结算结果查询
 *   /org/local/api/hos/revoke_order      6401 费用明细上传撤销
 *   /fsi/api/rsfComIfsService/callService  1101 人员信息获取 (FSI message {infno:"1101", input:{data}}
 *                                        inside the same envelope — INF: the real 1101 goes through
 *                                        the hospital's FSI front end; keep its URL configurable)
 * and the 6302 settlement notify it POSTs to the institution (notifier.ts).
 *
 * Every request: the envelope is opened with the institution's public key (signature, SM4 key from
 * appId/appSecret, timestamp window); a bad one is answered with a signed error (100001–100004).
 * Every answer: sealResponse signed with the platform's private key, `code` "0" or a non-"0" code
 * with a Chinese message (codes.ts). Business rules and state: state.ts; split rules: split.ts.
 *
 * Faults (FaultRegistry, platform "mobile-pay"): operation = the path (generic middleware) or the
 * interface number "6201" | "6202" | "6203" | "6301" | "6401" | "1101" | "6302" (notify).
 *   latency / timeout / http_error       generic (also with an interface number as operation);
 *                                        timeout [afterProcessing: true, holdMs] processes the request, then loses the answer
 *   platform_error [code, message]       answer a signed refusal before touching state
 *   bad_signature                        sign the answer with a wrong key
 *   wrong_amount [deltaFen, keepIdentity] change fundPay (and feeSumamt) in 6202/6301/6203 answers
 *   stale_timestamp [ageMs]              old timestamp on the answer
 *   notify_* / bad_signature / wrong_amount / stale_timestamp on "6302": see notifier.ts
 *
 * Admin (test/demo only, under the platform prefix):
 *   POST  /mobile-pay/__admin/pay-auth  {psnNo | idNo | wechatOpenId | alipayUserId, family?, forPsnNo?, ttlSeconds?, channel?}
 *         → {payAuthNo, expiresAt, psnNo, family}          (what the authorization channels mint)
 *   POST  /mobile-pay/__admin/ec-token  {psnNo} → {ecToken, expiresAt}
 *   POST  /mobile-pay/__admin/orders/:payOrdId/complete {fail?} → the user confirmed: settle + 6302
 *   GET   /mobile-pay/__admin/orders/:payOrdId            → order state (fen)
 *   GET   /mobile-pay/__admin/persons[/:psnNo]            → psnNo, insutype, 参保地, balance, flags (no names/IDs)
 *   PATCH /mobile-pay/__admin/persons/:psnNo {balanceFen?, suspended?, voucherActivated?}
 *   GET   /mobile-pay/__admin/notifies                    → 6302 delivery log (host/path, status, faults)
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import {
  DEFAULT_SM2_USER_ID,
  EnvelopeDecryptError,
  EnvelopeError,
  EnvelopeSignatureError,
  EnvelopeStaleError,
  type Envelope,
  Sm2PrivateKey,
  Sm2PublicKey,
  type TimestampFormat,
  openEnvelope,
  sealRequest,
  sealResponse,
} from '@ih/crypto';
import { fenToYuan, yuanToFen } from '@ih/contract';
import type { MockContext, MockPlatform } from '../../app';
import type { FaultKind } from '../../faults';
import { MP_CODES, MobilePayRefusal } from './codes';
import { SettlementNotifier } from './notifier';
import { type IssuePayAuthOptions, MobilePayCenterState, PayAuthRefused } from './state';

export { MP_CODES, MobilePayRefusal, ORD_STAS } from './codes';
export { MobilePayCenterState, PayAuthRefused } from './state';
export type { CenterPayOrder, IssuePayAuthOptions, MockPayOrder, PayAuthGrant, PayAuthInfo } from './state';
export { SettlementNotifier } from './notifier';
export { computeSplit, SERVICE_ITEMS, REIMBURSEMENT_BP, CLASS_B_SELF_PAY_BP } from './split';
export { generateMobilePayDemoKeys } from './keys';

export const MOBILE_PAY_PLATFORM = 'mobile-pay';
export const HOS_PATH = '/org/local/api/hos';
export const PSN_INFO_PATH = '/fsi/api/rsfComIfsService/callService';

export const INTERFACES: Record<string, string> = {
  uldFeeInfo: '6201',
  pay_order: '6202',
  refund_Order: '6203',
  query_order_info: '6301',
  revoke_order: '6401',
};

export interface MobilePayMockOptions {
  appId: string;
  appSecret: string;
  /** The institution's public key (verifies requests). */
  orgPublicKey: string;
  /** The platform's private key (signs answers and notifies). */
  platformPrivateKey: string;
  orgCode: string;
  /** SM2 user id: 'appSecret' (default, the Java demo) or 'default' (1234567812345678). */
  sm2UserIdMode?: 'appSecret' | 'default';
  timestampFormat?: TimestampFormat;
  /** Requests older/newer than this are refused as replays (default 300 s). */
  requestMaxAgeMs?: number;
  /** Where 6302 goes when the order names no notifyUrl. */
  notifyUrl?: string;
  notifyAttempts?: number;
  notifyRetryDelayMs?: number;
  payAuthTtlSeconds?: number;
  demoJsonPath?: string;
  now?: () => number;
}

export interface MobilePayMock extends MockPlatform {
  state: MobilePayCenterState;
  notifier: SettlementNotifier;
  options: MobilePayMockOptions;
  /** Back to the demo data: persons and balances from the seed, no authorizations, no orders. */
  reset(): void;
}

/** The mock's options from the environment; undefined when its keys are missing (platform not started). */
export function mobilePayOptionsFromEnv(env: NodeJS.ProcessEnv): MobilePayMockOptions | undefined {
  const appSecret = env.MOCK_MOBILE_PAY_APP_SECRET;
  const orgPublicKey = env.MOCK_MOBILE_PAY_ORG_PUBLIC_KEY;
  const platformPrivateKey = env.MOCK_MOBILE_PAY_PLATFORM_PRIVATE_KEY;
  if (!appSecret || !orgPublicKey || !platformPrivateKey) return undefined;
  const tsf = env.MOCK_MOBILE_PAY_TIMESTAMP_FORMAT;
  return {
    appId: env.MOCK_MOBILE_PAY_APP_ID ?? env.MOBILE_PAY_APP_ID ?? 'mock_mobile_pay_app_id',
    appSecret,
    orgPublicKey,
    platformPrivateKey,
    orgCode: env.MOCK_MOBILE_PAY_ORG_CODE ?? env.MOBILE_PAY_ORG_CODE ?? 'H00000000001',
    sm2UserIdMode: env.MOCK_MOBILE_PAY_SM2_USER_ID_MODE === 'default' ? 'default' : 'appSecret',
    timestampFormat: tsf === 'yyyyMMddHHmmss' ? 'yyyyMMddHHmmss' : 'ms',
    notifyUrl: env.MOCK_MOBILE_PAY_NOTIFY_URL ?? `http://127.0.0.1:${env.PORT ?? '3000'}/api/v1/callbacks/mobile-pay/settlement`,
    ...(env.MOCK_MOBILE_PAY_NOTIFY_RETRY_MS ? { notifyRetryDelayMs: Number(env.MOCK_MOBILE_PAY_NOTIFY_RETRY_MS) } : {}),
  };
}

type Data = Record<string, unknown>;

function bodyOf(ctx: Context): unknown {
  const b = (ctx.request as unknown as { body?: unknown }).body;
  if (typeof b === 'string') {
    try {
      return JSON.parse(b) as unknown;
    } catch {
      return undefined;
    }
  }
  return b;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createMobilePayMock(options: MobilePayMockOptions): MobilePayMock {
  const platformKey = Sm2PrivateKey.from(options.platformPrivateKey);
  const orgKey = Sm2PublicKey.from(options.orgPublicKey).precompute();
  const wrongKey = Sm2PrivateKey.generate();
  const userId = options.sm2UserIdMode === 'default' ? DEFAULT_SM2_USER_ID : options.appSecret;
  const now = options.now ?? Date.now;
  const baseSeal = { appId: options.appId, appSecret: options.appSecret, sm2UserId: userId, ...(options.timestampFormat ? { timestampFormat: options.timestampFormat } : {}) };

  const notifier = new SettlementNotifier({
    seal: (data, o) => sealRequest(data, { ...baseSeal, privateKey: o.badKey ? wrongKey : platformKey, now: () => now() - (o.ageMs ?? 0) }),
    ...(options.notifyUrl ? { defaultUrl: options.notifyUrl } : {}),
    ...(options.notifyAttempts !== undefined ? { attempts: options.notifyAttempts } : {}),
    ...(options.notifyRetryDelayMs !== undefined ? { retryDelayMs: options.notifyRetryDelayMs } : {}),
  });
  const state = new MobilePayCenterState({
    orgCode: options.orgCode,
    ...(options.demoJsonPath ? { demoJsonPath: options.demoJsonPath } : {}),
    ...(options.payAuthTtlSeconds !== undefined ? { payAuthTtlSeconds: options.payAuthTtlSeconds } : {}),
    now,
    onSettled: (o) => notifier.send(o.payOrdId, state.notifyData(o), o.notifyUrl),
  });

  let faultsRef: MockContext['faults'] | undefined;
  const take = (op: string, kinds: readonly FaultKind[]) => faultsRef?.take(MOBILE_PAY_PLATFORM, op, kinds);

  /** Seals and sends an answer, applying the answer faults of the operation. */
  function reply(ctx: Context, op: string, data: Data | null, status: { code: string; message: string; success: boolean }) {
    let body = data;
    const wrong = status.success && body ? take(op, ['wrong_amount']) : undefined;
    if (wrong && body) {
      const delta = Number(wrong.params.deltaFen ?? 1);
      const bump = (field: string) => {
        if (typeof body![field] === 'string') body![field] = fenToYuan(yuanToFen(body![field] as string) + delta);
      };
      body = { ...body };
      if (op === '6203') bump('fundRefdAmt');
      else bump('fundPay');
      if (wrong.params.keepIdentity) bump(op === '6203' ? 'totlRefdAmt' : 'feeSumamt');
    }
    const bad = take(op, ['bad_signature']);
    const stale = take(op, ['stale_timestamp']);
    const ageMs = stale ? Number(stale.params.ageMs ?? 3600_000) : 0;
    ctx.status = 200;
    ctx.type = 'application/json';
    ctx.body = sealResponse(body ?? undefined, status, { ...baseSeal, privateKey: bad ? wrongKey : platformKey, now: () => now() - ageMs }) as Envelope;
  }

  async function handle(ctx: Context, op: string, fn: (data: Data) => Data | null) {
    // Generic faults addressed by interface number (path-addressed ones ran in the middleware).
    const latency = take(op, ['latency']);
    if (latency) await sleep(Number(latency.params.ms ?? 1000));
    const timeout = take(op, ['timeout']);
    // [afterProcessing: true]: the center DOES the work, then the answer is lost (the hard case:
    // the caller must find out by querying, never by sending again).
    const lostAnswer = timeout?.params.afterProcessing === true;
    if (timeout && !lostAnswer) {
      await sleep(Number(process.env.MOCK_TIMEOUT_HOLD_MS ?? 120_000));
      ctx.status = 504;
      return;
    }
    const httpError = take(op, ['http_error']);
    if (httpError) {
      ctx.status = Number(httpError.params.status ?? 503);
      ctx.body = 'Service Unavailable (injected)';
      return;
    }
    let data: Data;
    try {
      const opened = openEnvelope<unknown>(bodyOf(ctx), {
        appId: options.appId,
        appSecret: options.appSecret,
        publicKey: orgKey,
        sm2UserId: userId,
        maxAgeMs: options.requestMaxAgeMs ?? 300_000,
        ...(options.timestampFormat ? { timestampFormat: options.timestampFormat } : {}),
        now,
      });
      if (typeof opened.data !== 'object' || opened.data === null || Array.isArray(opened.data)) {
        return reply(ctx, op, null, { code: MP_CODES.PARAM_INVALID, message: '业务参数[data]不能为空', success: false });
      }
      data = opened.data as Data;
    } catch (e) {
      if (!(e instanceof EnvelopeError)) throw e;
      const code =
        e instanceof EnvelopeSignatureError ? MP_CODES.SIGNATURE_INVALID : e instanceof EnvelopeStaleError ? MP_CODES.TIMESTAMP_STALE : e instanceof EnvelopeDecryptError ? MP_CODES.DECRYPT_FAILED : MP_CODES.ENVELOPE_MALFORMED;
      const message =
        code === MP_CODES.SIGNATURE_INVALID ? '验签失败' : code === MP_CODES.TIMESTAMP_STALE ? '请求时间戳超出允许范围' : code === MP_CODES.DECRYPT_FAILED ? '报文解密失败' : '报文格式错误';
      return reply(ctx, op, null, { code, message, success: false });
    }
    const injected = take(op, ['platform_error']);
    if (injected) {
      return reply(ctx, op, null, { code: String(injected.params.code ?? MP_CODES.SYSTEM_BUSY), message: String(injected.params.message ?? '系统繁忙，请稍后重试'), success: false });
    }
    try {
      const out = fn(data);
      if (lostAnswer) {
        await sleep(Number(timeout!.params.holdMs ?? process.env.MOCK_TIMEOUT_HOLD_MS ?? 120_000));
        ctx.status = 504;
        return;
      }
      return reply(ctx, op, out, { code: MP_CODES.OK, message: '成功', success: true });
    } catch (e) {
      if (e instanceof MobilePayRefusal) return reply(ctx, op, null, { code: e.code, message: e.message, success: false });
      throw e;
    }
  }

  const platform: MobilePayMock = {
    name: MOBILE_PAY_PLATFORM,
    prefix: '/mobile-pay',
    describe: '国家医保移动支付中心（6201/6202/6203/6301/6401、6302 通知、1101 人员信息），SM4/SM2 报文',
    state,
    notifier,
    options,
    reset() {
      state.reset();
      notifier.reset();
    },
    routes(router: Router, ctx: MockContext) {
      faultsRef = ctx.faults;
      notifier.faults = ctx.faults;
      const handlers: Record<string, (d: Data) => Data | null> = {
        '6201': (d) => state.uploadFee(d),
        '6202': (d) => state.payOrder(d),
        '6203': (d) => state.refund(d),
        '6301': (d) => state.queryOrder(d),
        '6401': (d) => state.revokeOrder(d),
      };
      for (const [name, op] of Object.entries(INTERFACES)) {
        router.post(`${HOS_PATH}/${name}`, (c) => handle(c, op, handlers[op]!));
      }
      router.post(PSN_INFO_PATH, (c) => handle(c, '1101', (d) => state.personInfo(d)));

      // ── admin (tests, demo, and the other mocks over HTTP) ──
      const bad = (c: Context, status: number, error: string) => {
        c.status = status;
        c.body = { error };
      };
      router.post('/__admin/pay-auth', (c) => {
        const b = (bodyOf(c) ?? {}) as { psnNo?: string; idNo?: string; wechatOpenId?: string; alipayUserId?: string } & IssuePayAuthOptions;
        const q = { ...(b.psnNo ? { psnNo: b.psnNo } : {}), ...(b.idNo ? { idNo: b.idNo } : {}), ...(b.wechatOpenId ? { wechatOpenId: b.wechatOpenId } : {}), ...(b.alipayUserId ? { alipayUserId: b.alipayUserId } : {}) };
        const person = state.findPerson(q);
        if (!person) return bad(c, 404, 'PERSON_UNKNOWN');
        try {
          const grant = state.issuePayAuthNo(person.psnNo, {
            channel: typeof b.channel === 'string' ? b.channel : 'admin',
            ...(b.family !== undefined ? { family: b.family === true } : {}),
            ...(typeof b.forPsnNo === 'string' ? { forPsnNo: b.forPsnNo } : {}),
            ...(typeof b.ttlSeconds === 'number' ? { ttlSeconds: b.ttlSeconds } : {}),
          });
          c.status = 201;
          c.body = grant;
        } catch (e) {
          if (e instanceof PayAuthRefused) return bad(c, 409, e.reason);
          throw e;
        }
      });
      router.post('/__admin/ec-token', (c) => {
        const b = (bodyOf(c) ?? {}) as { psnNo?: string };
        try {
          const g = state.issueEcToken(String(b.psnNo ?? ''));
          c.status = 201;
          c.body = { ecToken: g.payAuthNo, expiresAt: g.expiresAt, psnNo: g.psnNo };
        } catch (e) {
          if (e instanceof PayAuthRefused) return bad(c, e.reason === 'PERSON_UNKNOWN' ? 404 : 409, e.reason);
          throw e;
        }
      });
      router.post('/__admin/orders/:payOrdId/complete', (c) => {
        const b = (bodyOf(c) ?? {}) as { fail?: boolean };
        try {
          const o = state.settlePayOrder(c.params.payOrdId!, { fail: b.fail === true });
          c.body = state.getPayOrder(o.payOrdId);
        } catch (e) {
          if (e instanceof MobilePayRefusal) return bad(c, e.code === MP_CODES.ORDER_NOT_FOUND ? 404 : 409, e.message);
          throw e;
        }
      });
      router.get('/__admin/orders/:payOrdId', (c) => {
        const o = state.getPayOrder(c.params.payOrdId!);
        if (!o) return bad(c, 404, 'ORDER_NOT_FOUND');
        const { payAuthNo: _hidden, ...rest } = o;
        c.body = rest;
      });
      const personView = (p: NonNullable<ReturnType<MobilePayCenterState['findPerson']>>) => ({
        psnNo: p.psnNo,
        insutype: p.insutype,
        insuplcAdmdvs: p.insuplcAdmdvs,
        balanceFen: p.balanceFen,
        voucherActivated: p.voucherActivated,
        suspended: p.suspended,
        familyPsnNos: [...p.familyPsnNos],
      });
      router.get('/__admin/persons', (c) => {
        c.body = [...state.persons.values()].map(personView);
      });
      router.get('/__admin/persons/:psnNo', (c) => {
        const p = state.persons.get(c.params.psnNo!);
        if (!p) return bad(c, 404, 'PERSON_UNKNOWN');
        c.body = personView(p);
      });
      router.patch('/__admin/persons/:psnNo', (c) => {
        const p = state.persons.get(c.params.psnNo!);
        if (!p) return bad(c, 404, 'PERSON_UNKNOWN');
        const b = (bodyOf(c) ?? {}) as { balanceFen?: unknown; suspended?: unknown; voucherActivated?: unknown };
        if (b.balanceFen !== undefined) {
          if (!Number.isSafeInteger(b.balanceFen) || (b.balanceFen as number) < 0) return bad(c, 400, 'balanceFen must be a non-negative integer');
          p.balanceFen = b.balanceFen as number;
        }
        if (typeof b.suspended === 'boolean') p.suspended = b.suspended;
        if (typeof b.voucherActivated === 'boolean') p.voucherActivated = b.voucherActivated;
        c.body = personView(p);
      });
      router.get('/__admin/notifies', (c) => {
        c.body = notifier.deliveries;
      });
    },
  };
  return platform;
}
