-- CreateTable
CREATE TABLE `callback_nonces` (
    `key` CHAR(64) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,

    INDEX `callback_nonces_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`key`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
