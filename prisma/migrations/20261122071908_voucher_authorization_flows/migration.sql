/*
  Warnings:

  - A unique constraint covering the columns `[national_app_id_hash]` on the table `users` will be added. If there are existing duplicate values, this will fail.
  - The values [CONSULTATION_PAY,PRESCRIPTION_PAY] on the enum `voucher_authorizations_purpose` are replaced by PAYMENT:
    the enum is widened first and existing rows are moved to PAYMENT, so no row is lost.

*/
-- AlterTable
ALTER TABLE `users` ADD COLUMN `national_app_id_hash` CHAR(64) NULL;

-- AlterTable (widen, move old payment purposes to PAYMENT, then narrow)
ALTER TABLE `voucher_authorizations` MODIFY `purpose` ENUM('CONSULTATION_PAY', 'PRESCRIPTION_PAY', 'PAYMENT', 'REFUND') NOT NULL;

UPDATE `voucher_authorizations` SET `purpose` = 'PAYMENT' WHERE `purpose` IN ('CONSULTATION_PAY', 'PRESCRIPTION_PAY');

-- AlterTable
ALTER TABLE `voucher_authorizations` MODIFY `purpose` ENUM('PAYMENT', 'REFUND') NOT NULL,
    ADD COLUMN `authorizer_name_masked` VARCHAR(64) NULL,
    ADD COLUMN `insured_identity_id` CHAR(36) NULL,
    ADD COLUMN `revoked_at` DATETIME(3) NULL;

-- CreateTable
CREATE TABLE `auth_flows` (
    `id` CHAR(36) NOT NULL,
    `kind` ENUM('NHSA_LOGIN', 'NHSA_VOUCHER', 'ALIPAY_VOUCHER', 'LOGIN_HANDOFF') NOT NULL,
    `state_hash` CHAR(64) NOT NULL,
    `binding_hash` CHAR(64) NULL,
    `user_id` CHAR(36) NULL,
    `patient_id` CHAR(36) NULL,
    `order_id` CHAR(36) NULL,
    `purpose` ENUM('PAYMENT', 'REFUND') NULL,
    `channel` ENUM('WEAPP', 'ALIPAY', 'H5') NULL,
    `return_to` VARCHAR(512) NULL,
    `data_enc` VARCHAR(2048) NULL,
    `expires_at` DATETIME(3) NOT NULL,
    `used_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `auth_flows_state_hash_key`(`state_hash`),
    INDEX `auth_flows_user_id_created_at_idx`(`user_id`, `created_at`),
    INDEX `auth_flows_patient_id_idx`(`patient_id`),
    INDEX `auth_flows_order_id_idx`(`order_id`),
    INDEX `auth_flows_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateIndex
CREATE UNIQUE INDEX `users_national_app_id_hash_key` ON `users`(`national_app_id_hash`);

-- CreateIndex
CREATE INDEX `voucher_authorizations_insured_identity_id_idx` ON `voucher_authorizations`(`insured_identity_id`);

-- AddForeignKey
ALTER TABLE `voucher_authorizations` ADD CONSTRAINT `voucher_authorizations_insured_identity_id_fkey` FOREIGN KEY (`insured_identity_id`) REFERENCES `insured_identities`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `auth_flows` ADD CONSTRAINT `auth_flows_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `auth_flows` ADD CONSTRAINT `auth_flows_patient_id_fkey` FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `auth_flows` ADD CONSTRAINT `auth_flows_order_id_fkey` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;
