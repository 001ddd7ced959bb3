/*
  Warnings:

  - A unique constraint covering the columns `[previous_id]` on the table `prescriptions` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE `pharmacists` ADD COLUMN `internet_qualified` BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE `prescriptions` MODIFY `status` ENUM('DRAFT', 'PENDING_REVIEW', 'APPROVED', 'REJECTED', 'UPLOADED', 'PAID', 'REFUNDED', 'REVOKED', 'CANCELLED', 'EXPIRED') NOT NULL DEFAULT 'DRAFT',
    ADD COLUMN `signed_content` TEXT NULL,
    ADD COLUMN `signer_public_key` VARCHAR(200) NULL,
    ADD COLUMN `signer_key_id` VARCHAR(64) NULL,
    ADD COLUMN `previous_id` CHAR(36) NULL,
    ADD COLUMN `insured` BOOLEAN NOT NULL DEFAULT true,
    ADD COLUMN `note` VARCHAR(200) NULL,
    ADD COLUMN `reject_reason` VARCHAR(500) NULL,
    ADD COLUMN `revise_reason` VARCHAR(200) NULL,
    ADD COLUMN `submitted_at` DATETIME(3) NULL,
    ADD COLUMN `approved_at` DATETIME(3) NULL,
    ADD COLUMN `revoked_at` DATETIME(3) NULL,
    ADD COLUMN `paid_at` DATETIME(3) NULL,
    ADD COLUMN `refunded_at` DATETIME(3) NULL;

-- AlterTable
ALTER TABLE `prescription_items` ADD COLUMN `national_code` VARCHAR(32) NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE `prescription_reviews` ADD COLUMN `signed_content` TEXT NULL,
    ADD COLUMN `content_hash` CHAR(64) NULL,
    ADD COLUMN `signer_public_key` VARCHAR(200) NULL,
    ADD COLUMN `signer_key_id` VARCHAR(64) NULL;

-- CreateTable
CREATE TABLE `consultation_diagnoses` (
    `id` CHAR(36) NOT NULL,
    `consultation_id` CHAR(36) NOT NULL,
    `disease_id` CHAR(36) NOT NULL,
    `disease_code` VARCHAR(20) NOT NULL,
    `disease_name` VARCHAR(128) NOT NULL,
    `note_enc` TEXT NULL,
    `doctor_id` CHAR(36) NOT NULL,
    `diagnosed_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `consultation_diagnoses_consultation_id_key`(`consultation_id`),
    INDEX `consultation_diagnoses_disease_id_idx`(`disease_id`),
    INDEX `consultation_diagnoses_doctor_id_idx`(`doctor_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `signer_keys` (
    `id` CHAR(36) NOT NULL,
    `subject_type` VARCHAR(16) NOT NULL,
    `subject_id` CHAR(36) NOT NULL,
    `public_key` VARCHAR(200) NOT NULL,
    `private_key_enc` VARCHAR(512) NOT NULL,
    `active_marker` BOOLEAN NULL DEFAULT true,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `revoked_at` DATETIME(3) NULL,

    INDEX `signer_keys_subject_id_idx`(`subject_id`),
    UNIQUE INDEX `signer_keys_subject_type_subject_id_active_marker_key`(`subject_type`, `subject_id`, `active_marker`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateIndex
CREATE UNIQUE INDEX `prescriptions_previous_id_key` ON `prescriptions`(`previous_id`);

-- AddForeignKey
ALTER TABLE `prescriptions` ADD CONSTRAINT `prescriptions_previous_id_fkey` FOREIGN KEY (`previous_id`) REFERENCES `prescriptions`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultation_diagnoses` ADD CONSTRAINT `consultation_diagnoses_doctor_id_fkey` FOREIGN KEY (`doctor_id`) REFERENCES `doctors`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultation_diagnoses` ADD CONSTRAINT `consultation_diagnoses_disease_id_fkey` FOREIGN KEY (`disease_id`) REFERENCES `diseases`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `consultation_diagnoses` ADD CONSTRAINT `consultation_diagnoses_consultation_id_fkey` FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
