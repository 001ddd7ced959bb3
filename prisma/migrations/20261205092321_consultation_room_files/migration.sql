/*
  Warnings:

  - A unique constraint covering the columns `[user_id,request_key]` on the table `consultations` will be added. If there are existing duplicate values, this will fail.
  - You are about to drop the column `chief_complaint` on the `consultations` table. All the data in the column will be lost.
  - Added the required column `requested_doctor_id` to the `consultations` table without a default value. This is not possible if the table is not empty.
  - Added the required column `description_enc` to the `consultations` table without a default value. This is not possible if the table is not empty.
  - A unique constraint covering the columns `[consultation_id,seq]` on the table `consultation_messages` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[consultation_id,client_msg_id]` on the table `consultation_messages` will be added. If there are existing duplicate values, this will fail.
  - You are about to drop the column `content` on the `consultation_messages` table. All the data in the column will be lost.
  - You are about to drop the column `read_at` on the `consultation_messages` table. All the data in the column will be lost.
  - Added the required column `seq` to the `consultation_messages` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE `consultations` DROP COLUMN `chief_complaint`,
    ADD COLUMN `requested_doctor_id` CHAR(36) NOT NULL,
    ADD COLUMN `offline_diagnosis_enc` TEXT NULL,
    ADD COLUMN `request_key` VARCHAR(64) NULL,
    ADD COLUMN `description_enc` TEXT NOT NULL,
    ADD COLUMN `paid_at` DATETIME(3) NULL,
    ADD COLUMN `close_reason` VARCHAR(32) NULL,
    ADD COLUMN `last_activity_at` DATETIME(3) NULL,
    ADD COLUMN `last_message_seq` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `patient_read_seq` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `doctor_read_seq` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `refund_requested_at` DATETIME(3) NULL,
    ADD COLUMN `refund_attempt_at` DATETIME(3) NULL,
    ADD COLUMN `refunded_at` DATETIME(3) NULL;

-- AlterTable
ALTER TABLE `consultation_messages` DROP COLUMN `content`,
    DROP COLUMN `read_at`,
    ADD COLUMN `seq` INTEGER NOT NULL,
    ADD COLUMN `text_enc` TEXT NULL,
    ADD COLUMN `file_id` CHAR(36) NULL,
    ADD COLUMN `prescription_id` CHAR(36) NULL,
    ADD COLUMN `system_code` VARCHAR(32) NULL,
    ADD COLUMN `client_msg_id` VARCHAR(64) NULL;

-- CreateTable
CREATE TABLE `stored_files` (
    `id` CHAR(36) NOT NULL,
    `owner_user_id` CHAR(36) NOT NULL,
    `purpose` ENUM('CONSULT_IMAGE', 'MATERIAL') NOT NULL,
    `mime` VARCHAR(64) NOT NULL,
    `size_bytes` INTEGER NOT NULL,
    `storage_key` VARCHAR(255) NOT NULL,
    `key_enc` VARCHAR(255) NOT NULL,
    `ref_type` VARCHAR(32) NULL,
    `ref_id` CHAR(36) NULL,
    `attached_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `deleted_at` DATETIME(3) NULL,

    UNIQUE INDEX `stored_files_storage_key_key`(`storage_key`),
    INDEX `stored_files_owner_user_id_created_at_idx`(`owner_user_id`, `created_at`),
    INDEX `stored_files_ref_type_ref_id_idx`(`ref_type`, `ref_id`),
    INDEX `stored_files_ref_type_created_at_idx`(`ref_type`, `created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateIndex
CREATE INDEX `consultations_requested_doctor_id_idx` ON `consultations`(`requested_doctor_id`);

-- CreateIndex
CREATE INDEX `consultations_department_id_status_paid_at_idx` ON `consultations`(`department_id`, `status`, `paid_at`);

-- DropIndex (after its replacement exists: the foreign key on department_id needs an index)
DROP INDEX `consultations_department_id_idx` ON `consultations`;

-- CreateIndex
CREATE INDEX `consultations_status_last_activity_at_idx` ON `consultations`(`status`, `last_activity_at`);

-- CreateIndex
CREATE INDEX `consultations_status_paid_at_idx` ON `consultations`(`status`, `paid_at`);

-- CreateIndex
CREATE UNIQUE INDEX `consultations_user_id_request_key_key` ON `consultations`(`user_id`, `request_key`);

-- CreateIndex
CREATE INDEX `consultation_messages_file_id_idx` ON `consultation_messages`(`file_id`);

-- CreateIndex
CREATE UNIQUE INDEX `consultation_messages_consultation_id_seq_key` ON `consultation_messages`(`consultation_id`, `seq`);

-- CreateIndex
CREATE UNIQUE INDEX `consultation_messages_consultation_id_client_msg_id_key` ON `consultation_messages`(`consultation_id`, `client_msg_id`);

-- DropIndex (after its replacement exists: the foreign key on consultation_id needs an index)
DROP INDEX `consultation_messages_consultation_id_created_at_idx` ON `consultation_messages`;

-- AddForeignKey
ALTER TABLE `consultation_messages` ADD CONSTRAINT `consultation_messages_file_id_fkey` FOREIGN KEY (`file_id`) REFERENCES `stored_files`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;
