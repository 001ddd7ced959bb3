import { PAGE_BACKGROUND, TAB_COLOR, TAB_SELECTED_COLOR } from './theme/colors';
import { MAIN_PAGES, SUBPACKAGES, TAB_PAGES } from './routes';

const tab = (pagePath: string, text: string, icon: string) => ({
  pagePath,
  text,
  iconPath: `assets/tabbar/${icon}.png`,
  selectedIconPath: `assets/tabbar/${icon}-active.png`,
});

export default defineAppConfig({
  // The first page is the launch page.
  pages: [
    MAIN_PAGES.home,
    MAIN_PAGES.consult,
    MAIN_PAGES.orders,
    MAIN_PAGES.mine,
    MAIN_PAGES.login,
    MAIN_PAGES.staffLogin,
    MAIN_PAGES.voucher,
    MAIN_PAGES.voucherResult,
    MAIN_PAGES.activation,
    MAIN_PAGES.voucherStatus,
    MAIN_PAGES.cashier,
    MAIN_PAGES.orderConfirm,
    MAIN_PAGES.payResult,
    MAIN_PAGES.orderDetail,
    MAIN_PAGES.orderRefund,
    MAIN_PAGES.addresses,
    MAIN_PAGES.addressEdit,
    MAIN_PAGES.patients,
    MAIN_PAGES.patientEdit,
  ],
  subPackages: Object.values(SUBPACKAGES).map(({ root, pages }) => ({ root, pages: Object.values(pages) })),
  // Download the consultation subpackage while the user looks at the home page.
  preloadRule: {
    [TAB_PAGES.home]: { network: 'all', packages: [SUBPACKAGES.consult.root] },
  },
  window: {
    backgroundTextStyle: 'dark',
    backgroundColor: PAGE_BACKGROUND,
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '互联网医院',
    navigationBarTextStyle: 'black',
  },
  tabBar: {
    color: TAB_COLOR,
    selectedColor: TAB_SELECTED_COLOR,
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      tab(TAB_PAGES.home, '首页', 'home'),
      tab(TAB_PAGES.consult, '问诊', 'consult'),
      tab(TAB_PAGES.orders, '订单', 'orders'),
      tab(TAB_PAGES.mine, '我的', 'mine'),
    ],
  },
});
