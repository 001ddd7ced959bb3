import {
  ACTIVATION_CHANNELS,
  ERROR_CATALOG,
  VOUCHER_SELF_PAY_CODES,
  VoucherResultSchema,
  WechatVoucherRequestSchema,
  NationalAppVoucherStartRequestSchema,
  insutypeLabel,
  isSafeReturnTo,
} from '../src';

describe('voucher contract', () => {
  it('labels insurance types as users know them', () => {
    expect(insutypeLabel('310')).toBe('职工医保');
    expect(insutypeLabel('390')).toBe('城乡居民医保');
    expect(insutypeLabel('510')).toBe('其他险种');
    expect(insutypeLabel(null)).toBe('未知险种');
  });

  it('accepts only relative H5 routes as return targets', () => {
    expect(isSafeReturnTo('/pages/cashier/index?orderId=abc')).toBe(true);
    expect(isSafeReturnTo('/pages/mine/index')).toBe(true);
    for (const bad of ['https://evil.example.com/pages/x', '//evil.example.com/pages/x', '/pages//evil', 'javascript:alert(1)', '/api/v1/x', '/pages/a?x=<b>']) {
      expect(isSafeReturnTo(bad)).toBe(false);
    }
    expect(NationalAppVoucherStartRequestSchema.safeParse({ purpose: 'PAYMENT', returnTo: 'https://evil.example.com' }).success).toBe(false);
  });

  it('treats a missing WeChat authCode as allowed input (the BFF answers cancelled)', () => {
    expect(WechatVoucherRequestSchema.parse({ purpose: 'PAYMENT' })).toEqual({ purpose: 'PAYMENT' });
    expect(WechatVoucherRequestSchema.safeParse({ purpose: 'PAY' }).success).toBe(false);
  });

  it('never has a field for pay_auth_no in any result', () => {
    const authorized = {
      status: 'authorized', channel: 'WECHAT', purpose: 'PAYMENT', orderId: null,
      identity: { patientId: 'p', relationship: 'SELF', nameMasked: '张*国', idType: 'ID_CARD', idNumberMasked: '640***********0131' },
      insured: null, family: null, authorizedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:05:00.000Z',
      payAuthNo: 'AUTH640100…',
    };
    const parsed = VoucherResultSchema.parse(authorized);
    expect(JSON.stringify(parsed)).not.toContain('AUTH640100');
  });

  it('every self-pay code is a catalog code; activation guide covers the seed 004 channels', () => {
    for (const c of VOUCHER_SELF_PAY_CODES) expect(ERROR_CATALOG[c]).toBeDefined();
    expect(ACTIVATION_CHANNELS.map((c) => c.name)).toEqual(['国家医保服务平台 APP', '微信', '支付宝', '合作银行手机银行 APP']);
    for (const c of ACTIVATION_CHANNELS) expect(c.steps.length).toBeGreaterThanOrEqual(3);
  });
});
