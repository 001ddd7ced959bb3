import {
  ID_CARD_MESSAGES,
  PatientCreateSchema,
  PatientUpdateSchema,
  ageOn,
  idCardCheckChar,
  idCardFacts,
  idCardProblem,
  idNumberError,
  maskCertificate,
  nameError,
  normalizeMobile,
  patientFormErrors,
  phoneError,
  type PatientForm,
} from '../src';

/** A valid 18-digit number for a region, birth date and sequence. */
function makeId(region: string, ymd: string, seq: string): string {
  const first17 = `${region}${ymd}${seq}`;
  return first17 + idCardCheckChar(first17);
}

const NOW = new Date('2026-11-22T04:00:00Z');

describe('resident ID numbers', () => {
  it('accepts valid numbers, including an X check character in either case', () => {
    expect(idCardProblem('640104196803150131', NOW)).toBeNull();
    expect(idCardProblem('64040219720530088X', NOW)).toBeNull();
    expect(idNumberError('ID_CARD', ' 64040219720530088x ', NOW)).toBeNull();
  });

  it('computes the ISO 7064 MOD 11-2 check character', () => {
    expect(idCardCheckChar('64010419680315013')).toBe('1');
    expect(idCardCheckChar('64040219720530088')).toBe('X');
  });

  it('refuses a wrong check character', () => {
    expect(idCardProblem('640104196803150132', NOW)).toBe('checksum');
    expect(idNumberError('ID_CARD', '640104196803150132', NOW)).toBe(ID_CARD_MESSAGES.checksum);
  });

  it('refuses 15-digit numbers with their own message', () => {
    expect(idCardProblem('640104680315013', NOW)).toBe('fifteen_digits');
    expect(idNumberError('ID_CARD', '640104680315013', NOW)).toContain('15 位旧版身份证号码已停止使用');
  });

  it('refuses impossible or future birth dates', () => {
    expect(idCardProblem(makeId('640104', '19680230', '013'), NOW)).toBe('birth_date');
    expect(idCardProblem(makeId('640104', '18991231', '013'), NOW)).toBe('birth_date');
    expect(idCardProblem(makeId('640104', '20261123', '013'), NOW)).toBe('birth_date');
    expect(idCardProblem(makeId('640104', '20261122', '013'), NOW)).toBeNull();
  });

  it('refuses an unknown region (validator zh-CN)', () => {
    expect(idCardProblem(makeId('990104', '19680315', '013'), NOW)).toBe('region');
    expect(idNumberError('ID_CARD', makeId('990104', '19680315', '013'), NOW)).toBe(ID_CARD_MESSAGES.region);
  });

  it('refuses other shapes', () => {
    for (const bad of ['64010419680315013', '6401041968031501311', '64010419680315013A', 'abc']) {
      expect(idCardProblem(bad, NOW)).toBe('format');
    }
    expect(idNumberError('ID_CARD', '   ', NOW)).toBe('请填写证件号码');
  });

  it('reads birth date and gender from the number', () => {
    expect(idCardFacts('640104196803150131')).toEqual({ birthDate: '1968-03-15', gender: 'MALE' });
    expect(idCardFacts('640104194508020247')).toEqual({ birthDate: '1945-08-02', gender: 'FEMALE' });
  });
});

describe('other certificates', () => {
  it.each([
    ['HK_MACAO_PERMIT', 'H12345678', 'X1234567'],
    ['TAIWAN_PERMIT', '12345678', '1234567'],
    ['PASSPORT', 'E12345678', 'E1'],
    ['FOREIGN_PERMANENT_RESIDENT', 'USA680315001234', 'US6803150012'],
  ] as const)('%s: %s is valid, %s is not', (type, good, bad) => {
    expect(idNumberError(type, good, NOW)).toBeNull();
    expect(idNumberError(type, bad, NOW)).toMatch(/应为/);
  });

  it('checks the 2023 foreign permanent resident number like a resident ID', () => {
    const first17 = '91101119800101001';
    expect(idNumberError('FOREIGN_PERMANENT_RESIDENT', first17 + idCardCheckChar(first17), NOW)).toBeNull();
    const wrong = idCardCheckChar(first17) === '1' ? '2' : '1';
    expect(idNumberError('FOREIGN_PERMANENT_RESIDENT', first17 + wrong, NOW)).not.toBeNull();
  });
});

