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
  // Orders and payment (main package: paying must not wait for a subpackage download).
  // Confirm (?orderId= | ?prescriptionId=) → e-voucher → cashier (?orderId=) → result (?orderId=).
  orderConfirm: 'pages/orders/confirm/index',
  payResult: 'pages/orders/result/index',
  orderDetail: 'pages/orders/detail/index',
  orderRefund: 'pages/orders/refund/index',
  // Delivery addresses (?select=1 picks one for an order); edit (?id=).
  addresses: 'pages/addresses/index',
  addressEdit: 'pages/addresses/edit/index',
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
      // After the eligibility check: condition, images, confirm → the consultation is created (?doctorId=&patientId=…).
      describe: 'pages/describe/index',
      // The consultation room (?id=): messages, status, prescription cards.
      room: 'pages/room/index',
      // The patient's approved prescription (?id=) → 去支付.
      prescription: 'pages/prescription/index',
    },
  },
  // 医保服务大厅: hall → item (?code=) → form (?code=) → review (?code=) → my application (?id=);
  // my applications, remote-care filings, notifications, queries (?page=enrollment|account|…).
  selfService: {
    root: 'packageSelfService',
    pages: {
      hall: 'pages/index/index',
      item: 'pages/item/index',
      apply: 'pages/apply/index',
      review: 'pages/review/index',
      applications: 'pages/applications/index',
      application: 'pages/application/index',
      filings: 'pages/filings/index',
      notifications: 'pages/notifications/index',
      query: 'pages/query/index',
    },
  },
  // Doctor and pharmacist workspace: home (queues), a consultation (?id=), a prescription review (?id=).
  doctor: {
    root: 'packageDoctor',
    pages: { workspace: 'pages/index/index', consultation: 'pages/consultation/index', review: 'pages/review/index' },
  },
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
  orderConfirm: `/${MAIN_PAGES.orderConfirm}`,
  payResult: `/${MAIN_PAGES.payResult}`,
  orderDetail: `/${MAIN_PAGES.orderDetail}`,
  orderRefund: `/${MAIN_PAGES.orderRefund}`,
  addresses: `/${MAIN_PAGES.addresses}`,
  addressEdit: `/${MAIN_PAGES.addressEdit}`,
  revisit: `/${sub('consult', SUBPACKAGES.consult.pages.revisit)}`,
  revisitDepartments: `/${sub('consult', SUBPACKAGES.consult.pages.departments)}`,
  revisitDoctors: `/${sub('consult', SUBPACKAGES.consult.pages.doctors)}`,
  revisitDiseases: `/${sub('consult', SUBPACKAGES.consult.pages.diseases)}`,
  revisitDoctor: `/${sub('consult', SUBPACKAGES.consult.pages.doctor)}`,
  revisitEligibility: `/${sub('consult', SUBPACKAGES.consult.pages.eligibility)}`,
  consultDescribe: `/${sub('consult', SUBPACKAGES.consult.pages.describe)}`,
  consultRoom: `/${sub('consult', SUBPACKAGES.consult.pages.room)}`,
  selfService: `/${sub('selfService', SUBPACKAGES.selfService.pages.hall)}`,
  selfServiceItem: `/${sub('selfService', SUBPACKAGES.selfService.pages.item)}`,
  selfServiceApply: `/${sub('selfService', SUBPACKAGES.selfService.pages.apply)}`,
  selfServiceReview: `/${sub('selfService', SUBPACKAGES.selfService.pages.review)}`,
  selfServiceApplications: `/${sub('selfService', SUBPACKAGES.selfService.pages.applications)}`,
  selfServiceApplication: `/${sub('selfService', SUBPACKAGES.selfService.pages.application)}`,
  selfServiceFilings: `/${sub('selfService', SUBPACKAGES.selfService.pages.filings)}`,
  notifications: `/${sub('selfService', SUBPACKAGES.selfService.pages.notifications)}`,
  selfServiceQuery: `/${sub('selfService', SUBPACKAGES.selfService.pages.query)}`,
  doctorWorkspace: `/${sub('doctor', SUBPACKAGES.doctor.pages.workspace)}`,
  doctorConsultation: `/${sub('doctor', SUBPACKAGES.doctor.pages.consultation)}`,
  prescriptionReview: `/${sub('doctor', SUBPACKAGES.doctor.pages.review)}`,
  prescription: `/${sub('consult', SUBPACKAGES.consult.pages.prescription)}`,
} as const;

const TAB_URLS: ReadonlySet<string> = new Set(Object.values(TAB_PAGES).map((p) => `/${p}`));

export function isTabUrl(url: string): boolean {
  return TAB_URLS.has(url.split('?')[0]!);
}
