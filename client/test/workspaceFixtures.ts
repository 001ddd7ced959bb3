/**
 * Data for the workspace tests (workspace*.test.tsx): staff sessions, consultations as the
 * doctor sees them, prescriptions (workspace and patient views), verification answers, catalog
 * drugs and diseases — shaped by the contract's types so a contract change breaks the build here.
 */
import type {
  Disease,
  Drug,
  MeResponse,
  PatientPrescription,
  PrescriptionVerification,
  WorkspaceConsultationDetail,
  WorkspaceConsultationItem,
  WorkspacePrescription,
} from '@ih/contract';
import { roomState } from './consultFixtures';

export const CID = '0190c000-0000-7000-8000-0000000000c1';
export const CID2 = '0190c000-0000-7000-8000-0000000000c2';
export const RX = '0190c000-0000-7000-8000-0000000000b1';
export const RX2 = '0190c000-0000-7000-8000-0000000000b2';
export const DISEASE_ID = '0190c000-0000-7000-8000-0000000000e1';
export const DRUG_OK = '0190c000-0000-7000-8000-0000000000d1';
export const DRUG_FLAGGED = '0190c000-0000-7000-8000-0000000000d2';

export const DOCTOR_ME: MeResponse = {
  id: 'u-doc', role: 'DOCTOR', roleLabel: '医生', displayName: '纳*梅', sessionId: 's-doc', channel: 'H5', patient: null,
  staff: { nameMasked: '纳*梅', hospitalName: '宁夏医科大学总医院', departmentName: '心血管内科', title: '主任医师' },
};
export const PHARMACIST_ME: MeResponse = {
  id: 'u-ph', role: 'PHARMACIST', roleLabel: '药师', displayName: '马*', sessionId: 's-ph', channel: 'H5', patient: null,
  staff: { nameMasked: '马*', hospitalName: '宁夏医科大学总医院', departmentName: '药剂科', title: null },
};
export const PATIENT_ME: MeResponse = {
  id: 'u-pt', role: 'PATIENT', roleLabel: '患者', displayName: '张*国', sessionId: 's-pt', channel: 'H5',
  patient: { phoneMasked: '138****0001', selfNameMasked: '张*国' }, staff: null,
};

export function queueItem(over: Partial<WorkspaceConsultationItem> = {}): WorkspaceConsultationItem {
  return {
    id: CID,
    consultationNo: 'WZ202611220001',
    status: 'WAITING',
    displayStatus: 'WAITING',
    statusLabel: '待接诊',
    patient: { nameMasked: '张*国', gender: 'MALE', age: 58 },
    disease: { code: 'I10.x00', name: '高血压', category: 'CHRONIC' },
    insured: true,
    feeFen: 3000,
    descriptionPreview: '血压近一周在 140/90 左右',
    imageCount: 1,
    requestedDoctor: { id: 'd1', name: '纳红梅' },
    requestedMe: true,
    waitingSince: '2026-11-22T00:01:00.000Z',
    acceptDeadline: '2026-11-22T02:01:00.000Z',
    acceptedAt: null,
    endedAt: null,
    lastActivityAt: null,
    unreadCount: 0,
    ...over,
  };
}

export function consultation(over: Partial<WorkspaceConsultationDetail> = {}): WorkspaceConsultationDetail {
  const waiting = (over.status ?? 'WAITING') === 'WAITING';
  return {
    ...queueItem(),
    description: '血压近一周在 140/90 左右，每天服用氨氯地平 5mg，无头晕',
    images: [
      {
        id: '0190c000-0000-7000-8000-0000000000f1', mime: 'image/jpeg', sizeBytes: 2048,
        url: '/api/v1/files/0190c000-0000-7000-8000-0000000000f1/content?exp=1893456000000&sig=abcdefghijklmnop', urlExpiresAt: '2030-01-01T00:00:00.000Z',
      },
    ],
    offlineDiagnosis: {
      hospitalCode: 'H64010000001', hospitalName: '宁夏医科大学总医院', visitNo: 'MZ-1', visitDate: '2026-10-13', departmentName: '心血管内科门诊',
      diagnosisCode: 'I10.x00', diagnosisName: '高血压',
    },
    selfPayReasons: [],
    offlineVisits: [
      {
        hospitalCode: 'H64010000001', hospitalName: '宁夏医科大学总医院', visitNo: 'MZ-1', visitDate: '2026-10-13', visitType: 'OUTPATIENT',
        departmentName: '心血管内科门诊', doctorName: '纳红梅', daysSinceVisit: 40, withinWindow: true,
        diagnoses: [{ code: 'I10.x00', name: '高血压', primary: true, inCatalog: true, payableOnline: true, category: 'CHRONIC', recognized: false }],
      },
    ],
    offlineVisitsError: null,
    previousConsultations: [
      {
        id: CID2, consultationNo: 'WZ202609010001', createdAt: '2026-09-01T02:00:00.000Z', endedAt: '2026-09-01T03:00:00.000Z', status: 'COMPLETED',
        statusLabel: '已结束', doctorName: '纳红梅', departmentName: '心血管内科', hospitalName: '宁夏医科大学总医院', diseaseName: '高血压',
      },
    ],
    closeReason: null,
    closeReasonLabel: null,
    canAccept: waiting,
    canEnd: !waiting,
    room: waiting ? roomState({ status: 'WAITING', displayStatus: 'WAITING', statusLabel: '待接诊', canSend: false, lastSeq: 0, myReadSeq: 0, peerReadSeq: 0 }) : roomState({ lastSeq: 0, myReadSeq: 0, peerReadSeq: 0 }),
    ...over,
  };
}

