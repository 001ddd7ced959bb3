/**
 * Public catalogs. What other domains use:
 *   hospitalInsurance(hospital)  — rule 5: may this hospital settle with insurance, and why not
 *   doctorFlags(doctor)          — rule 6: may this doctor take internet / insured consultations
 *   CatalogService               — the reads behind /api/v1/catalog/*
 */
export { CatalogService, hospitalInsurance, doctorFlags, splitKeywords, type DoctorFacts, type HospitalInsuranceFacts } from './service';
export { catalogRouter } from './routes';
