/**
 * WeChat mocks:
 *   /wechat            — open-platform login: GET /sns/jscode2session (code → openid/session_key/unionid).
 *   /wechat-insurance  — the insurance authorization exchange: POST /api/mipuserquery/userQuery/{partnerId}
 *                        (HMAC `god-portal-*` headers; authCode → pay_auth_no / family_pay_auth_no).
 *
 * Codes are minted by the mock (what wx.login and the insurance auth mini-program would hand the
 * client): programmatically through `state.mintLoginCode` / `state.mintAuthCode`, or over HTTP:
 *   POST /wechat/__mock/login-code            {openid? | account?}            → {code, openid}
 *   POST /wechat-insurance/__mock/auth-code   {openid, person? | idNumber?, family?} → {authCode, expiresAt}
 *
 * Response shapes: jscode2session as the real API (HTTP 200, text/plain JSON, errcode/errmsg).
 * userQuery: flat JSON `{code: 0, message, pay_auth_no, family_pay_auth_no, user_name, user_card_no}`
 * as seen in public integrations; the non-zero codes below are INF (not public) — see README block.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { MockContext, MockPlatform } from '../../app';
import { loadDemoDirectory, type DemoDirectory, type DemoPerson } from './demo';
import { createLocalInsuranceLink, PayAuthRefused, type InsuranceCenterLink } from './insurance-link';

export * from './insurance-link';
export { loadDemoDirectory } from './demo';

export const WECHAT_PLATFORM = 'wechat';
export const WECHAT_INSURANCE_PLATFORM = 'wechat-insurance';

/** Error codes of the insurance userQuery mock (INF: the real values are not public). */
export const USER_QUERY_CODES = {
  OK: 0,
  SIGNATURE_INVALID: 10001,
  TIMESTAMP_EXPIRED: 10002,
  PARTNER_UNKNOWN: 10003,
  REQUEST_REPLAYED: 10004,
  BAD_REQUEST: 10005,
  AUTH_CODE_INVALID: 20001,
  AUTH_CODE_EXPIRED: 20002,
  AUTH_CODE_USED: 20003,
  OPENID_MISMATCH: 20004,
  VOUCHER_NOT_ACTIVATED: 20005,
  NOT_INSURED: 20006,
  INSURANCE_SUSPENDED: 20007,
  FAMILY_NOT_BOUND: 20008,
  SYSTEM_ERROR: 50000,
} as const;

export interface WechatMockOptions {
  appId: string;
  appSecret: string;
  partnerId: string;
  partnerSecret: string;
  /** Mobile-pay center link for pay_auth_no (defaults to a local stand-in). */
  insurance?: InsuranceCenterLink;
  directory?: DemoDirectory;
  loginCodeTtlSeconds?: number;
  authCodeTtlSeconds?: number;
  payAuthTtlSeconds?: number;
  /** Allowed clock difference of god-portal-timestamp (ms). */
  maxClockSkewMs?: number;
}

interface LoginCode {
  openid: string;
  expiresAt: number;
  used: boolean;
}
interface AuthCode {
  openid: string;
  person: string;
  family: boolean;
  expiresAt: number;
  used: boolean;
}
interface Session {
  openid: string;
  sessionKey: string;
  unionid: string;
}

export interface MintAuthCodeInput {
  openid: string;
  /** Demo person key (demo.json people[].key) … */
  person?: string;
  psnKey?: string;
  /** … or the person's ID number. Default: the account holder of the openid. */
  idNumber?: string;
  family?: boolean;
}

export class WechatState {
  readonly loginCodes = new Map<string, LoginCode>();
  readonly authCodes = new Map<string, AuthCode>();
  readonly sessions = new Map<string, Session>();
  readonly seenRequestIds = new Map<string, number>();
  readonly insurance: InsuranceCenterLink;

  constructor(
    readonly directory: DemoDirectory,
    insurance: InsuranceCenterLink | undefined,
    private readonly ttl: { login: number; auth: number; payAuth: number },
  ) {
    this.insurance =
      insurance ?? createLocalInsuranceLink((psnNo) => [...directory.people.values()].find((p) => p.psnNo === psnNo)?.insuplcAdmdvs);
  }

