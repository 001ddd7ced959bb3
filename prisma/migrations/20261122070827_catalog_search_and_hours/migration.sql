-- AlterTable
ALTER TABLE `doctors` ADD COLUMN `working_hours` JSON NULL;

-- AlterTable
ALTER TABLE `diseases` ADD COLUMN `keywords` VARCHAR(255) NULL;
