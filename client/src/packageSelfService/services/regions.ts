/**
 * City-level places for the region fields, from the contract's list (@vant/area-data). The list
 * is imported here only, so it stays in this subpackage and out of the main package.
 */
import { cities, cityName } from '@ih/contract/src/regions';
import type { AreaProvince } from '../components/AreaPicker';

let cache: AreaProvince[] | null = null;

/** Provinces with their cities, in the catalog's order. */
export function areaProvinces(): AreaProvince[] {
  if (cache) return cache;
  const byProvince = new Map<string, AreaProvince & { cities: { code: string; name: string }[] }>();
  for (const c of cities()) {
    let p = byProvince.get(c.provinceCode);
    if (!p) {
      p = { code: c.provinceCode, name: c.provinceName, cities: [] };
      byProvince.set(c.provinceCode, p);
    }
    p.cities.push({ code: c.code, name: c.name });
  }
  cache = [...byProvince.values()];
  return cache;
}

export { cityName };
