/**
 * What seed 002 does not say and the hall needs, per catalog item (业务办理项序号): a stable
 * code, a plain title, category and audience, how the hall offers it (online form / query page /
 * guide / offline), the form's field specs and cross-field rules, which materials a personal
 * promise may replace (承诺制, /work/shared/domain/self-service.md), conditional materials the
 * catalog describes in words (non-local residents, newborns without household registration,
 * agents), and where offline items are handled. This is DATA: `generate.ts` merges it with the
 * parsed catalog into data/selfServiceItems.json; no code exists per item.
 *
 * Materials are addressed by their position in the catalog's list (m1, m2, …); extra materials
 * get their own codes. Online, the paper forms (《…登记表》《…申请表》) are the form itself
 * (providedByForm) and, for filings, the identity comes from the verified 就诊人 (the national
 * channels do not ask for an ID copy either).
 */
import type { FormFieldSpecInput, FormRule, MaterialSpecInput, SelfServiceAudience, SelfServiceCategory, SelfServiceMode, RemoteFilingKind, QueryPage } from '@ih/contract';

export interface ItemOverlay {
  code: string;
  title: string;
  category: SelfServiceCategory;
  audience: SelfServiceAudience;
  mode: SelfServiceMode;
  /** The catalog states notes once per 子项; 'own' keeps only this row's notes. Default 'inherit'. */
  notes?: 'own' | 'inherit';
  materials?: Record<string, Partial<MaterialSpecInput>>;
  extraMaterials?: MaterialSpecInput[];
  /** Material codes not asked for (the catalog's generic line is replaced by extraMaterials). */
  dropMaterials?: string[];
  form?: FormFieldSpecInput[];
  rules?: FormRule[];
  offline?: { where: string; how?: string };
  guide?: { text: string; capability?: string };
  queryPage?: QueryPage;
  filingKind?: RemoteFilingKind;
  recognizesDisease?: boolean;
  applicantLabel?: string;
  /** Disease choices: categories of the disease catalog (data/diseases.json) or fixed codes. */
  diseaseOptions?: { categories?: string[]; codes?: string[] };
  sort?: number;
}

// ── shared pieces (data) ─────────────────────────────────────────────────────────────────────
const WINDOW = '参保地医保经办机构服务窗口';
const UNIT_WINDOW = { where: '参保单位经办人到参保地医保经办机构服务窗口办理', how: '该事项由参保单位办理，个人无需在线申请' };
const INSTITUTION_WINDOW = { where: '医药机构向统筹地区医保经办机构提交', how: '该事项由定点医药机构办理，个人无需申请' };
const NOT_ONLINE_YET = '本平台暂未开通在线办理，请携带下列材料到参保地医保经办机构服务窗口办理';

const PROMISE_TEXT =
  '本人承诺：以上所填信息及所述情况真实、准确、完整，本人已知晓相关医保政策；如有虚假，本人愿意承担由此产生的一切法律责任，并退还违规享受的医保待遇。';

const NINGXIA_CITIES = [
  { value: '640100', label: '银川市' },
  { value: '640200', label: '石嘴山市' },
  { value: '640300', label: '吴忠市' },
  { value: '640400', label: '固原市' },
  { value: '640500', label: '中卫市' },
];
const INSUTYPES = [
  { value: '310', label: '职工基本医疗保险' },
  { value: '390', label: '城乡居民基本医疗保险' },
];

const phone: FormFieldSpecInput = { key: 'phone', label: '联系电话', type: 'phone', sensitive: true, help: '办理进度有变化时经办机构可能与您联系' };
const identityOnline: Partial<MaterialSpecInput> = { providedByForm: true, required: true, description: '线上办理时使用已实名核验的就诊人身份信息，无需上传' };
const tableOnline: Partial<MaterialSpecInput> = { providedByForm: true, required: true, description: '线上填写本页表单即视为填写登记表，无需另行上传' };
const idUpload: Partial<MaterialSpecInput> = { required: true, description: '上传身份证人像面和国徽面照片（或社会保障卡正面照片）', maxFiles: 4 };
const bankCard: Partial<MaterialSpecInput> = {
  required: true,
  description: '上传已开通金融功能的社会保障卡正面照片；未开通金融功能的，上传本人身份证及银行卡照片',
  maxFiles: 4,
};