  reset(): void {
    this.loginCodes.clear();
    this.authCodes.clear();
    this.sessions.clear();
    this.seenRequestIds.clear();
  }

  /** What wx.login would return for this openid (a new random openid when none is given). */
  mintLoginCode(openid?: string): { code: string; openid: string } {
    const id = openid ?? `mock_openid_${randomBytes(9).toString('base64url')}`;
    const code = randomBytes(16).toString('hex');
    this.loginCodes.set(code, { openid: id, expiresAt: Date.now() + this.ttl.login * 1000, used: false });
    return { code, openid: id };
  }

  /** What the insurance auth mini-program would return (referrerInfo.extraData.authCode). */
  mintAuthCode(input: MintAuthCodeInput): { authCode: string; expiresAt: number } {
    if (!input.openid) throw new Error('openid is required');
    const account = this.directory.byOpenid(input.openid);
    let person: DemoPerson | undefined;
    const key = input.person ?? input.psnKey;
    if (key) person = this.directory.people.get(key);
    else if (input.idNumber) person = this.directory.byIdNumber(input.idNumber);
    else if (account?.self) person = this.directory.people.get(account.self);
    if (!person) throw new Error('unknown person (give person/psnKey or idNumber of a demo person)');
    const family = input.family === true;
    if (family) {
      if (!account?.self) throw new Error('family authorization needs an account holder');
      if (account.self === person.key || !account.relations[person.key]) throw new Error('no family link between the account holder and this person');
    }
    const authCode = String(randomInt18());
    const expiresAt = Date.now() + this.ttl.auth * 1000;
    this.authCodes.set(authCode, { openid: input.openid, person: person.key, family, expiresAt, used: false });
    return { authCode, expiresAt };
  }

  payAuthTtlSeconds(): number {
    return this.ttl.payAuth;
  }
}

