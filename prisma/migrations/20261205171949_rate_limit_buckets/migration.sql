-- CreateTable
CREATE TABLE `rate_limit_buckets` (
    `key` VARCHAR(191) NOT NULL,
    `points` INTEGER NOT NULL,
    `expire` DATETIME(3) NULL,

    INDEX `rate_limit_buckets_expire_idx`(`expire`),
    PRIMARY KEY (`key`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
