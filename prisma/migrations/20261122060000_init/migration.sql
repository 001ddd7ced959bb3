-- CreateTable
CREATE TABLE `users` (
    `id` CHAR(36) NOT NULL,
    `role` ENUM('PATIENT', 'DOCTOR', 'PHARMACIST', 'ADMIN') NOT NULL DEFAULT 'PATIENT',
    `status` ENUM('ACTIVE', 'LOCKED', 'DISABLED') NOT NULL DEFAULT 'ACTIVE',
    `wechat_open_id` VARCHAR(64) NULL,
    `wechat_union_id` VARCHAR(64) NULL,
    `alipay_user_id` VARCHAR(64) NULL,
    `phone_enc` VARCHAR(512) NULL,
    `phone_hash` CHAR(64) NULL,
    `phone_masked` VARCHAR(20) NULL,
    `username` VARCHAR(64) NULL,
    `password_hash` VARCHAR(255) NULL,
    `failed_login_count` INTEGER NOT NULL DEFAULT 0,
    `locked_until` DATETIME(3) NULL,
    `last_login_at` DATETIME(3) NULL,
    `nickname` VARCHAR(64) NULL,
    `elder_mode` BOOLEAN NOT NULL DEFAULT false,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `users_wechat_open_id_key`(`wechat_open_id`),
    UNIQUE INDEX `users_alipay_user_id_key`(`alipay_user_id`),
    UNIQUE INDEX `users_phone_hash_key`(`phone_hash`),
    UNIQUE INDEX `users_username_key`(`username`),
    INDEX `users_role_status_idx`(`role`, `status`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `sessions` (
    `id` CHAR(36) NOT NULL,
    `user_id` CHAR(36) NOT NULL,
    `token_hash` CHAR(64) NOT NULL,
    `channel` ENUM('WEAPP', 'ALIPAY', 'H5') NOT NULL,
    `user_agent` VARCHAR(255) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `last_seen_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `expires_at` DATETIME(3) NOT NULL,
    `revoked_at` DATETIME(3) NULL,

    UNIQUE INDEX `sessions_token_hash_key`(`token_hash`),
    INDEX `sessions_user_id_idx`(`user_id`),
    INDEX `sessions_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `patients` (
    `id` CHAR(36) NOT NULL,
    `owner_user_id` CHAR(36) NOT NULL,
    `relationship` ENUM('SELF', 'SPOUSE', 'PARENT', 'CHILD', 'OTHER') NOT NULL,
    `name_enc` VARCHAR(512) NOT NULL,
    `name_masked` VARCHAR(64) NOT NULL,
    `id_type` ENUM('ID_CARD', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT', 'PASSPORT', 'FOREIGN_PERMANENT_RESIDENT') NOT NULL DEFAULT 'ID_CARD',
    `id_number_enc` VARCHAR(512) NOT NULL,
    `id_number_hash` CHAR(64) NOT NULL,
    `id_number_masked` VARCHAR(32) NOT NULL,
    `phone_enc` VARCHAR(512) NULL,
    `phone_masked` VARCHAR(20) NULL,
    `birth_date` DATE NOT NULL,
    `gender` ENUM('MALE', 'FEMALE', 'UNKNOWN') NOT NULL,
    `is_default` BOOLEAN NOT NULL DEFAULT false,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `deleted_at` DATETIME(3) NULL,

    INDEX `patients_id_number_hash_idx`(`id_number_hash`),
    UNIQUE INDEX `patients_owner_user_id_id_number_hash_key`(`owner_user_id`, `id_number_hash`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `insured_identities` (
    `id` CHAR(36) NOT NULL,
    `id_number_hash` CHAR(64) NOT NULL,
    `psn_no` VARCHAR(32) NOT NULL,
    `insutype` VARCHAR(6) NOT NULL,
    `insuplc_admdvs` VARCHAR(6) NOT NULL,
    `insuplc_name` VARCHAR(64) NULL,
    `voucher_activated` BOOLEAN NOT NULL DEFAULT false,
    `voucher_activated_at` DATETIME(3) NULL,
    `suspended` BOOLEAN NOT NULL DEFAULT false,
    `suspended_reason` VARCHAR(255) NULL,
    `suspended_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `insured_identities_psn_no_key`(`psn_no`),
    INDEX `insured_identities_id_number_hash_idx`(`id_number_hash`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `voucher_authorizations` (
    `id` CHAR(36) NOT NULL,
    `user_id` CHAR(36) NOT NULL,
    `patient_id` CHAR(36) NOT NULL,
    `order_id` CHAR(36) NULL,
    `purpose` ENUM('CONSULTATION_PAY', 'PRESCRIPTION_PAY', 'REFUND') NOT NULL,
    `channel` ENUM('WECHAT', 'ALIPAY', 'NHSA_APP') NOT NULL,
    `pay_auth_no_enc` VARCHAR(512) NOT NULL,
    `pay_auth_no_hash` CHAR(64) NOT NULL,
    `family_auth` BOOLEAN NOT NULL DEFAULT false,
    `authorized_id_hash` CHAR(64) NULL,
    `expires_at` DATETIME(3) NOT NULL,
    `used_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `voucher_authorizations_pay_auth_no_hash_key`(`pay_auth_no_hash`),
    INDEX `voucher_authorizations_user_id_created_at_idx`(`user_id`, `created_at`),
    INDEX `voucher_authorizations_patient_id_idx`(`patient_id`),
    INDEX `voucher_authorizations_order_id_idx`(`order_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `hospitals` (
    `id` CHAR(36) NOT NULL,
    `code` VARCHAR(32) NOT NULL,
    `name` VARCHAR(128) NOT NULL,
    `city` VARCHAR(32) NOT NULL,
    `admdvs` VARCHAR(6) NOT NULL,
    `batch` TINYINT NOT NULL,
    `go_live_deadline` DATE NOT NULL,
    `insurance_enabled` BOOLEAN NOT NULL DEFAULT false,
    `live` BOOLEAN NOT NULL DEFAULT false,
    `live_at` DATETIME(3) NULL,
    `level` VARCHAR(16) NULL,
    `address` VARCHAR(255) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `hospitals_code_key`(`code`),
    UNIQUE INDEX `hospitals_name_key`(`name`),
    INDEX `hospitals_batch_idx`(`batch`),
    INDEX `hospitals_city_idx`(`city`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `internet_departments` (
    `id` CHAR(36) NOT NULL,
    `hospital_id` CHAR(36) NOT NULL,
    `code` VARCHAR(32) NOT NULL,
    `name` VARCHAR(64) NOT NULL,
    `caty` VARCHAR(16) NOT NULL,
    `intro` VARCHAR(500) NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `sort_order` INTEGER NOT NULL DEFAULT 0,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `internet_departments_hospital_id_code_key`(`hospital_id`, `code`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `doctors` (
    `id` CHAR(36) NOT NULL,
    `user_id` CHAR(36) NULL,
    `hospital_id` CHAR(36) NOT NULL,
    `department_id` CHAR(36) NOT NULL,
    `name` VARCHAR(32) NOT NULL,
    `gender` ENUM('MALE', 'FEMALE', 'UNKNOWN') NOT NULL DEFAULT 'UNKNOWN',
    `title` ENUM('CHIEF_PHYSICIAN', 'ASSOCIATE_CHIEF_PHYSICIAN', 'ATTENDING_PHYSICIAN', 'RESIDENT_PHYSICIAN') NOT NULL,
    `specialty` VARCHAR(255) NOT NULL,
    `intro` VARCHAR(1000) NULL,
    `real_name_verified` BOOLEAN NOT NULL DEFAULT false,
    `insurance_doctor_code` VARCHAR(32) NULL,
    `practice_cert_no` VARCHAR(32) NULL,
    `internet_qualified` BOOLEAN NOT NULL DEFAULT false,
    `status` ENUM('ACTIVE', 'SUSPENDED') NOT NULL DEFAULT 'ACTIVE',
    `suspended_reason` VARCHAR(255) NULL,
    `sm2_public_key` VARCHAR(200) NULL,
    `consultation_fee_fen` INTEGER NOT NULL DEFAULT 0,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `doctors_user_id_key`(`user_id`),
    UNIQUE INDEX `doctors_insurance_doctor_code_key`(`insurance_doctor_code`),
    UNIQUE INDEX `doctors_practice_cert_no_key`(`practice_cert_no`),
    INDEX `doctors_hospital_id_idx`(`hospital_id`),
    INDEX `doctors_department_id_status_idx`(`department_id`, `status`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `pharmacists` (
    `id` CHAR(36) NOT NULL,
    `user_id` CHAR(36) NULL,
    `hospital_id` CHAR(36) NOT NULL,
    `name` VARCHAR(32) NOT NULL,
    `license_no` VARCHAR(32) NOT NULL,
    `status` ENUM('ACTIVE', 'SUSPENDED') NOT NULL DEFAULT 'ACTIVE',
    `sm2_public_key` VARCHAR(200) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `pharmacists_user_id_key`(`user_id`),
    UNIQUE INDEX `pharmacists_license_no_key`(`license_no`),
    INDEX `pharmacists_hospital_id_idx`(`hospital_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `diseases` (
    `id` CHAR(36) NOT NULL,
    `code` VARCHAR(20) NOT NULL,
    `name` VARCHAR(128) NOT NULL,
    `category` ENUM('CHRONIC', 'SPECIAL_CHRONIC', 'COMMON') NOT NULL,
    `payable_online` BOOLEAN NOT NULL DEFAULT true,
    `pinyin` VARCHAR(64) NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `diseases_code_key`(`code`),
    INDEX `diseases_category_idx`(`category`),
    INDEX `diseases_name_idx`(`name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `drugs` (
    `id` CHAR(36) NOT NULL,
    `national_code` VARCHAR(32) NOT NULL,
    `name` VARCHAR(128) NOT NULL,
    `trade_name` VARCHAR(128) NULL,
    `specification` VARCHAR(128) NOT NULL,
    `dosage_form` VARCHAR(32) NOT NULL,
    `unit` VARCHAR(16) NOT NULL,
    `manufacturer` VARCHAR(128) NOT NULL,
    `price_fen` INTEGER NOT NULL,
    `insurance_class` ENUM('CLASS_A', 'CLASS_B', 'SELF_PAY') NOT NULL,
    `unfit_for_internet` BOOLEAN NOT NULL DEFAULT false,
    `prescription_only` BOOLEAN NOT NULL DEFAULT true,
    `pinyin` VARCHAR(64) NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `drugs_national_code_key`(`national_code`),
    INDEX `drugs_name_idx`(`name`),
    INDEX `drugs_pinyin_idx`(`pinyin`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `his_visit_records` (
    `id` CHAR(36) NOT NULL,
    `hospital_id` CHAR(36) NOT NULL,
    `id_number_hash` CHAR(64) NOT NULL,
    `his_visit_no` VARCHAR(64) NOT NULL,
    `visit_type` ENUM('OUTPATIENT', 'EMERGENCY', 'INPATIENT') NOT NULL DEFAULT 'OUTPATIENT',
    `department_name` VARCHAR(64) NOT NULL,
    `doctor_name` VARCHAR(32) NULL,
    `visit_date` DATE NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `his_visit_records_id_number_hash_visit_date_idx`(`id_number_hash`, `visit_date`),
    UNIQUE INDEX `his_visit_records_hospital_id_his_visit_no_key`(`hospital_id`, `his_visit_no`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `his_visit_diagnoses` (
    `id` CHAR(36) NOT NULL,
    `visit_id` CHAR(36) NOT NULL,
    `disease_code` VARCHAR(20) NOT NULL,
    `disease_name` VARCHAR(128) NOT NULL,
    `is_primary` BOOLEAN NOT NULL DEFAULT false,

    INDEX `his_visit_diagnoses_visit_id_idx`(`visit_id`),
    INDEX `his_visit_diagnoses_disease_code_idx`(`disease_code`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `consultations` (
    `id` CHAR(36) NOT NULL,
    `consultation_no` VARCHAR(32) NOT NULL,
    `user_id` CHAR(36) NOT NULL,
    `patient_id` CHAR(36) NOT NULL,
    `doctor_id` CHAR(36) NOT NULL,
    `hospital_id` CHAR(36) NOT NULL,
    `department_id` CHAR(36) NOT NULL,
    `disease_id` CHAR(36) NULL,
    `his_visit_record_id` CHAR(36) NULL,
    `status` ENUM('PENDING_PAYMENT', 'WAITING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'REFUNDED') NOT NULL DEFAULT 'PENDING_PAYMENT',
    `insured` BOOLEAN NOT NULL DEFAULT true,
    `self_pay_reason` VARCHAR(255) NULL,
    `chief_complaint` VARCHAR(1000) NULL,
    `fee_fen` INTEGER NOT NULL,
    `accepted_at` DATETIME(3) NULL,
    `ended_at` DATETIME(3) NULL,
    `cancelled_at` DATETIME(3) NULL,
    `cancel_reason` VARCHAR(255) NULL,
    `version` INTEGER NOT NULL DEFAULT 0,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `consultations_consultation_no_key`(`consultation_no`),
    INDEX `consultations_user_id_created_at_idx`(`user_id`, `created_at`),
    INDEX `consultations_patient_id_idx`(`patient_id`),
    INDEX `consultations_doctor_id_status_idx`(`doctor_id`, `status`),
    INDEX `consultations_hospital_id_idx`(`hospital_id`),
    INDEX `consultations_department_id_idx`(`department_id`),
    INDEX `consultations_disease_id_idx`(`disease_id`),
    INDEX `consultations_his_visit_record_id_idx`(`his_visit_record_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `consultation_messages` (
    `id` CHAR(36) NOT NULL,
    `consultation_id` CHAR(36) NOT NULL,
    `sender` ENUM('PATIENT', 'DOCTOR', 'SYSTEM') NOT NULL,
    `sender_user_id` CHAR(36) NULL,
    `kind` ENUM('TEXT', 'IMAGE', 'PRESCRIPTION', 'SYSTEM') NOT NULL DEFAULT 'TEXT',
    `content` TEXT NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `read_at` DATETIME(3) NULL,

    INDEX `consultation_messages_consultation_id_created_at_idx`(`consultation_id`, `created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `prescriptions` (
    `id` CHAR(36) NOT NULL,
    `rx_no` VARCHAR(32) NOT NULL,
    `consultation_id` CHAR(36) NOT NULL,
    `patient_id` CHAR(36) NOT NULL,
    `doctor_id` CHAR(36) NOT NULL,
    `hospital_id` CHAR(36) NOT NULL,
    `diagnosis_code` VARCHAR(20) NOT NULL,
    `diagnosis_name` VARCHAR(128) NOT NULL,
    `status` ENUM('DRAFT', 'PENDING_REVIEW', 'APPROVED', 'REJECTED', 'UPLOADED', 'PAID', 'REVOKED', 'CANCELLED', 'EXPIRED') NOT NULL DEFAULT 'DRAFT',
    `version` INTEGER NOT NULL DEFAULT 1,
    `total_fen` INTEGER NOT NULL DEFAULT 0,
    `signature` VARCHAR(255) NULL,
    `signed_content_hash` CHAR(64) NULL,
    `signed_at` DATETIME(3) NULL,
    `valid_until` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `prescriptions_rx_no_key`(`rx_no`),
    INDEX `prescriptions_consultation_id_idx`(`consultation_id`),
    INDEX `prescriptions_patient_id_idx`(`patient_id`),
    INDEX `prescriptions_doctor_id_status_idx`(`doctor_id`, `status`),
    INDEX `prescriptions_hospital_id_idx`(`hospital_id`),
    INDEX `prescriptions_status_updated_at_idx`(`status`, `updated_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `prescription_items` (
    `id` CHAR(36) NOT NULL,
    `prescription_id` CHAR(36) NOT NULL,
    `drug_id` CHAR(36) NOT NULL,
    `drug_name` VARCHAR(128) NOT NULL,
    `specification` VARCHAR(128) NOT NULL,
    `insurance_class` ENUM('CLASS_A', 'CLASS_B', 'SELF_PAY') NOT NULL,
    `quantity` INTEGER NOT NULL,
    `unit` VARCHAR(16) NOT NULL,
    `unit_price_fen` INTEGER NOT NULL,
    `amount_fen` INTEGER NOT NULL,
    `dosage` VARCHAR(64) NOT NULL,
    `frequency` VARCHAR(32) NOT NULL,
    `route` VARCHAR(32) NOT NULL,
    `days` INTEGER NOT NULL,
    `sort_order` INTEGER NOT NULL DEFAULT 0,

    INDEX `prescription_items_prescription_id_idx`(`prescription_id`),
    INDEX `prescription_items_drug_id_idx`(`drug_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `prescription_reviews` (
    `id` CHAR(36) NOT NULL,
    `prescription_id` CHAR(36) NOT NULL,
    `prescription_version` INTEGER NOT NULL,
    `pharmacist_id` CHAR(36) NOT NULL,
    `decision` ENUM('APPROVED', 'REJECTED') NOT NULL,
    `comment` VARCHAR(500) NULL,
    `signature` VARCHAR(255) NULL,
    `reviewed_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `prescription_reviews_prescription_id_idx`(`prescription_id`),
    INDEX `prescription_reviews_pharmacist_id_idx`(`pharmacist_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `orders` (
    `id` CHAR(36) NOT NULL,
    `order_no` VARCHAR(32) NOT NULL,
    `kind` ENUM('CONSULTATION', 'PRESCRIPTION') NOT NULL,
    `state` ENUM('CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'PAID', 'PAY_FAILED', 'CANCELLED', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED') NOT NULL DEFAULT 'CREATED',
    `pay_mode` ENUM('INSURANCE', 'SELF_PAY') NOT NULL DEFAULT 'INSURANCE',
    `user_id` CHAR(36) NOT NULL,
    `patient_id` CHAR(36) NOT NULL,
    `hospital_id` CHAR(36) NOT NULL,
    `consultation_id` CHAR(36) NULL,
    `prescription_id` CHAR(36) NULL,
    `channel` ENUM('WEAPP', 'ALIPAY', 'H5') NULL,
    `total_fen` INTEGER NOT NULL,
    `fund_pay_fen` INTEGER NOT NULL DEFAULT 0,
    `psn_acct_pay_fen` INTEGER NOT NULL DEFAULT 0,
    `cash_pay_fen` INTEGER NOT NULL DEFAULT 0,
    `acct_mulaid_pay_fen` INTEGER NOT NULL DEFAULT 0,
    `hosp_part_fen` INTEGER NOT NULL DEFAULT 0,
    `oth_fee_fen` INTEGER NOT NULL DEFAULT 0,
    `delivery_fee_fen` INTEGER NOT NULL DEFAULT 0,
    `acct_used_flag` BOOLEAN NOT NULL DEFAULT false,
    `med_org_ord` VARCHAR(64) NULL,
    `pay_ord_id` VARCHAR(64) NULL,
    `pay_token` VARCHAR(128) NULL,
    `mdtrt_id` VARCHAR(64) NULL,
    `chrg_bchno` VARCHAR(64) NULL,
    `ord_stas` VARCHAR(8) NULL,
    `setl_type` VARCHAR(8) NULL,
    `delivery_addr_enc` VARCHAR(1024) NULL,
    `failure_reason` VARCHAR(255) NULL,
    `expires_at` DATETIME(3) NULL,
    `paid_at` DATETIME(3) NULL,
    `cancelled_at` DATETIME(3) NULL,
    `refunded_at` DATETIME(3) NULL,
    `version` INTEGER NOT NULL DEFAULT 0,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `orders_order_no_key`(`order_no`),
    UNIQUE INDEX `orders_med_org_ord_key`(`med_org_ord`),
    UNIQUE INDEX `orders_pay_ord_id_key`(`pay_ord_id`),
    INDEX `orders_user_id_created_at_idx`(`user_id`, `created_at`),
    INDEX `orders_patient_id_idx`(`patient_id`),
    INDEX `orders_hospital_id_idx`(`hospital_id`),
    INDEX `orders_consultation_id_idx`(`consultation_id`),
    INDEX `orders_prescription_id_idx`(`prescription_id`),
    INDEX `orders_state_updated_at_idx`(`state`, `updated_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `payments` (
    `id` CHAR(36) NOT NULL,
    `order_id` CHAR(36) NOT NULL,
    `attempt_no` INTEGER NOT NULL,
    `channel` ENUM('WECHAT', 'ALIPAY', 'NHSA_APP') NOT NULL,
    `status` ENUM('CREATED', 'PENDING', 'SUCCEEDED', 'FAILED', 'CLOSED') NOT NULL DEFAULT 'CREATED',
    `out_trade_no` VARCHAR(64) NOT NULL,
    `channel_trade_no` VARCHAR(64) NULL,
    `cash_fen` INTEGER NOT NULL DEFAULT 0,
    `insurance_fen` INTEGER NOT NULL DEFAULT 0,
    `raw_status` VARCHAR(32) NULL,
    `failure_code` VARCHAR(64) NULL,
    `failure_message` VARCHAR(255) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `completed_at` DATETIME(3) NULL,

    UNIQUE INDEX `payments_out_trade_no_key`(`out_trade_no`),
    UNIQUE INDEX `payments_channel_trade_no_key`(`channel_trade_no`),
    INDEX `payments_status_created_at_idx`(`status`, `created_at`),
    UNIQUE INDEX `payments_order_id_attempt_no_key`(`order_id`, `attempt_no`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `refunds` (
    `id` CHAR(36) NOT NULL,
    `order_id` CHAR(36) NOT NULL,
    `refund_no` VARCHAR(32) NOT NULL,
    `type` ENUM('ALL', 'CASH', 'HI') NOT NULL,
    `status` ENUM('PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'EXPIRED') NOT NULL DEFAULT 'PENDING',
    `total_fen` INTEGER NOT NULL,
    `cash_fen` INTEGER NOT NULL,
    `psn_acct_fen` INTEGER NOT NULL,
    `fund_fen` INTEGER NOT NULL,
    `reason` VARCHAR(255) NOT NULL,
    `requested_by_user_id` CHAR(36) NULL,
    `refd_sn` VARCHAR(64) NULL,
    `hi_refd_sn` VARCHAR(64) NULL,
    `hi_trns_at` DATETIME(3) NULL,
    `failure_message` VARCHAR(255) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `completed_at` DATETIME(3) NULL,

    UNIQUE INDEX `refunds_refund_no_key`(`refund_no`),
    INDEX `refunds_order_id_idx`(`order_id`),
    INDEX `refunds_status_created_at_idx`(`status`, `created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `inbound_notifications` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `source` ENUM('NHSA', 'WECHAT_PAY', 'ALIPAY') NOT NULL,
    `idempotency_key` VARCHAR(191) NOT NULL,
    `event_type` VARCHAR(64) NOT NULL,
    `order_id` CHAR(36) NULL,
    `signature_valid` BOOLEAN NOT NULL,
    `payload` JSON NOT NULL,
    `status` ENUM('RECEIVED', 'PROCESSED', 'IGNORED', 'FAILED') NOT NULL DEFAULT 'RECEIVED',
    `deliveries` INTEGER NOT NULL DEFAULT 1,
    `error_message` VARCHAR(500) NULL,
    `received_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `processed_at` DATETIME(3) NULL,

    UNIQUE INDEX `inbound_notifications_idempotency_key_key`(`idempotency_key`),
    INDEX `inbound_notifications_order_id_idx`(`order_id`),
    INDEX `inbound_notifications_status_received_at_idx`(`status`, `received_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `self_service_applications` (
    `id` CHAR(36) NOT NULL,
    `application_no` VARCHAR(32) NOT NULL,
    `user_id` CHAR(36) NOT NULL,
    `patient_id` CHAR(36) NULL,
    `item_code` VARCHAR(64) NOT NULL,
    `item_name` VARCHAR(128) NOT NULL,
    `status` ENUM('SUBMITTED', 'ACCEPTED', 'REVIEWING', 'RECHECKING', 'DISBURSING', 'COMPLETED', 'REJECTED', 'WITHDRAWN') NOT NULL DEFAULT 'SUBMITTED',
    `form_enc` TEXT NULL,
    `materials` JSON NULL,
    `deadline_at` DATETIME(3) NULL,
    `submitted_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `completed_at` DATETIME(3) NULL,
    `updated_at` DATETIME(3) NOT NULL,
    `version` INTEGER NOT NULL DEFAULT 0,

    UNIQUE INDEX `self_service_applications_application_no_key`(`application_no`),
    INDEX `self_service_applications_user_id_submitted_at_idx`(`user_id`, `submitted_at`),
    INDEX `self_service_applications_patient_id_idx`(`patient_id`),
    INDEX `self_service_applications_status_idx`(`status`),
    INDEX `self_service_applications_item_code_idx`(`item_code`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `self_service_status_history` (
    `id` CHAR(36) NOT NULL,
    `application_id` CHAR(36) NOT NULL,
    `from_status` ENUM('SUBMITTED', 'ACCEPTED', 'REVIEWING', 'RECHECKING', 'DISBURSING', 'COMPLETED', 'REJECTED', 'WITHDRAWN') NULL,
    `to_status` ENUM('SUBMITTED', 'ACCEPTED', 'REVIEWING', 'RECHECKING', 'DISBURSING', 'COMPLETED', 'REJECTED', 'WITHDRAWN') NOT NULL,
    `note` VARCHAR(500) NULL,
    `actor` VARCHAR(64) NOT NULL,
    `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `self_service_status_history_application_id_at_idx`(`application_id`, `at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `audit_logs` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `actor_user_id` CHAR(36) NULL,
    `actor_role` VARCHAR(16) NULL,
    `action` VARCHAR(64) NOT NULL,
    `target_type` VARCHAR(32) NOT NULL,
    `target_id` VARCHAR(64) NULL,
    `request_id` VARCHAR(64) NULL,
    `ip` VARCHAR(45) NULL,
    `details` JSON NULL,
    `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `audit_logs_target_type_target_id_idx`(`target_type`, `target_id`),
    INDEX `audit_logs_actor_user_id_at_idx`(`actor_user_id`, `at`),
    INDEX `audit_logs_action_at_idx`(`action`, `at`),
    INDEX `audit_logs_at_idx`(`at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `settings` (
    `key` VARCHAR(64) NOT NULL,
    `value` JSON NOT NULL,
    `description` VARCHAR(255) NULL,
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`key`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `sessions` ADD CONSTRAINT `sessions_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `patients` ADD CONSTRAINT `patients_owner_user_id_fkey` FOREIGN KEY (`owner_user_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `voucher_authorizations` ADD CONSTRAINT `voucher_authorizations_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `voucher_authorizations` ADD CONSTRAINT `voucher_authorizations_patient_id_fkey` FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `voucher_authorizations` ADD CONSTRAINT `voucher_authorizations_order_id_fkey` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `internet_departments` ADD CONSTRAINT `internet_departments_hospital_id_fkey` FOREIGN KEY (`hospital_id`) REFERENCES `hospitals`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `doctors` ADD CONSTRAINT `doctors_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `doctors` ADD CONSTRAINT `doctors_hospital_id_fkey` FOREIGN KEY (`hospital_id`) REFERENCES `hospitals`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `doctors` ADD CONSTRAINT `doctors_department_id_fkey` FOREIGN KEY (`department_id`) REFERENCES `internet_departments`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `pharmacists` ADD CONSTRAINT `pharmacists_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `pharmacists` ADD CONSTRAINT `pharmacists_hospital_id_fkey` FOREIGN KEY (`hospital_id`) REFERENCES `hospitals`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `his_visit_records` ADD CONSTRAINT `his_visit_records_hospital_id_fkey` FOREIGN KEY (`hospital_id`) REFERENCES `hospitals`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `his_visit_diagnoses` ADD CONSTRAINT `his_visit_diagnoses_visit_id_fkey` FOREIGN KEY (`visit_id`) REFERENCES `his_visit_records`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultations` ADD CONSTRAINT `consultations_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultations` ADD CONSTRAINT `consultations_patient_id_fkey` FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultations` ADD CONSTRAINT `consultations_hospital_id_fkey` FOREIGN KEY (`hospital_id`) REFERENCES `hospitals`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultations` ADD CONSTRAINT `consultations_department_id_fkey` FOREIGN KEY (`department_id`) REFERENCES `internet_departments`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultations` ADD CONSTRAINT `consultations_doctor_id_fkey` FOREIGN KEY (`doctor_id`) REFERENCES `doctors`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultations` ADD CONSTRAINT `consultations_disease_id_fkey` FOREIGN KEY (`disease_id`) REFERENCES `diseases`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultations` ADD CONSTRAINT `consultations_his_visit_record_id_fkey` FOREIGN KEY (`his_visit_record_id`) REFERENCES `his_visit_records`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultation_messages` ADD CONSTRAINT `consultation_messages_consultation_id_fkey` FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `prescriptions` ADD CONSTRAINT `prescriptions_patient_id_fkey` FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `prescriptions` ADD CONSTRAINT `prescriptions_hospital_id_fkey` FOREIGN KEY (`hospital_id`) REFERENCES `hospitals`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `prescriptions` ADD CONSTRAINT `prescriptions_doctor_id_fkey` FOREIGN KEY (`doctor_id`) REFERENCES `doctors`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `prescriptions` ADD CONSTRAINT `prescriptions_consultation_id_fkey` FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `prescription_items` ADD CONSTRAINT `prescription_items_drug_id_fkey` FOREIGN KEY (`drug_id`) REFERENCES `drugs`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `prescription_items` ADD CONSTRAINT `prescription_items_prescription_id_fkey` FOREIGN KEY (`prescription_id`) REFERENCES `prescriptions`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `prescription_reviews` ADD CONSTRAINT `prescription_reviews_pharmacist_id_fkey` FOREIGN KEY (`pharmacist_id`) REFERENCES `pharmacists`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `prescription_reviews` ADD CONSTRAINT `prescription_reviews_prescription_id_fkey` FOREIGN KEY (`prescription_id`) REFERENCES `prescriptions`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `orders` ADD CONSTRAINT `orders_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `orders` ADD CONSTRAINT `orders_patient_id_fkey` FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `orders` ADD CONSTRAINT `orders_hospital_id_fkey` FOREIGN KEY (`hospital_id`) REFERENCES `hospitals`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `orders` ADD CONSTRAINT `orders_consultation_id_fkey` FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `orders` ADD CONSTRAINT `orders_prescription_id_fkey` FOREIGN KEY (`prescription_id`) REFERENCES `prescriptions`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `payments` ADD CONSTRAINT `payments_order_id_fkey` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `refunds` ADD CONSTRAINT `refunds_order_id_fkey` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `inbound_notifications` ADD CONSTRAINT `inbound_notifications_order_id_fkey` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `self_service_applications` ADD CONSTRAINT `self_service_applications_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `self_service_applications` ADD CONSTRAINT `self_service_applications_patient_id_fkey` FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `self_service_status_history` ADD CONSTRAINT `self_service_status_history_application_id_fkey` FOREIGN KEY (`application_id`) REFERENCES `self_service_applications`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
