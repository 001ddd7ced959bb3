/**
 * What each not-yet-built feature will do, shown on its landing page. Honest wording: it says
 * the feature is not available yet and what the user can do today; it never pretends to work.
 * The home entries' short titles and descriptions come from the BFF (GET /api/v1/meta).
 */
export type RoadmapKey = 'revisit' | 'voucher' | 'orders' | 'selfService' | 'doctorWorkspace' | 'login' | 'cashier';

export interface RoadmapItem {
  /** Page title (navigation bar). */
  title: string;
  /** One sentence: what it is. */
  lead: string;
  /** What the user will be able to do once it is live. */
  planned: string[];
  /** Limits the user should know in advance (rules), optional. */
  notes?: string[];
}

export const ROADMAP: Record<RoadmapKey, RoadmapItem> = {
  revisit: {
    title: '在线复诊',
    lead: '已在医院线下确诊的常见病、慢性病患者，可在线找原来的医生复诊、续开处方。',
    planned: [
      '选择医院、科室和医生，提交复诊申请并上传既往病历或检查报告',
      '与医生图文问诊，医生实名执业并开具电子处方',
      '处方经药师审核后，医保可报销部分由医保移动支付直接结算，您只需支付个人自付部分',
    ],
    notes: ['首次就诊须到医院线下就诊，互联网医院仅提供复诊服务', '药品配送费不属于医保支付范围，需自费'],
  },
  voucher: {
    title: '医保电子凭证授权',
    lead: '在线使用医保支付前，需要授权本服务使用您本人的医保电子凭证。',
    planned: [
      '在支付前一键跳转微信或支付宝的医保电子凭证授权，授权后返回本服务继续支付',
      '尚未激活医保电子凭证的，将引导您先完成激活',
      '取消授权不会产生任何扣费，订单保留为待支付',
    ],
    notes: ['授权仅限参保人本人使用，须与就诊人一致'],
  },
  orders: {
    title: '我的订单',
    lead: '在线复诊、处方和医保支付的订单将集中在这里。',
    planned: [
      '查看每笔订单的医保统筹支付、个人账户支付和现金支付金额',
      '查看支付结果与退款进度，处方整单退款',
      '查看药品配送状态',
    ],
  },
  selfService: {
    title: '医保服务大厅',
    lead: '常用医保经办事项将可在线办理，办理材料、时限和进度一目了然。',
    planned: [
      '异地就医备案（长期居住、临时外出等类型）',
      '参保登记、门诊慢特病待遇认定、个人账户查询等事项',
      '按“申请—受理—审核—办结”查看办理进度和按工作日计算的办结时限',
    ],
  },
  doctorWorkspace: {
    title: '医生工作台',
    lead: '供本院实名注册的医保医师处理在线复诊和处方。',
    planned: ['接诊复诊申请，查看患者既往就诊记录', '开具电子处方并电子签名，提交药师审核'],
    notes: ['仅对医院登记的医生账号开放，患者无需使用'],
  },
  login: {
    title: '登录',
    lead: '登录后可以查看订单、发起复诊和使用医保支付。',
    planned: ['使用微信或支付宝账号快捷登录', '添加就诊人（本人或家人）并完成实名认证'],
  },
  cashier: {
    title: '收银台',
    lead: '复诊处方的费用将在这里确认并支付。',
    planned: [
      '先展示医保预结算结果：医保统筹支付、个人账户支付和需自付的现金金额',
      '确认后完成医保移动支付，支付结果以医保平台的结算通知为准',
    ],
    notes: ['请勿重复支付：支付结果未明确时，请稍后在订单中查看'],
  },
};