const filingFields = (opts: { kind: RemoteFilingKind; temporary: boolean; extra: FormFieldSpecInput[] }): FormFieldSpecInput[] => [
  { key: 'insutype', label: '参保险种', type: 'select', options: INSUTYPES },
  { key: 'place', label: '就医地', type: 'region', regionLevel: 'city', help: '备案到地市一级（直辖市选择本市）；同一时间只能备案一个就医地' },
  {
    key: 'startDate', label: '备案开始日期', type: 'date',
    dateMin: { offsetDays: -90 }, dateMinMessage: '备案开始日期最早可选 90 天前（已出院并自费结算的费用，请备案后到参保地经办机构手工报销）',
    dateMax: { offsetDays: 180 }, dateMaxMessage: '备案开始日期不能晚于 180 天后',
    help: '出院结算前补办备案的，开始日期可早于今天，医院可直接结算',
  },
  ...(opts.temporary
    ? [{
        key: 'endDate', label: '备案结束日期', type: 'date' as const,
        dateMax: { field: 'startDate', offsetMonths: 12 }, dateMaxMessage: '备案有效期最长 12 个月，请重新选择结束日期',
        help: opts.kind === 'REFERRAL' ? '转诊备案有效期以参保地规定为准（最长 12 个月），期内可多次就医' : '临时外出备案有效期原则上不少于 6 个月，期内可多次就医',
      }]
    : []),
  ...opts.extra,
  phone,
];

const filingRules = (temporary: boolean, kind: RemoteFilingKind): FormRule[] =>
  temporary
    ? [
        { kind: 'dateOrder', start: 'startDate', end: 'endDate', message: '备案结束日期不能早于开始日期' },
        ...(kind === 'TEMPORARY_TRIP' ? [{ kind: 'minSpanMonths' as const, start: 'startDate', end: 'endDate', months: 6, message: '临时外出就医备案有效期原则上不少于 6 个月，请延后结束日期' }] : []),
      ]
    : [];

const REFUND_BANK_FIELDS: FormFieldSpecInput[] = [
  { key: 'accountHolder', label: '收款人姓名', type: 'name', sensitive: true, help: '须与银行账户户名一致（参保人死亡的，填写继承人姓名）' },
  { key: 'bankName', label: '开户银行', type: 'bankName', placeholder: '如 中国工商银行银川分行' },
  { key: 'bankAccount', label: '银行卡号', type: 'bankAccount', sensitive: true, placeholder: '16–19 位数字' },
];