/** 18-digit numeric code like the public sample ("384188081113592029"). */
function randomInt18(): string {
  const b = randomBytes(8).readBigUInt64BE() % 10n ** 17n;
  return `${1 + (Number(b % 9n))}${String(b).padStart(17, '0')}`;
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

export function godPortalSignature(partnerSecret: string, partnerId: string, timestamp: string): string {
  return createHmac('sha256', partnerSecret).update(partnerId + timestamp, 'utf8').digest('hex');
}

export interface WechatMocks {
  wechat: MockPlatform;
  insurance: MockPlatform;
  state: WechatState;
}

export function createWechatMocks(opts: WechatMockOptions): WechatMocks {
  const directory = opts.directory ?? loadDemoDirectory();
  const state = new WechatState(directory, opts.insurance, {
    login: opts.loginCodeTtlSeconds ?? 300,
    auth: opts.authCodeTtlSeconds ?? 300,
    payAuth: opts.payAuthTtlSeconds ?? 300,
  });
  const maxSkew = opts.maxClockSkewMs ?? 5 * 60_000;

  const wechat: MockPlatform = {
    name: WECHAT_PLATFORM,
    prefix: '/wechat',
    describe: '微信开放接口（jscode2session 登录）；POST /wechat/__mock/login-code 铸造登录 code',
    reset: () => state.reset(),
    routes(router: Router, ctx: MockContext) {
      router.get('/sns/jscode2session', (c) => {
        const q = c.query as Record<string, string | undefined>;
        const rid = randomBytes(6).toString('hex');
        const answer = (body: Record<string, unknown>) => {
          c.status = 200;
          c.type = 'text/plain';
          c.body = JSON.stringify(body);
        };
        const fail = (errcode: number, errmsg: string) => answer({ errcode, errmsg: `${errmsg}, rid: ${rid}` });
        const injected = ctx.faults.take(WECHAT_PLATFORM, '/sns/jscode2session', ['platform_error']);
        if (injected) return fail(Number(injected.params.code ?? -1), String(injected.params.message ?? 'system error'));
        if (q.appid !== opts.appId) return fail(40013, 'invalid appid');
        if (q.secret !== opts.appSecret) return fail(40125, 'invalid appsecret');
        if (q.grant_type !== 'authorization_code') return fail(40002, 'invalid grant_type');
        if (!q.js_code) return fail(41008, 'missing code');
        const entry = state.loginCodes.get(q.js_code);
        if (!entry || entry.expiresAt < Date.now()) return fail(40029, 'invalid code');
        if (entry.used) return fail(40163, 'code been used');
        entry.used = true;
        let session = state.sessions.get(entry.openid);
        if (!session) {
          session = { openid: entry.openid, sessionKey: randomBytes(16).toString('base64'), unionid: `mock_union_${entry.openid}` };
          state.sessions.set(entry.openid, session);
        }
        answer({ session_key: session.sessionKey, openid: session.openid, unionid: session.unionid });
      });

      router.post('/__mock/login-code', (c) => {
        const body = (c.request.body ?? {}) as { openid?: string; account?: string };
        let openid = body.openid;
        if (!openid && body.account) openid = directory.accounts.get(body.account)?.openid;
        if (body.account && !openid) {
          c.status = 404;
          c.body = { error: 'unknown demo account' };
          return;
        }
        c.body = state.mintLoginCode(openid);
        c.status = 201;
      });
    },
  };

  const insurance: MockPlatform = {
    name: WECHAT_INSURANCE_PLATFORM,
    prefix: '/wechat-insurance',
    describe: '微信医保授权查询（mipuserquery/userQuery，god-portal HMAC）；POST /wechat-insurance/__mock/auth-code 铸造 authCode',
    reset: () => state.reset(),
    routes(router: Router, ctx: MockContext) {
      router.post('/api/mipuserquery/userQuery/:partnerId', (c) => {
        const reply = (httpStatus: number, code: number, message: string, extra: Record<string, unknown> = {}) => {
          c.status = httpStatus;
          c.body = { code, message, ...extra };
        };
        const partnerId = c.params.partnerId ?? '';
        const ts = c.get('god-portal-timestamp');
        const requestId = c.get('god-portal-request-id');
        const signature = c.get('god-portal-signature');
        if (partnerId !== opts.partnerId) return reply(403, USER_QUERY_CODES.PARTNER_UNKNOWN, 'partner not found');
        if (!ts || !signature || !requestId) return reply(401, USER_QUERY_CODES.SIGNATURE_INVALID, 'missing god-portal headers');
        if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > maxSkew) {
          return reply(401, USER_QUERY_CODES.TIMESTAMP_EXPIRED, 'timestamp expired');
        }
        if (!safeEqualHex(signature, godPortalSignature(opts.partnerSecret, partnerId, ts))) {
          return reply(401, USER_QUERY_CODES.SIGNATURE_INVALID, 'signature invalid');
        }
        for (const [id, at] of state.seenRequestIds) if (at < Date.now() - maxSkew) state.seenRequestIds.delete(id);
        if (state.seenRequestIds.has(requestId)) return reply(401, USER_QUERY_CODES.REQUEST_REPLAYED, 'request id replayed');
        state.seenRequestIds.set(requestId, Date.now());

        const injected = ctx.faults.take(WECHAT_INSURANCE_PLATFORM, '/api/mipuserquery/userQuery', ['platform_error']);
        if (injected) return reply(200, Number(injected.params.code ?? USER_QUERY_CODES.SYSTEM_ERROR), String(injected.params.message ?? 'system error'));

        const body = (c.request.body ?? {}) as { qrcode?: unknown; openid?: unknown };
        if (typeof body.qrcode !== 'string' || typeof body.openid !== 'string' || !body.qrcode || !body.openid) {
          return reply(200, USER_QUERY_CODES.BAD_REQUEST, 'qrcode and openid are required');
        }
        const entry = state.authCodes.get(body.qrcode);
        if (!entry) return reply(200, USER_QUERY_CODES.AUTH_CODE_INVALID, 'auth code invalid');
        if (entry.used) return reply(200, USER_QUERY_CODES.AUTH_CODE_USED, 'auth code used');
        if (entry.expiresAt < Date.now()) return reply(200, USER_QUERY_CODES.AUTH_CODE_EXPIRED, 'auth code expired');
        if (entry.openid !== body.openid) return reply(200, USER_QUERY_CODES.OPENID_MISMATCH, 'openid does not match the auth code');
        entry.used = true;

        // The voucher that authorizes is the card holder's: the person themself, or — for a family
        // (亲情) authorization — the account holder paying for a linked family member (who may have
        // no activated voucher of their own, e.g. a child).
        const person = directory.people.get(entry.person);
        const holderKey = entry.family ? directory.byOpenid(entry.openid)?.self : entry.person;
        const holder = holderKey ? directory.people.get(holderKey) : undefined;
        if (!person?.psnNo || !holder?.psnNo) return reply(200, USER_QUERY_CODES.NOT_INSURED, 'not insured');
        if (!holder.voucherActivated) return reply(200, USER_QUERY_CODES.VOUCHER_NOT_ACTIVATED, 'medical insurance e-voucher not activated');
        let grant;
        try {
          grant = state.insurance.issuePayAuthNo(holder.psnNo, {
            channel: 'wechat',
            openid: entry.openid,
            family: entry.family,
            ...(entry.family ? { forPsnNo: person.psnNo } : {}),
            ttlSeconds: state.payAuthTtlSeconds(),
          });
        } catch (e) {
          if (e instanceof PayAuthRefused && e.reason === 'VOUCHER_NOT_ACTIVATED') {
            return reply(200, USER_QUERY_CODES.VOUCHER_NOT_ACTIVATED, 'medical insurance e-voucher not activated');
          }
          if (e instanceof PayAuthRefused && e.reason === 'PERSON_UNKNOWN') return reply(200, USER_QUERY_CODES.NOT_INSURED, 'not insured');
          if (e instanceof PayAuthRefused && e.reason === 'SUSPENDED') return reply(200, USER_QUERY_CODES.INSURANCE_SUSPENDED, 'insurance payment suspended');
          if (e instanceof PayAuthRefused && e.reason === 'OTHER' && entry.family) return reply(200, USER_QUERY_CODES.FAMILY_NOT_BOUND, 'family link not bound');
          return reply(200, USER_QUERY_CODES.SYSTEM_ERROR, 'insurance platform error');
        }
        reply(200, USER_QUERY_CODES.OK, 'success', {
          pay_auth_no: entry.family ? '' : grant.payAuthNo,
          family_pay_auth_no: entry.family ? grant.payAuthNo : '',
          user_name: holder.name,
          user_card_no: holder.idNumber,
        });
      });

      router.post('/__mock/auth-code', (c) => {
        try {
          c.body = state.mintAuthCode((c.request.body ?? {}) as MintAuthCodeInput);
          c.status = 201;
        } catch (e) {
          c.status = 400;
          c.body = { error: (e as Error).message };
        }
      });
    },
  };

  return { wechat, insurance, state };
}

/** Builds the WeChat mocks from the environment (MOCK_WECHAT_* from the demo keys). */
export function wechatMocksFromEnv(env: NodeJS.ProcessEnv, insurance?: InsuranceCenterLink): WechatMocks {
  return createWechatMocks({
    appId: env.WECHAT_APP_ID ?? 'wxmock0000000001',
    appSecret: env.MOCK_WECHAT_APP_SECRET ?? env.WECHAT_APP_SECRET ?? 'mock-wechat-app-secret',
    partnerId: env.WECHAT_INSURANCE_PARTNER_ID ?? 'mock_partner_id',
    partnerSecret: env.MOCK_WECHAT_INSURANCE_PARTNER_SECRET ?? env.WECHAT_INSURANCE_PARTNER_SECRET ?? 'mock-wechat-partner-secret',
    insurance,
  });
}
