/*
  Warnings:

  - A unique constraint covering the columns `[order_id,idempotency_key]` on the table `payments` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[open_key]` on the table `refunds` will be added. If there are existing duplicate values, this will fail.
  - The values [PENDING,EXPIRED] on the enum `refunds_status` will be removed. If these variants are still used in the database, this will fail.

*/
-- AlterTable
ALTER TABLE `orders` MODIFY `state` ENUM('CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'PAID', 'PAY_FAILED', 'CANCELLED', 'CLOSED', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED') NOT NULL DEFAULT 'CREATED',
    ADD COLUMN `fulfilment` ENUM('PICKUP', 'DELIVERY') NULL,
    ADD COLUMN `address_id` CHAR(36) NULL,
    ADD COLUMN `self_pay_reason` VARCHAR(32) NULL,
    ADD COLUMN `insutype` VARCHAR(6) NULL,
    ADD COLUMN `insuplc_admdvs` VARCHAR(6) NULL,
    ADD COLUMN `pay_authorization_id` CHAR(36) NULL,
    ADD COLUMN `uld_latlnt` VARCHAR(40) NULL,
    ADD COLUMN `pre_settled_at` DATETIME(3) NULL,
    ADD COLUMN `hi_settled_at` DATETIME(3) NULL,
    ADD COLUMN `cash_paid_at` DATETIME(3) NULL,
    ADD COLUMN `closed_at` DATETIME(3) NULL,
    ADD COLUMN `dispatched_at` DATETIME(3) NULL,
    ADD COLUMN `flagged` BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN `flag_reason` VARCHAR(255) NULL,
    ADD COLUMN `flagged_at` DATETIME(3) NULL,
    ADD COLUMN `reconcile_lease_until` DATETIME(3) NULL,
    ADD COLUMN `reconcile_attempts` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `last_polled_at` DATETIME(3) NULL;

-- AlterTable
ALTER TABLE `payments` ADD COLUMN `prepay_id` VARCHAR(128) NULL,
    ADD COLUMN `idempotency_key` VARCHAR(64) NULL;

-- AlterTable
ALTER TABLE `refunds` ADD COLUMN `open_key` CHAR(36) NULL,
    MODIFY `status` ENUM('AWAITING_APPROVAL', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'REJECTED') NOT NULL DEFAULT 'PROCESSING',
    ADD COLUMN `delivery_fee_fen` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `hi_status` ENUM('NONE', 'AWAITING_AUTH', 'PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED') NOT NULL DEFAULT 'NONE',
    ADD COLUMN `cash_status` ENUM('NONE', 'AWAITING_AUTH', 'PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED') NOT NULL DEFAULT 'NONE',
    ADD COLUMN `cash_channel` ENUM('WECHAT', 'ALIPAY', 'NHSA_APP') NULL,
    ADD COLUMN `cash_refund_id` VARCHAR(64) NULL,
    ADD COLUMN `hi_attempts` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `cash_attempts` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `requested_by` VARCHAR(64) NOT NULL DEFAULT 'system',
    ADD COLUMN `decided_by_user_id` CHAR(36) NULL,
    ADD COLUMN `decided_at` DATETIME(3) NULL,
    ADD COLUMN `decision_comment` VARCHAR(255) NULL;

-- AlterTable
ALTER TABLE `inbound_notifications` MODIFY `source` ENUM('NHSA', 'WECHAT_PAY', 'ALIPAY', 'NATIONAL_APP') NOT NULL;

-- CreateTable
CREATE TABLE `addresses` (
    `id` CHAR(36) NOT NULL,
    `user_id` CHAR(36) NOT NULL,
    `name_enc` VARCHAR(512) NOT NULL,
    `phone_enc` VARCHAR(512) NOT NULL,
    `phone_masked` VARCHAR(20) NOT NULL,
    `province` VARCHAR(32) NOT NULL,
    `city` VARCHAR(32) NOT NULL,
    `district` VARCHAR(32) NOT NULL,
    `area_code` CHAR(6) NULL,
    `detail_enc` VARCHAR(1024) NOT NULL,
    `is_default` BOOLEAN NOT NULL DEFAULT false,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `deleted_at` DATETIME(3) NULL,

    INDEX `addresses_user_id_deleted_at_idx`(`user_id`, `deleted_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `order_events` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `order_id` CHAR(36) NOT NULL,
    `transition` VARCHAR(48) NOT NULL,
    `from_state` ENUM('CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'PAID', 'PAY_FAILED', 'CANCELLED', 'CLOSED', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED') NULL,
    `to_state` ENUM('CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'PAID', 'PAY_FAILED', 'CANCELLED', 'CLOSED', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED') NOT NULL,
    `actor` VARCHAR(80) NOT NULL,
    `detail` JSON NULL,
    `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `order_events_order_id_id_idx`(`order_id`, `id`),
    INDEX `order_events_transition_at_idx`(`transition`, `at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `reconciliation_runs` (
    `id` CHAR(36) NOT NULL,
    `instance_id` VARCHAR(64) NOT NULL,
    `status` ENUM('RUNNING', 'SUCCEEDED', 'FAILED') NOT NULL DEFAULT 'RUNNING',
    `started_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `finished_at` DATETIME(3) NULL,
    `examined` INTEGER NOT NULL DEFAULT 0,
    `settled` INTEGER NOT NULL DEFAULT 0,
    `failed` INTEGER NOT NULL DEFAULT 0,
    `closed` INTEGER NOT NULL DEFAULT 0,
    `refunded` INTEGER NOT NULL DEFAULT 0,
    `flagged` INTEGER NOT NULL DEFAULT 0,
    `errors` INTEGER NOT NULL DEFAULT 0,
    `error_message` VARCHAR(500) NULL,

    INDEX `reconciliation_runs_started_at_idx`(`started_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateIndex
CREATE INDEX `orders_address_id_idx` ON `orders`(`address_id`);

-- CreateIndex
CREATE INDEX `orders_flagged_updated_at_idx` ON `orders`(`flagged`, `updated_at`);

-- CreateIndex
CREATE UNIQUE INDEX `payments_order_id_idempotency_key_key` ON `payments`(`order_id`, `idempotency_key`);

-- CreateIndex
CREATE UNIQUE INDEX `refunds_open_key_key` ON `refunds`(`open_key`);

-- AddForeignKey
ALTER TABLE `orders` ADD CONSTRAINT `orders_address_id_fkey` FOREIGN KEY (`address_id`) REFERENCES `addresses`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `addresses` ADD CONSTRAINT `addresses_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `order_events` ADD CONSTRAINT `order_events_order_id_fkey` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