/** The same consultation after the doctor accepted it. */
export function accepted(over: Partial<WorkspaceConsultationDetail> = {}): WorkspaceConsultationDetail {
  return consultation({
    status: 'IN_PROGRESS', displayStatus: 'IN_PROGRESS', statusLabel: '问诊中', acceptedAt: '2026-11-22T00:05:00.000Z', canAccept: false, canEnd: true,
    room: roomState({ lastSeq: 0, myReadSeq: 0, peerReadSeq: 0 }),
    ...over,
  });
}

export function disease(over: Partial<Disease> = {}): Disease {
  return { id: DISEASE_ID, code: 'I10.x00', name: '高血压', category: 'CHRONIC', payableOnline: true, pinyin: 'gxy', keywords: [], ...over };
}

export function drug(over: Partial<Drug> = {}): Drug {
  return {
    id: DRUG_OK, nationalCode: 'XC08CAA001A001', name: '苯磺酸氨氯地平片', tradeName: '络活喜', specification: '5mg*28片', dosageForm: '片剂', unit: '盒',
    manufacturer: '辉瑞制药', priceFen: 2837, insuranceClass: 'CLASS_A', unfitForInternet: false, prescriptionOnly: true, pinyin: 'bhsaldpp', ...over,
  };
}

export const FLAGGED_DRUG = drug({
  id: DRUG_FLAGGED, nationalCode: 'XN02AAA001A001', name: '盐酸吗啡片', tradeName: null, specification: '10mg*10片', unit: '盒', priceFen: 1500, unfitForInternet: true,
});

export function prescription(over: Partial<WorkspacePrescription> = {}): WorkspacePrescription {
  return {
    id: RX,
    rxNo: 'RX202611220001',
    version: 1,
    status: 'DRAFT',
    statusLabel: '草稿',
    consultationId: CID,
    hospital: { id: 'h1', name: '宁夏医科大学总医院' },
    department: { id: 'dep1', name: '心血管内科' },
    doctor: { id: 'd1', name: '纳红梅', title: 'CHIEF_PHYSICIAN' },
    pharmacist: null,
    patient: { id: 'p1', nameMasked: '张*国', gender: 'MALE', age: 58 },
    diagnosis: { code: 'I10.x00', name: '高血压' },
    insured: true,
    items: [
      {
        id: 'it1', drugId: DRUG_OK, nationalCode: 'XC08CAA001A001', drugName: '苯磺酸氨氯地平片', specification: '5mg*28片', unit: '盒', insuranceClass: 'CLASS_A',
        selfPay: false, quantity: 2, unitPriceFen: 2837, amountFen: 5674, dosage: '每次1片', frequency: '每日一次', route: '口服', days: 28,
      },
    ],
    totalFen: 5674,
    selfPayFen: 0,
    note: null,
    signature: { doctorSigned: false, doctorSignedAt: null, pharmacistSigned: false, pharmacistSignedAt: null, algorithm: 'SM3withSM2' },
    payable: false,
    validUntil: null,
    submittedAt: null,
    approvedAt: null,
    revokedAt: null,
    createdAt: '2026-11-22T00:10:00.000Z',
    updatedAt: '2026-11-22T00:10:00.000Z',
    consultationNo: 'WZ202611220001',
    previousId: null,
    nextId: null,
    rejectReason: null,
    reviseReason: null,
    reviews: [],
    actions: { edit: true, submit: true, discard: true, revise: false, review: false },
    ...over,
  };
}

export const SIGNED = { doctorSigned: true, doctorSignedAt: '2026-11-22T00:12:00.000Z', pharmacistSigned: false, pharmacistSignedAt: null, algorithm: 'SM3withSM2' as const };
export const BOTH_SIGNED = { ...SIGNED, pharmacistSigned: true, pharmacistSignedAt: '2026-11-22T00:20:00.000Z' };

export function pending(over: Partial<WorkspacePrescription> = {}): WorkspacePrescription {
  return prescription({
    status: 'PENDING_REVIEW', statusLabel: '待药师审核', signature: SIGNED, submittedAt: '2026-11-22T00:12:00.000Z',
    actions: { edit: false, submit: false, discard: false, revise: true, review: false }, ...over,
  });
}

export function verification(valid = true, over: Partial<PrescriptionVerification> = {}): PrescriptionVerification {
  return {
    prescriptionId: RX, rxNo: 'RX202611220001', version: 1, valid, algorithm: 'SM3withSM2',
    computedHash: 'a'.repeat(64), signedHash: valid ? 'a'.repeat(64) : 'b'.repeat(64), signedAt: '2026-11-22T00:12:00.000Z', signerName: '纳红梅',
    signerPublicKey: 'BASE64KEY',
    checks: [
      { check: 'CONTENT_HASH', ok: valid, message: valid ? '处方内容与签名时一致' : '处方内容在签名后被修改' },
      { check: 'DOCTOR_SIGNATURE', ok: true, message: '医生签名有效' },
    ],
    verifiedAt: '2026-11-22T00:30:00.000Z',
    ...over,
  };
}

export function patientPrescription(over: Partial<PatientPrescription> = {}): PatientPrescription {
  const { consultationNo: _n, previousId: _p, nextId: _x, rejectReason: _r, reviseReason: _v, reviews: _w, actions: _a, ...common } = prescription({
    status: 'APPROVED', statusLabel: '待支付', signature: BOTH_SIGNED, pharmacist: { id: 'ph1', name: '马丽' }, payable: true,
    submittedAt: '2026-11-22T00:12:00.000Z', approvedAt: '2026-11-22T00:20:00.000Z', validUntil: '2026-11-25T00:20:00.000Z',
  });
  return { ...common, replacedById: null, ...over };
}
