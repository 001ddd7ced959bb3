/*
  Warnings:

  - A unique constraint covering the columns `[agency_app_no]` on the table `self_service_applications` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[user_id,request_key]` on the table `self_service_applications` will be added. If there are existing duplicate values, this will fail.
  - Added the required column `request_key` to the `self_service_applications` table without a default value. This is not possible if the table is not empty.
  - A unique constraint covering the columns `[agency_event_id]` on the table `self_service_status_history` will be added. If there are existing duplicate values, this will fail.

*/
-- DropIndex
DROP INDEX `self_service_applications_status_idx` ON `self_service_applications`;

-- AlterTable
ALTER TABLE `self_service_applications` ADD COLUMN `person_hash` CHAR(64) NULL,
    ADD COLUMN `request_key` VARCHAR(64) NOT NULL,
    MODIFY `status` ENUM('SUBMITTED', 'ACCEPTED', 'SUPPLEMENT_REQUIRED', 'REVIEWING', 'RECHECKING', 'DISBURSING', 'COMPLETED', 'REJECTED', 'WITHDRAWN') NOT NULL DEFAULT 'SUBMITTED',
    ADD COLUMN `current_step` VARCHAR(16) NULL,
    ADD COLUMN `agency_app_no` VARCHAR(64) NULL,
    ADD COLUMN `agency_seq` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `delivered_at` DATETIME(3) NULL,
    ADD COLUMN `submit_attempts` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `last_submit_error` VARCHAR(64) NULL,
    ADD COLUMN `next_submit_at` DATETIME(3) NULL,
    ADD COLUMN `last_synced_at` DATETIME(3) NULL,
    ADD COLUMN `supplement` JSON NULL,
    ADD COLUMN `reject_reason` VARCHAR(500) NULL,
    ADD COLUMN `result` JSON NULL,
    ADD COLUMN `deadline_estimated` BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN `accepted_at` DATETIME(3) NULL,
    ADD COLUMN `cancelled_at` DATETIME(3) NULL;

-- AlterTable
ALTER TABLE `self_service_status_history` MODIFY `from_status` ENUM('SUBMITTED', 'ACCEPTED', 'SUPPLEMENT_REQUIRED', 'REVIEWING', 'RECHECKING', 'DISBURSING', 'COMPLETED', 'REJECTED', 'WITHDRAWN') NULL,
    MODIFY `to_status` ENUM('SUBMITTED', 'ACCEPTED', 'SUPPLEMENT_REQUIRED', 'REVIEWING', 'RECHECKING', 'DISBURSING', 'COMPLETED', 'REJECTED', 'WITHDRAWN') NOT NULL,
    ADD COLUMN `step` VARCHAR(16) NULL,
    ADD COLUMN `agency_event_id` VARCHAR(64) NULL;

-- CreateTable
CREATE TABLE `self_service_items` (
    `code` VARCHAR(64) NOT NULL,
    `seq` INTEGER NOT NULL,
    `category` VARCHAR(32) NOT NULL,
    `mode` VARCHAR(16) NOT NULL,
    `title` VARCHAR(128) NOT NULL,
    `sort` INTEGER NOT NULL DEFAULT 0,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `definition` JSON NOT NULL,
    `digest` CHAR(64) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `self_service_items_seq_key`(`seq`),
    INDEX `self_service_items_enabled_sort_idx`(`enabled`, `sort`),
    PRIMARY KEY (`code`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `recognized_diseases` (
    `id` CHAR(36) NOT NULL,
    `id_number_hash` CHAR(64) NOT NULL,
    `disease_code` VARCHAR(20) NOT NULL,
    `disease_name` VARCHAR(128) NOT NULL,
    `kind` VARCHAR(16) NOT NULL,
    `recognized_at` DATETIME(3) NOT NULL,
    `valid_until` DATE NULL,
    `application_id` CHAR(36) NULL,
    `agency_ref` VARCHAR(64) NULL,
    `revoked_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    INDEX `recognized_diseases_application_id_idx`(`application_id`),
    UNIQUE INDEX `recognized_diseases_id_number_hash_disease_code_key`(`id_number_hash`, `disease_code`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `notifications` (
    `id` CHAR(36) NOT NULL,
    `user_id` CHAR(36) NOT NULL,
    `kind` VARCHAR(32) NOT NULL,
    `title` VARCHAR(64) NOT NULL,
    `body` VARCHAR(500) NOT NULL,
    `target_type` VARCHAR(32) NULL,
    `target_id` VARCHAR(64) NULL,
    `dedupe_key` VARCHAR(128) NULL,
    `read_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `notifications_dedupe_key_key`(`dedupe_key`),
    INDEX `notifications_user_id_created_at_idx`(`user_id`, `created_at`),
    INDEX `notifications_user_id_read_at_idx`(`user_id`, `read_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateIndex
CREATE UNIQUE INDEX `self_service_applications_agency_app_no_key` ON `self_service_applications`(`agency_app_no`);

-- CreateIndex
CREATE INDEX `self_service_applications_person_hash_idx` ON `self_service_applications`(`person_hash`);

-- CreateIndex
CREATE INDEX `self_service_applications_status_next_submit_at_idx` ON `self_service_applications`(`status`, `next_submit_at`);

-- CreateIndex
CREATE UNIQUE INDEX `self_service_applications_user_id_request_key_key` ON `self_service_applications`(`user_id`, `request_key`);

-- CreateIndex
CREATE UNIQUE INDEX `self_service_status_history_agency_event_id_key` ON `self_service_status_history`(`agency_event_id`);
