/**
 * Saved delivery addresses (收货地址) of a patient account: name, phone and street detail are
 * encrypted at rest (FieldCipher, AAD = the owner), the phone is shown masked. Deleting is soft
 * (orders keep their own encrypted snapshot). One default address per account.
 */
import { maskPhone, type Address, type AddressInputSchema } from '@ih/contract';
import type { FieldCipher } from '@ih/db';
import type { z } from 'zod';
import { AppError } from '../../lib/errors';
import type { OrderContext } from './context';
import { orderSetting } from './settings';

type AddressInput = z.output<typeof AddressInputSchema>;

interface AddressRow {
  id: string;
  userId: string;
  nameEnc: string;
  phoneEnc: string;
  phoneMasked: string;
  province: string;
  city: string;
  district: string;
  areaCode: string | null;
  detailEnc: string;
  isDefault: boolean;
}

export const addressAad = (userId: string) => `addresses:${userId}`;

export function toAddressView(cipher: FieldCipher, a: AddressRow): Address {
  const aad = addressAad(a.userId);
  return {
    id: a.id,
    name: cipher.decrypt(a.nameEnc, aad),
    phoneMasked: a.phoneMasked,
    province: a.province,
    city: a.city,
    district: a.district,
    areaCode: a.areaCode,
    detail: cipher.decrypt(a.detailEnc, aad),
    isDefault: a.isDefault,
  };
}

/** The encrypted snapshot an order keeps of the address it is delivered to (AAD = the order). */
export function addressSnapshot(cipher: FieldCipher, a: AddressRow, orderId: string): string {
  const aad = addressAad(a.userId);
  const snapshot = { name: cipher.decrypt(a.nameEnc, aad), phone: cipher.decrypt(a.phoneEnc, aad), province: a.province, city: a.city, district: a.district, areaCode: a.areaCode, detail: cipher.decrypt(a.detailEnc, aad) };
  return cipher.encrypt(JSON.stringify(snapshot), `orders:${orderId}:address`);
}

export class AddressService {
  constructor(private readonly ctx: OrderContext) {}

  async list(userId: string): Promise<Address[]> {
    const rows = await this.ctx.prisma.address.findMany({ where: { userId, deletedAt: null }, orderBy: [{ isDefault: 'desc' }, { createdAt: 'desc' }] });
    return rows.map((r) => toAddressView(this.ctx.cipher, r));
  }

  async own(userId: string, id: string): Promise<AddressRow> {
    const row = await this.ctx.prisma.address.findFirst({ where: { id, userId, deletedAt: null } });
    if (!row) throw new AppError('NOT_FOUND', { message: '收货地址不存在' });
    return row;
  }

  async create(userId: string, input: AddressInput): Promise<Address> {
    const { prisma, cipher } = this.ctx;
    const max = await orderSetting(prisma, 'maxAddresses', this.ctx.logger);
    const aad = addressAad(userId);
    const row = await prisma.$transaction(async (tx) => {
      const count = await tx.address.count({ where: { userId, deletedAt: null } });
      if (count >= max) throw new AppError('ADDRESS_LIMIT_REACHED');
      const makeDefault = input.isDefault === true || count === 0;
      if (makeDefault) await tx.address.updateMany({ where: { userId, isDefault: true }, data: { isDefault: false } });
      return tx.address.create({
        data: {
          userId,
          nameEnc: cipher.encrypt(input.name, aad),
          phoneEnc: cipher.encrypt(input.phone, aad),
          phoneMasked: maskPhone(input.phone),
          province: input.province,
          city: input.city,
          district: input.district,
          areaCode: input.areaCode ?? null,
          detailEnc: cipher.encrypt(input.detail, aad),
          isDefault: makeDefault,
        },
      });
    });
    return toAddressView(cipher, row);
  }

  async update(userId: string, id: string, input: AddressInput): Promise<Address> {
    const { prisma, cipher } = this.ctx;
    await this.own(userId, id);
    const aad = addressAad(userId);
    const row = await prisma.$transaction(async (tx) => {
      if (input.isDefault === true) await tx.address.updateMany({ where: { userId, isDefault: true, NOT: { id } }, data: { isDefault: false } });
      return tx.address.update({
        where: { id },
        data: {
          nameEnc: cipher.encrypt(input.name, aad),
          phoneEnc: cipher.encrypt(input.phone, aad),
          phoneMasked: maskPhone(input.phone),
          province: input.province,
          city: input.city,
          district: input.district,
          areaCode: input.areaCode ?? null,
          detailEnc: cipher.encrypt(input.detail, aad),
          ...(input.isDefault !== undefined ? { isDefault: input.isDefault } : {}),
        },
      });
    });
    return toAddressView(cipher, row);
  }

  async remove(userId: string, id: string): Promise<void> {
    const row = await this.own(userId, id);
    await this.ctx.prisma.$transaction(async (tx) => {
      await tx.address.updateMany({ where: { id, userId, deletedAt: null }, data: { deletedAt: this.ctx.now(), isDefault: false } });
      if (row.isDefault) {
        const next = await tx.address.findFirst({ where: { userId, deletedAt: null }, orderBy: { createdAt: 'desc' }, select: { id: true } });
        if (next) await tx.address.update({ where: { id: next.id }, data: { isDefault: true } });
      }
    });
  }
}
