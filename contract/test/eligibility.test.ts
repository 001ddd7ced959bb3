import {
  DoctorListQuerySchema,
  ELIGIBILITY_REASONS,
  ELIGIBILITY_REASON_CODES,
  EligibilityReasonSchema,
  eligibilityOutcome,
  eligibilityReason,
  formatWorkingHours,
  sortReasons,
} from '../src';

describe('eligibility reasons', () => {
  it('every code has a Chinese title, explanation and suggestion, and at least one action', () => {
    for (const code of ELIGIBILITY_REASON_CODES) {
      const r = eligibilityReason(code, { diagnosisName: '高血压', hospitalName: '某医院', doctorName: '张三' });
      expect(EligibilityReasonSchema.parse(r)).toEqual(r);
      for (const text of [r.title, r.message, r.suggestion]) expect(text).toMatch(/[\u4e00-\u9fff]/);
      expect(r.actions.length).toBeGreaterThan(0);
      expect(r.effect).toBe(ELIGIBILITY_REASONS[code].effect);
    }
  });

  it('puts the facts into the explanation', () => {
    const r = eligibilityReason('REVISIT_WINDOW_EXPIRED', { diagnosisName: '2型糖尿病', visitDate: '2026-05-06', daysSinceVisit: 200, windowDays: 90 });
    expect(r.message).toContain('2026-05-06');
    expect(r.message).toContain('200 天');
    expect(r.message).toContain('90 天以内');
    expect(eligibilityReason('NOT_REVISIT', { notRevisitCause: 'diagnosis_not_in_visit', diagnosisName: '痛风' }).message).toContain('痛风');
    expect(eligibilityReason('DOCTOR_SUSPENDED', { doctorName: '雷振华', suspendedReason: '核查期间暂停' }).message).toContain('（核查期间暂停）');
  });

  it('decides canConsult and insurance from the effects', () => {
    const r = (code: (typeof ELIGIBILITY_REASON_CODES)[number]) => eligibilityReason(code);
    expect(eligibilityOutcome([])).toEqual({ canConsult: true, insurance: 'covered' });
    expect(eligibilityOutcome([r('VOUCHER_NOT_ACTIVATED')])).toEqual({ canConsult: true, insurance: 'covered' });
    expect(eligibilityOutcome([r('DISEASE_NOT_COVERED')])).toEqual({ canConsult: true, insurance: 'self_pay' });
    expect(eligibilityOutcome([r('NOT_REVISIT')])).toEqual({ canConsult: false, insurance: 'self_pay' });
    expect(eligibilityOutcome([r('HOSPITAL_NOT_LIVE'), r('DOCTOR_NOT_QUALIFIED')])).toEqual({ canConsult: false, insurance: 'self_pay' });
  });

  it('sorts refusals first, then self-pay, then notices, keeping the order within each', () => {
    const list = [eligibilityReason('VOUCHER_NOT_ACTIVATED'), eligibilityReason('HOSPITAL_NOT_LIVE'), eligibilityReason('NOT_REVISIT'), eligibilityReason('DOCTOR_SUSPENDED'), eligibilityReason('DOCTOR_NOT_QUALIFIED')];
    expect(sortReasons(list).map((x) => x.code)).toEqual(['NOT_REVISIT', 'DOCTOR_NOT_QUALIFIED', 'HOSPITAL_NOT_LIVE', 'DOCTOR_SUSPENDED', 'VOUCHER_NOT_ACTIVATED']);
  });
});

describe('catalog helpers', () => {
  it('formats working hours in weekday order, and says when none are published', () => {
    expect(formatWorkingHours([{ weekday: 3, start: '14:00', end: '17:30' }, { weekday: 1, start: '08:30', end: '12:00' }])).toBe('周一 08:30–12:00；周三 14:00–17:30');
    expect(formatWorkingHours(null)).toBe('出诊时间以医院排班为准');
  });

  it('parses list queries: empty filters are no filters, booleans from strings, bad ids refused', () => {
    expect(DoctorListQuerySchema.parse({ keyword: '  ', hospitalId: '', insuranceOnly: '1' })).toEqual({ page: 1, pageSize: 20, keyword: undefined, hospitalId: undefined, insuranceOnly: true });
    expect(DoctorListQuerySchema.safeParse({ hospitalId: 'x' }).success).toBe(false);
    expect(DoctorListQuerySchema.safeParse({ available: 'yes' }).success).toBe(false);
    expect(DoctorListQuerySchema.safeParse({ pageSize: '101' }).success).toBe(false);
  });
});
