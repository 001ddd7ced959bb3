/**
 * Every page path of the app (without the leading '/'), in one place. app.config.ts builds
 * the page list and subpackages from these; test/routes.test.ts checks they agree.
 * Main package: the tab pages, sign-in/authorization and the cashier (payment must not wait for
 * a subpackage download). Features with their own weight live in subpackages.
 */
export const TAB_PAGES = {
  home: 'pages/index/index',
  consult: 'pages/consult/index',
  orders: 'pages/orders/index',
  mine: 'pages/mine/index',
} as const;

export const MAIN_PAGES = {
  ...TAB_PAGES,
  login: 'pages/auth/login/index',
  staffLogin: 'pages/auth/staff/index',
  voucher: 'pages/auth/voucher/index',
  // The e-voucher round trip ends here (also the national APP callback's target), before paying.
  voucherResult: 'pages/auth/voucher-result/index',
  activation: 'pages/auth/activation/index',
  voucherStatus: 'pages/auth/voucher-status/index',
  cashier: 'pages/cashier/index',
  // 就诊人 are chosen right before paying: main package.
  patients: 'pages/patients/index',
  patientEdit: 'pages/patients/edit/index',
} as const;

export const SUBPACKAGES = {
  // The re-visit flow: hospitals (entry) → departments → doctors (or by disease) → doctor → eligibility.
  consult: {
    root: 'packageConsult',
    pages: {
      revisit: 'pages/revisit/index',
      departments: 'pages/departments/index',
      doctors: 'pages/doctors/index',
      diseases: 'pages/diseases/index',
      doctor: 'pages/doctor/index',
      eligibility: 'pages/eligibility/index',
    },
  },
  selfService: { root: 'packageSelfService', pages: { hall: 'pages/index/index' } },
  doctor: { root: 'packageDoctor', pages: { workspace: 'pages/index/index' } },
} as const;

const sub = <K extends keyof typeof SUBPACKAGES>(k: K, page: string): string => `${SUBPACKAGES[k].root}/${page}`;

/** Absolute URLs for Taro.navigateTo / switchTab. */
export const URLS = {
  home: `/${TAB_PAGES.home}`,
  consult: `/${TAB_PAGES.consult}`,
  orders: `/${TAB_PAGES.orders}`,
  mine: `/${TAB_PAGES.mine}`,
  login: `/${MAIN_PAGES.login}`,
  staffLogin: `/${MAIN_PAGES.staffLogin}`,
  patients: `/${MAIN_PAGES.patients}`,
  patientEdit: `/${MAIN_PAGES.patientEdit}`,
  voucher: `/${MAIN_PAGES.voucher}`,
  voucherResult: `/${MAIN_PAGES.voucherResult}`,
  activation: `/${MAIN_PAGES.activation}`,
  voucherStatus: `/${MAIN_PAGES.voucherStatus}`,
  cashier: `/${MAIN_PAGES.cashier}`,
  revisit: `/${sub('consult', SUBPACKAGES.consult.pages.revisit)}`,
  revisitDepartments: `/${sub('consult', SUBPACKAGES.consult.pages.departments)}`,
  revisitDoctors: `/${sub('consult', SUBPACKAGES.consult.pages.doctors)}`,
  revisitDiseases: `/${sub('consult', SUBPACKAGES.consult.pages.diseases)}`,
  revisitDoctor: `/${sub('consult', SUBPACKAGES.consult.pages.doctor)}`,
  revisitEligibility: `/${sub('consult', SUBPACKAGES.consult.pages.eligibility)}`,
  selfService: `/${sub('selfService', SUBPACKAGES.selfService.pages.hall)}`,
  doctorWorkspace: `/${sub('doctor', SUBPACKAGES.doctor.pages.workspace)}`,
} as const;

const TAB_URLS: ReadonlySet<string> = new Set(Object.values(TAB_PAGES).map((p) => `/${p}`));

export function isTabUrl(url: string): boolean {
  return TAB_URLS.has(url.split('?')[0]!);
}
