/*
  Warnings:

  - A unique constraint covering the columns `[access_token_hash]` on the table `sessions` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[refresh_token_hash]` on the table `sessions` will be added. If there are existing duplicate values, this will fail.
  - You are about to drop the column `token_hash` on the `sessions` table. All the data in the column will be lost.
  - Added the required column `family_id` to the `sessions` table without a default value. This is not possible if the table is not empty.
  - Added the required column `access_token_hash` to the `sessions` table without a default value. This is not possible if the table is not empty.
  - Added the required column `access_expires_at` to the `sessions` table without a default value. This is not possible if the table is not empty.
  - Added the required column `refresh_token_hash` to the `sessions` table without a default value. This is not possible if the table is not empty.

  Sessions of the old single-token layout cannot be converted (only a hash of their token was
  stored, and no sign-in issued any before this migration): they are deleted, which signs out
  nobody, and makes the new NOT NULL columns safe to add.
*/
-- DeleteRows
DELETE FROM `sessions`;

-- DropIndex
DROP INDEX `sessions_token_hash_key` ON `sessions`;

-- AlterTable
ALTER TABLE `sessions` DROP COLUMN `token_hash`,
    ADD COLUMN `family_id` CHAR(36) NOT NULL,
    ADD COLUMN `access_token_hash` CHAR(64) NOT NULL,
    ADD COLUMN `access_expires_at` DATETIME(3) NOT NULL,
    ADD COLUMN `refresh_token_hash` CHAR(64) NOT NULL,
    ADD COLUMN `rotated_at` DATETIME(3) NULL,
    ADD COLUMN `revoked_reason` ENUM('LOGOUT', 'LOGOUT_ALL', 'REFRESH_REUSE', 'ACCOUNT_DISABLED') NULL;

-- CreateIndex
CREATE UNIQUE INDEX `sessions_access_token_hash_key` ON `sessions`(`access_token_hash`);

-- CreateIndex
CREATE UNIQUE INDEX `sessions_refresh_token_hash_key` ON `sessions`(`refresh_token_hash`);

-- CreateIndex
CREATE INDEX `sessions_family_id_idx` ON `sessions`(`family_id`);