// ── per item (业务办理项序号 → overlay) ───────────────────────────────────────────────────────
export const OVERLAY: Record<number, ItemOverlay> = {
  1: { code: 'unit-enrollment', title: '单位参保登记', category: 'unit', audience: 'unit', mode: 'offline', offline: UNIT_WINDOW },
  2: { code: 'employee-enrollment', title: '职工参保登记', category: 'unit', audience: 'unit', mode: 'offline', offline: UNIT_WINDOW },
  3: { code: 'employee-suspend', title: '职工暂停参保', category: 'unit', audience: 'unit', mode: 'offline', offline: UNIT_WINDOW },
  4: { code: 'employee-resume', title: '职工恢复参保', category: 'unit', audience: 'unit', mode: 'offline', offline: UNIT_WINDOW },
  5: {
    code: 'flexible-enrollment', title: '灵活就业人员参保登记', category: 'enrollment', audience: 'person', mode: 'online', sort: 10,
    materials: { m1: { ...idUpload, name: '参保人员有效身份证件或社会保障卡' } },
    form: [
      { key: 'admdvs', label: '参保地', type: 'select', options: NINGXIA_CITIES, help: '灵活就业人员在户籍地或居住证所在地参保' },
      { key: 'hukou', label: '户籍', type: 'radio', options: [{ value: 'LOCAL', label: '宁夏户籍' }, { value: 'NON_LOCAL', label: '外省户籍（持宁夏居住证）' }] },
      { key: 'address', label: '现居住地址', type: 'text', maxLength: 100 },
      { key: 'startMonth', label: '参保起始年月', type: 'date', dateMin: { offsetDays: -31 }, dateMinMessage: '参保起始日期不能早于一个月前', dateMax: { offsetDays: 92 }, dateMaxMessage: '参保起始日期不能晚于三个月后', help: '选择该月任意一天即可，按月缴费' },
      phone,
    ],
    extraMaterials: [{ code: 'residence_permit', name: '宁夏居住证', required: true, showIf: { field: 'hukou', in: ['NON_LOCAL'] }, description: '非宁夏户籍的，按居住证地址建立医保关系' }],
  },
  6: {
    code: 'flexible-suspend', title: '灵活就业人员暂停参保', category: 'enrollment', audience: 'person', mode: 'offline', notes: 'own',
    offline: { where: WINDOW, how: '需在医保经办窗口线下办理退费手续（见备注）' },
  },
  7: { code: 'flexible-resume', title: '灵活就业人员恢复参保', category: 'enrollment', audience: 'person', mode: 'offline', notes: 'own', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  8: {
    code: 'resident-enrollment', title: '城乡居民参保登记', category: 'enrollment', audience: 'person', mode: 'online', sort: 11,
    dropMaterials: ['m1'],
    form: [
      {
        key: 'hukou', label: '户籍情况', type: 'select',
        options: [
          { value: 'LOCAL', label: '宁夏户籍' },
          { value: 'OTHER_PROVINCE', label: '外省户籍' },
          { value: 'HMT', label: '港澳台居民' },
          { value: 'FOREIGN', label: '外国人' },
        ],
      },
      {
        key: 'hasResidencePermit', label: '是否持有宁夏居住证', type: 'radio', options: [{ value: 'YES', label: '是' }, { value: 'NO', label: '否' }],
        showIf: { field: 'hukou', in: ['OTHER_PROVINCE', 'HMT', 'FOREIGN'] },
      },
      { key: 'admdvs', label: '参保地', type: 'select', options: NINGXIA_CITIES, help: '宁夏户籍按户籍地参保；非宁夏户籍按居住证地址参保' },
      { key: 'address', label: '户籍或居住证地址', type: 'text', maxLength: 100 },
      phone,
    ],
    rules: [
      { kind: 'mustEqual', field: 'hasResidencePermit', value: 'YES', when: { field: 'hukou', in: ['OTHER_PROVINCE', 'HMT', 'FOREIGN'] }, message: '非宁夏户籍的城乡居民须持有宁夏居住证，按居住证地址参保；请先办理居住证' },
    ],
    extraMaterials: [
      { code: 'hukou_book', name: '户口簿', required: true, showIf: { field: 'hukou', in: ['LOCAL'] }, description: '户口簿首页和本人页' },
      { code: 'id_or_hukou', name: '户口簿或身份证', required: true, showIf: { field: 'hukou', in: ['OTHER_PROVINCE'] } },
      { code: 'passport', name: '本人护照', required: true, showIf: { field: 'hukou', in: ['HMT'] } },
      { code: 'foreign_permit', name: '中华人民共和国外国人永久居留证', required: true, showIf: { field: 'hukou', in: ['FOREIGN'] } },
      { code: 'residence_permit', name: '宁夏居住证', required: true, showIf: { field: 'hukou', in: ['OTHER_PROVINCE', 'HMT', 'FOREIGN'] } },
    ],
  },
  9: {
    code: 'newborn-enrollment', title: '新生儿参保登记', category: 'enrollment', audience: 'person', mode: 'online', sort: 12,
    applicantLabel: '新生儿的父亲或母亲',
    dropMaterials: ['m1'],
    form: [
      { key: 'babyName', label: '新生儿姓名', type: 'name', sensitive: true },
      { key: 'babyGender', label: '新生儿性别', type: 'radio', options: [{ value: 'MALE', label: '男' }, { value: 'FEMALE', label: '女' }] },
      { key: 'birthDate', label: '出生日期', type: 'date', dateMin: { offsetDays: -1095 }, dateMinMessage: '新生儿参保登记适用于 3 周岁以下，请按城乡居民参保登记办理', dateMax: { offsetDays: 0 }, dateMaxMessage: '出生日期不能晚于今天' },
      { key: 'registered', label: '是否已落户（办理户籍登记）', type: 'radio', options: [{ value: 'YES', label: '已落户' }, { value: 'NO', label: '未落户' }] },
      { key: 'babyIdNumber', label: '新生儿身份证号码', type: 'idNumber', sensitive: true, showIf: { field: 'registered', in: ['YES'] } },
      { key: 'birthCertNo', label: '出生医学证明编号', type: 'text', maxLength: 20, showIf: { field: 'registered', in: ['NO'] }, help: '出生医学证明右上角的编号' },
      { key: 'relation', label: '办理人与新生儿关系', type: 'radio', options: [{ value: 'FATHER', label: '父亲' }, { value: 'MOTHER', label: '母亲' }] },
      { key: 'admdvs', label: '参保地', type: 'select', options: NINGXIA_CITIES },
      phone,
    ],
    extraMaterials: [
      { code: 'baby_hukou', name: '户口簿（新生儿页）', required: true, showIf: { field: 'registered', in: ['YES'] } },
      { code: 'parents_hukou', name: '父母户口簿', required: true, showIf: { field: 'registered', in: ['NO'] }, description: '未进行户籍登记的新生婴儿提供其父母户口簿' },
      { code: 'birth_certificate', name: '医学出生证明', required: true, showIf: { field: 'registered', in: ['NO'] } },
    ],
  },
  10: { code: 'resident-terminate', title: '城乡居民终止（暂停）参保', category: 'enrollment', audience: 'person', mode: 'offline', notes: 'own', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  11: { code: 'resident-resume', title: '城乡居民恢复参保', category: 'enrollment', audience: 'person', mode: 'offline', notes: 'own', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  12: { code: 'resident-special-identity', title: '城乡居民特殊人员身份信息维护', category: 'enrollment', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: '会同特殊身份认定部门联审后办理，需到窗口办理' } },
  13: { code: 'unit-change', title: '单位参保信息变更', category: 'unit', audience: 'unit', mode: 'offline', offline: UNIT_WINDOW },
  14: { code: 'employee-change', title: '职工参保信息变更', category: 'unit', audience: 'unit', mode: 'offline', offline: UNIT_WINDOW },
  15: { code: 'resident-change', title: '城乡居民参保信息变更', category: 'enrollment', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  16: { code: 'flexible-retire', title: '灵活就业人员在职转退休', category: 'enrollment', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: '需在医保经办窗口线下办理医疗保险退休手续' } },
  17: { code: 'employee-retire', title: '职工在职转退休', category: 'unit', audience: 'unit', mode: 'offline', offline: { where: '参保单位经办人到医保经办窗口办理', how: '需在医保经办窗口线下办理医疗保险退休手续' } },
  18: { code: 'unit-info-query', title: '参保单位参保信息查询', category: 'unit', audience: 'unit', mode: 'offline', offline: UNIT_WINDOW },
  19: { code: 'unit-certificate', title: '参保单位参保凭证打印', category: 'unit', audience: 'unit', mode: 'offline', offline: UNIT_WINDOW },
  20: { code: 'enrollment-query', title: '参保信息查询', category: 'query', audience: 'person', mode: 'query', queryPage: 'enrollment', notes: 'own', sort: 1 },
  21: { code: 'enrollment-certificate', title: '参保凭证打印', category: 'query', audience: 'person', mode: 'query', queryPage: 'certificate', notes: 'own', sort: 2 },
  22: { code: 'account-query', title: '个人账户查询', category: 'query', audience: 'person', mode: 'query', queryPage: 'account', notes: 'own', sort: 3 },
  23: { code: 'account-changes', title: '个人账户变动情况打印', category: 'query', audience: 'person', mode: 'query', queryPage: 'accountChanges', notes: 'own', sort: 4 },
  24: {
    code: 'account-withdrawal', title: '个人账户一次性支取', category: 'refund', audience: 'person', mode: 'online', sort: 31,
    applicantLabel: '参保人（已故参保人请选择其本人，由继承人代办）',
    materials: { m1: { ...bankCard, name: '参保人员社会保障卡（或身份证及银行卡）' } },
    form: [
      { key: 'reason', label: '支取原因', type: 'select', options: [{ value: 'DEATH', label: '参保人员死亡' }, { value: 'EMIGRATION', label: '出国（境）定居' }] },
      { key: 'byAgent', label: '是否代办', type: 'radio', options: [{ value: 'NO', label: '本人办理' }, { value: 'YES', label: '他人代办' }] },
      { key: 'agentName', label: '代办人姓名', type: 'name', sensitive: true, showIf: { field: 'byAgent', in: ['YES'] } },
      { key: 'agentIdNumber', label: '代办人身份证号码', type: 'idNumber', sensitive: true, showIf: { field: 'byAgent', in: ['YES'] } },
      ...REFUND_BANK_FIELDS,
      phone,
    ],
    rules: [{ kind: 'mustEqual', field: 'byAgent', value: 'YES', when: { field: 'reason', in: ['DEATH'] }, message: '参保人员死亡的，须由继承人代办，请选择“他人代办”' }],
    extraMaterials: [
      { code: 'death_certificate', name: '死亡证明', required: true, showIf: { field: 'reason', in: ['DEATH'] } },
      { code: 'emigration_proof', name: '出国（境）定居证明', required: true, showIf: { field: 'reason', in: ['EMIGRATION'] }, description: '护照及定居国（地区）的长期居留证明' },
      { code: 'agent_documents', name: '代办人身份证、银行卡复印件', required: true, showIf: { field: 'byAgent', in: ['YES'] } },
      { code: 'agent_promise', name: '个人承诺书（代办）', required: true, promiseAllowed: true, promiseText: PROMISE_TEXT, showIf: { field: 'byAgent', in: ['YES'] }, description: '代办业务须填写个人承诺书，可在线签署' },
    ],
  },
  25: {
    code: 'resident-refund', title: '城乡居民医保个人退费', category: 'refund', audience: 'person', mode: 'online', sort: 30,
    materials: {
      m1: { ...bankCard, name: '参保人员社会保障卡（或身份证及银行卡）' },
      m2: { required: true, name: '退费原因证明材料', description: '按退费原因提供：户口迁出证明、出国定居证明、重复参保证明、死亡证明或职工医保参保证明' },
      m3: tableOnline,
    },
    form: [
      {
        key: 'reason', label: '退费原因', type: 'select',
        options: [
          { value: 'MOVED_OUT', label: '户口迁至外省' },
          { value: 'EMIGRATION', label: '出国定居' },
          { value: 'DUPLICATE', label: '重复参保' },
          { value: 'DEATH', label: '参保人员死亡' },
          { value: 'EMPLOYEE', label: '参加职工医保' },
        ],
      },
      { key: 'premiumYear', label: '退费的医保年度', type: 'year', help: '只能退还尚未开始的医保年度已缴纳的保费' },
      ...REFUND_BANK_FIELDS,
      phone,
    ],
    rules: [{ kind: 'insuranceYearNotStarted', field: 'premiumYear', message: '该医保年度已经开始，不再办理城乡居民医保退费手续（下一医保年度开始前才能申请）' }],
  },
  26: { code: 'transfer-out-certificate', title: '出具医保关系转出参保凭证', category: 'transfer', audience: 'person', mode: 'offline', offline: { where: '转出地医保经办机构服务窗口', how: '由转出地经办机构受理；通过本平台申请转移接续时，经办机构之间通过平台传递信息，一般无需另行开具' } },
  27: {
    code: 'transfer-in', title: '医保关系转移接续（转入）', category: 'transfer', audience: 'person', mode: 'online', sort: 40,
    materials: { m1: { ...idUpload, name: '参保人员有效身份证件或社会保障卡' }, m2: tableOnline },
    form: [
      { key: 'fromPlace', label: '转出地', type: 'region', regionLevel: 'city', help: '原参保地（到地市一级）' },
      { key: 'fromInsutype', label: '原参保险种', type: 'select', options: INSUTYPES },
      { key: 'toAdmdvs', label: '转入地', type: 'select', options: NINGXIA_CITIES },
      { key: 'toInsutype', label: '转入险种', type: 'select', options: INSUTYPES },
      { key: 'lastPaidDate', label: '原参保地最后缴费日期', type: 'date', dateMax: { offsetDays: 0 }, dateMaxMessage: '最后缴费日期不能晚于今天', help: '中断缴费 3 个月（含）以内的，可按转入地规定补缴，不设待遇等待期' },
      phone,
    ],
    extraMaterials: [{ code: 'insured_certificate', name: '转出地《参保凭证》', required: false, description: '已在转出地开具的可上传；未开具的由经办机构通过平台传递信息' }],
  },
  28: { code: 'transfer-contact-letter', title: '出具转移接续联系函', category: 'transfer', audience: 'person', mode: 'offline', offline: { where: '转入地医保经办机构', how: '由经办机构在办理转移接续时生成并发出，个人无需申请' } },
  29: { code: 'transfer-out', title: '医保关系转出', category: 'transfer', audience: 'person', mode: 'offline', offline: { where: '转出地医保经办机构', how: '转出地经办机构收到《联系函》后办理，个人无需申请；可在转移接续申请中查看进度' } },
  30: {
    code: 'remote-filing-retired', title: '异地安置退休人员备案', category: 'remoteCare', audience: 'person', mode: 'online', filingKind: 'RETIRED_RESETTLED', sort: 20,
    materials: {
      m1: identityOnline, m2: tableOnline,
      m3: { required: true, promiseAllowed: true, promiseText: `${PROMISE_TEXT}本人已在就医地长期居住（异地安置）。`, name: '异地安置认定材料', description: '“户口簿首页”和本人“常住人口登记卡”，或签署个人承诺书' },
    },
    form: filingFields({ kind: 'RETIRED_RESETTLED', temporary: false, extra: [{ key: 'address', label: '安置地居住地址', type: 'text', maxLength: 100 }] }),
  },
  31: {
    code: 'remote-filing-residence', title: '异地长期居住人员备案', category: 'remoteCare', audience: 'person', mode: 'online', filingKind: 'LONG_TERM_RESIDENCE', sort: 21,
    materials: {
      m1: identityOnline, m2: tableOnline,
      m3: { required: true, promiseAllowed: true, promiseText: `${PROMISE_TEXT}本人在就医地长期居住。`, name: '长期居住认定材料', description: '居住证明（如居住证），或签署个人承诺书' },
    },
    form: filingFields({ kind: 'LONG_TERM_RESIDENCE', temporary: false, extra: [{ key: 'address', label: '就医地居住地址', type: 'text', maxLength: 100 }] }),
  },
  32: {
    code: 'remote-filing-work', title: '常驻异地工作人员备案', category: 'remoteCare', audience: 'person', mode: 'online', filingKind: 'WORKING_ELSEWHERE', sort: 22,
    materials: {
      m1: identityOnline, m2: tableOnline,
      m3: { required: true, promiseAllowed: true, promiseText: `${PROMISE_TEXT}本人常驻就医地工作。`, name: '异地工作证明材料', description: '参保地工作单位派出证明、异地工作单位证明、工作合同任选其一，或签署个人承诺书' },
    },
    form: filingFields({ kind: 'WORKING_ELSEWHERE', temporary: false, extra: [{ key: 'employer', label: '异地工作单位名称', type: 'text', maxLength: 60 }] }),
  },
  33: {
    code: 'remote-filing-temporary', title: '其他临时外出就医人员备案', category: 'remoteCare', audience: 'person', mode: 'online', filingKind: 'TEMPORARY_TRIP', sort: 23,
    materials: { m1: identityOnline, m2: tableOnline },
    form: filingFields({ kind: 'TEMPORARY_TRIP', temporary: true, extra: [] }),
    rules: filingRules(true, 'TEMPORARY_TRIP'),
  },
  34: {
    code: 'remote-filing-referral', title: '异地转诊人员备案', category: 'remoteCare', audience: 'person', mode: 'online', filingKind: 'REFERRAL', sort: 24,
    materials: { m1: identityOnline, m2: tableOnline, m3: { required: true, name: '转诊住院证明材料', description: '参保地规定的定点医疗机构开具的转诊住院证明（不能以承诺代替）' } },
    form: filingFields({
      kind: 'REFERRAL', temporary: true,
      extra: [
        { key: 'fromHospital', label: '转出医院', type: 'text', maxLength: 60, help: '参保地开具转诊证明的定点医疗机构' },
        { key: 'toHospital', label: '转入医院', type: 'text', maxLength: 60, required: false },
      ],
    }),
    rules: filingRules(true, 'REFERRAL'),
  },
  35: {
    code: 'chronic-recognition', title: '门诊慢特病待遇认定', category: 'chronicDisease', audience: 'person', mode: 'online', recognizesDisease: true, sort: 50,
    diseaseOptions: { categories: ['CHRONIC', 'SPECIAL_CHRONIC'] },
    materials: { m1: identityOnline, m2: tableOnline, m3: { required: true, name: '病历材料或检查材料', description: '按申请认定的病种提供：诊断证明、门诊或住院病历、检查检验报告等', maxFiles: 20 } },
    form: [
      { key: 'diseaseCode', label: '申请认定病种', type: 'disease' },
      { key: 'hospitalName', label: '诊断医院', type: 'text', maxLength: 60 },
      { key: 'diagnosisDate', label: '确诊日期', type: 'date', dateMax: { offsetDays: 0 }, dateMaxMessage: '确诊日期不能晚于今天', dateMin: { offsetDays: -36500 } },
      phone,
    ],
  },
  36: {
    code: 'two-diseases-recognition', title: '高血压、糖尿病“两病”认定', category: 'chronicDisease', audience: 'person', mode: 'online', recognizesDisease: true, sort: 51,
    diseaseOptions: { codes: ['I10.x00', 'E11.900'] },
    materials: { m1: identityOnline, m2: tableOnline, m3: { required: true, name: '病历材料或检查材料', description: '诊断证明、门诊病历或检查检验报告（血压、血糖记录）等', maxFiles: 20 } },
    form: [
      { key: 'diseaseCode', label: '申请认定病种', type: 'disease' },
      { key: 'hospitalName', label: '诊断医院', type: 'text', maxLength: 60, help: '乡镇卫生院可认定办结' },
      { key: 'diagnosisDate', label: '确诊日期', type: 'date', dateMax: { offsetDays: 0 }, dateMaxMessage: '确诊日期不能晚于今天', dateMin: { offsetDays: -36500 } },
      phone,
    ],
  },
  37: { code: 'reimburse-chronic', title: '门诊慢特病费用报销', category: 'reimbursement', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  38: { code: 'reimburse-inpatient', title: '住院费用报销', category: 'reimbursement', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  39: { code: 'reimburse-outpatient', title: '普通门诊统筹费用报销', category: 'reimbursement', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  40: { code: 'reimburse-dual-channel', title: '双通道药品费用报销', category: 'reimbursement', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  41: { code: 'reimburse-emergency-death', title: '急诊抢救留观72小时内死亡医疗费用报销', category: 'reimbursement', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  42: { code: 'maternity-outside', title: '区外生育住院医疗费支付', category: 'maternity', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: '本平台暂未开通在线办理；可到医保经办机构办理，或按备注所列的网上服务大厅办理' } },
  43: { code: 'maternity-family-planning', title: '计划生育医疗费支付', category: 'maternity', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  44: { code: 'maternity-allowance', title: '生育津贴待遇申领', category: 'maternity', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  45: { code: 'maternity-nursing-allowance', title: '男职工一次性生育护理补助金申领', category: 'maternity', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  46: { code: 'maternity-male-allowance', title: '男职工生育补助金申领', category: 'maternity', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  47: { code: 'aid-premium-refund', title: '救助对象个人缴费补贴差额退费', category: 'medicalAid', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  48: { code: 'aid-reimbursement', title: '医疗救助对象手工报销', category: 'medicalAid', audience: 'person', mode: 'offline', offline: { where: WINDOW, how: NOT_ONLINE_YET } },
  49: { code: 'institution-designation', title: '医疗机构申请定点协议管理', category: 'institution', audience: 'institution', mode: 'offline', offline: INSTITUTION_WINDOW },
  50: { code: 'institution-change', title: '定点医疗机构信息变更', category: 'institution', audience: 'institution', mode: 'offline', offline: INSTITUTION_WINDOW },
  51: { code: 'pharmacy-designation', title: '零售药店申请定点协议管理', category: 'institution', audience: 'institution', mode: 'offline', offline: INSTITUTION_WINDOW },
  52: { code: 'pharmacy-change', title: '定点零售药店信息变更', category: 'institution', audience: 'institution', mode: 'offline', offline: INSTITUTION_WINDOW },
  53: { code: 'institution-settlement', title: '定点医疗机构费用结算', category: 'institution', audience: 'institution', mode: 'offline', offline: INSTITUTION_WINDOW },
  54: { code: 'pharmacy-settlement', title: '定点零售药店费用结算', category: 'institution', audience: 'institution', mode: 'offline', offline: INSTITUTION_WINDOW },
  55: {
    code: 'voucher-application', title: '医保电子凭证申领', category: 'voucher', audience: 'person', mode: 'guide', sort: 60,
    guide: { text: '医保电子凭证通过国家医保服务平台 APP、微信或支付宝申领激活；在本平台可直接授权使用已激活的医保电子凭证。线下可由经办机构协助申领。', capability: 'voucher' },
    offline: { where: '医保经办机构服务窗口（协助申领）' },
  },
};
