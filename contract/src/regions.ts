/**
 * City-level places (就医地) for remote-care filing, from @vant/area-data (MIT, national
 * division codes up to Dec 2024). Kept out of the contract's index so the mini-program main
 * package does not carry the ~340 KB list: import `@ih/contract/src/regions` where needed
 * (the self-service subpackage, the BFF).
 *
 * A municipality (北京、天津、上海、重庆) is filed as one city: its province code's "市辖区"
 * city entry (e.g. 110100 北京市); 重庆's "县" entry (500200) counts as 重庆市 too.
 * Insurance division codes (医保区划 admdvs) sometimes differ from the national division codes:
 * `insuranceAdmdvs` applies an override table (a setting: `admdvs_overrides`, {division: admdvs}).
 */
import { areaList } from '@vant/area-data';

/** The whole division list (province / city / county codes and names): the address region picker reads it through here, so @vant/area-data is a dependency of the contract only. */
export { areaList };

const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

export interface City {
  code: string;
  name: string;
  provinceCode: string;
  provinceName: string;
}

let cache: City[] | null = null;

/** Every city-level place, municipalities as one entry each (重庆's 县 merged into 重庆市). */
export function cities(): City[] {
  if (cache) return cache;
  const out: City[] = [];
  for (const [code, name] of Object.entries(areaList.city_list)) {
    const p = code.slice(0, 2);
    const provinceCode = `${p}0000`;
    const provinceName = areaList.province_list[provinceCode] ?? '';
    if (MUNICIPALITIES.has(p) && code !== `${p}0100`) continue;
    out.push({ code, name: MUNICIPALITIES.has(p) ? provinceName : name, provinceCode, provinceName });
  }
  cache = out;
  return out;
}

/** The city-level name of a code (a municipality's other city entries resolve to it), or null. */
export function cityName(code: string): string | null {
  if (!/^\d{6}$/.test(code)) return null;
  const p = code.slice(0, 2);
  if (MUNICIPALITIES.has(p) && code.slice(4) === '00' && areaList.city_list[code]) return areaList.province_list[`${p}0000`] ?? null;
  if (!code.endsWith('00')) return null;
  return areaList.city_list[code] ?? null;
}

/** Provinces for a two-level picker. */
export function provinces(): { code: string; name: string }[] {
  return Object.entries(areaList.province_list).map(([code, name]) => ({ code, name }));
}

/** The insurance division of a city (override table first, else the division code itself; municipalities by their 0100 code). */
export function insuranceAdmdvs(code: string, overrides: Record<string, string> = {}): string {
  const p = code.slice(0, 2);
  const canonical = MUNICIPALITIES.has(p) ? `${p}0100` : code;
  return overrides[code] ?? overrides[canonical] ?? canonical;
}
