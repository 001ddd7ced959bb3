/**
 * Prescription limits are data (settings rows), not constants: every city/hospital sets its own.
 * Defaults follow the national rules where the Tongchuan measures are silent:
 *   rx_max_days_chronic   84  长期处方管理规范（试行）: chronic/special chronic re-visits up to 12 weeks
 *   rx_max_days_common    28  common diseases: at most 4 weeks online (hospitals may lower it to 7)
 *   rx_max_quantity_item  60  selling units of one drug on one prescription
 *   rx_valid_hours        72  处方管理办法 §18: valid on the day, at most 3 days
 */
import type { DiseaseCategory } from '@ih/contract';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import { settingInt } from '../../lib/settings';

export const RX_SETTINGS = {
  maxDaysChronic: { key: 'rx_max_days_chronic', fallback: 84, range: { min: 1, max: 84 }, description: '互联网复诊处方：慢性病/慢特病单张处方最长用药天数（长期处方不超过12周）' },
  maxDaysCommon: { key: 'rx_max_days_common', fallback: 28, range: { min: 1, max: 84 }, description: '互联网复诊处方：常见病单张处方最长用药天数' },
  maxQuantityItem: { key: 'rx_max_quantity_item', fallback: 60, range: { min: 1, max: 999 }, description: '互联网复诊处方：单个药品最大开具数量（销售单位）' },
  validHours: { key: 'rx_valid_hours', fallback: 72, range: { min: 1, max: 72 }, description: '处方有效期（小时，自医师签名起，最长3天）' },
} as const;

export interface RxLimits {
  maxDaysChronic: number;
  maxDaysCommon: number;
  maxQuantityItem: number;
  validHours: number;
}

export async function rxLimits(prisma: Db, logger?: Logger): Promise<RxLimits> {
  const [maxDaysChronic, maxDaysCommon, maxQuantityItem, validHours] = await Promise.all(
    (['maxDaysChronic', 'maxDaysCommon', 'maxQuantityItem', 'validHours'] as const).map((k) =>
      settingInt(prisma, RX_SETTINGS[k].key, RX_SETTINGS[k].fallback, RX_SETTINGS[k].range, logger),
    ),
  );
  return { maxDaysChronic: maxDaysChronic!, maxDaysCommon: maxDaysCommon!, maxQuantityItem: maxQuantityItem!, validHours: validHours! };
}

export function maxDaysFor(limits: RxLimits, category: DiseaseCategory): number {
  return category === 'COMMON' ? limits.maxDaysCommon : limits.maxDaysChronic;
}