describe('names and phones', () => {
  it('accepts Chinese names, names with a middle dot, and Latin names', () => {
    expect(nameError('张三')).toBeNull();
    expect(nameError('阿卜杜热合曼•买买提')).toBeNull();
    expect(nameError('John Smith')).toBeNull();
  });

  it('refuses empty, one-character, digit and symbol names', () => {
    expect(nameError(' ')).toBe('请填写姓名');
    expect(nameError('张')).toBe('姓名至少 2 个字');
    expect(nameError('张3')).toMatch(/只能包含/);
    expect(nameError('·张三')).toMatch(/开头和结尾/);
    expect(nameError('张'.repeat(51))).toMatch(/不能超过/);
  });

  it('accepts mainland mobiles with +86 and separators, refuses others', () => {
    expect(normalizeMobile('+86 138-0000-0001')).toBe('13800000001');
    expect(phoneError('+86 138-0000-0001')).toBeNull();
    expect(phoneError('12800000001')).toMatch(/大陆手机号码/);
    expect(phoneError('1380000000')).toMatch(/大陆手机号码/);
    expect(phoneError('')).toBe('请填写手机号码');
  });

  it('computes the age in China', () => {
    expect(ageOn('1968-03-15', NOW)).toBe(58);
    expect(ageOn('2000-11-22', NOW)).toBe(26);
    expect(ageOn('2000-11-23', NOW)).toBe(25);
  });
});

describe('PatientCreateSchema', () => {
  const valid: PatientForm = { name: ' 李秀英 ', idType: 'ID_CARD', idNumber: '640104194508020247', phone: '138 0000 0002', relationship: 'PARENT' };

  it('normalizes a valid form and derives birth date and gender', () => {
    expect(PatientCreateSchema.parse(valid)).toEqual({
      name: '李秀英',
      idType: 'ID_CARD',
      idNumber: '640104194508020247',
      phone: '13800000002',
      relationship: 'PARENT',
      isDefault: false,
      birthDate: '1945-08-02',
      gender: 'FEMALE',
    });
  });

  it('reports every bad field at once, each with its Chinese message', () => {
    const errors = patientFormErrors({ name: '', idType: 'ID_CARD', idNumber: '640104194508020248', phone: '123', relationship: '' });
    expect(errors).toEqual({
      name: '请填写姓名',
      idNumber: ID_CARD_MESSAGES.checksum,
      phone: '请填写 11 位中国大陆手机号码（1 开头）',
      relationship: '请选择与您的关系',
    });
  });

  it('refuses SELF: the own identity comes from the e-voucher', () => {
    expect(patientFormErrors({ ...valid, relationship: 'SELF' }).relationship).toMatch(/医保电子凭证/);
  });

  it('needs birth date and gender for certificates other than the resident ID', () => {
    const passport = { ...valid, idType: 'PASSPORT' as const, idNumber: 'E12345678' };
    expect(patientFormErrors(passport)).toEqual({ birthDate: '请选择出生日期', gender: '请选择性别' });
    expect(patientFormErrors({ ...passport, birthDate: '1980-02-30', gender: 'MALE' })).toEqual({ birthDate: expect.stringMatching(/出生日期不正确/) });
    const ok = PatientCreateSchema.parse({ ...passport, birthDate: '1980-02-28', gender: 'MALE' });
    expect(ok).toMatchObject({ idNumber: 'E12345678', birthDate: '1980-02-28', gender: 'MALE' });
  });

  it('refuses unknown fields', () => {
    expect(patientFormErrors({ ...valid, psnNo: 'x' } as PatientForm)).toEqual({ _: expect.stringContaining('psnNo') });
  });
});

describe('PatientUpdateSchema', () => {
  it('takes partial changes and refuses certificate changes, SELF, and empty bodies', () => {
    expect(PatientUpdateSchema.parse({ phone: '13800000009' })).toEqual({ phone: '13800000009' });
    expect(PatientUpdateSchema.safeParse({ idNumber: '640104194508020247' }).error?.issues[0]?.message).toMatch(/证件类型和号码不能修改/);
    expect(PatientUpdateSchema.safeParse({ relationship: 'SELF' }).success).toBe(false);
    expect(PatientUpdateSchema.safeParse({}).error?.issues[0]?.message).toBe('没有需要修改的内容');
  });
});

describe('maskCertificate', () => {
  it('masks resident IDs like maskIdNo and short certificates harder', () => {
    expect(maskCertificate('ID_CARD', '640104196803150131')).toBe('640***********0131');
    expect(maskCertificate('PASSPORT', 'e12345678')).toBe('E******78');
    expect(maskCertificate('HK_MACAO_PERMIT', 'H1234')).toBe('*****');
  });
});
