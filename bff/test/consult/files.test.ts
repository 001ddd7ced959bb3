/**
 * Uploads against the real database and disk: the type comes from the bytes (declared type and
 * extension must agree), per-purpose size limits (413) and types (415), encrypted at rest, owner
 * access (others 404, staff only through a consultation they may read), signed URLs (expiry,
 * tampering), the per-day quota, audit rows without names.
 */
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { UploadedFileSchema } from '@ih/contract';
import { FileUrlSigner } from '../../src/domains/files/urls';
import { api, bearer, brokenJpeg, gif, heic, jpeg, makeWorld, png, upload, waitingConsultation, type World } from './world';

let w: World;

beforeAll(async () => {
  w = await makeWorld({ settings: { files: { maxBytes: { CONSULT_IMAGE: 4096, MATERIAL: 64 * 1024 }, maxUnattachedPerDay: 40 } } });
});
afterAll(() => w.close());

describe('upload: the real type decides', () => {
  it('stores a PNG (201) with the sniffed type, size and a signed URL; the bytes on disk are encrypted', async () => {
    const content = png();
    const res = await upload(w, w.owner, content, { filename: 'IMG_0001.PNG', contentType: 'image/png' });
    expect(res.status).toBe(201);
    const body = UploadedFileSchema.parse(res.body);
    expect(body).toMatchObject({ purpose: 'CONSULT_IMAGE', mime: 'image/png' });
    expect(body.sizeBytes).toBeGreaterThan(0); // the re-encoded picture's size (see “photos are cleaned”)
    expect(body.url).toMatch(new RegExp(`^/api/v1/files/${body.id}/content\\?exp=\\d+&sig=`));
    const row = await w.prisma.storedFile.findUniqueOrThrow({ where: { id: body.id } });
    expect(row).toMatchObject({ ownerUserId: w.owner.userId, refType: null, mime: 'image/png' });
    const onDisk = readFileSync(w.module.core.deps.files.store.locate(row.storageKey));
    expect(onDisk.subarray(0, 4).toString()).toBe('IHF1');
    expect(onDisk.includes(content.subarray(0, 16))).toBe(false); // no PNG signature in clear
    expect(row.keyEnc).not.toContain(row.id);
  });

  it('takes JPEG, HEIC, and a declared type that says nothing (application/octet-stream, as mini-programs send)', async () => {
    expect((await upload(w, w.owner, jpeg(), { filename: 'a.jpg', contentType: 'image/jpeg' })).body).toMatchObject({ mime: 'image/jpeg' });
    expect((await upload(w, w.owner, heic(), { filename: 'IMG_2.HEIC', contentType: 'image/heic' })).body).toMatchObject({ mime: 'image/heic' });
    const generic = await upload(w, w.owner, jpeg(), { filename: 'tmp_abc', contentType: 'application/octet-stream' });
    expect(generic.status).toBe(201);
    expect(generic.body.mime).toBe('image/jpeg');
  });

  it('415 FILE_TYPE_MISMATCH when the declared type or the extension disagrees with the content', async () => {
    const declared = await upload(w, w.owner, jpeg(), { filename: 'a.jpg', contentType: 'image/png' });
    expect(declared.status).toBe(415);
    expect(declared.body).toMatchObject({ code: 'FILE_TYPE_MISMATCH', message: expect.stringContaining('不符') });
    const ext = await upload(w, w.owner, png(), { filename: 'x.jpg', contentType: 'application/octet-stream' });
    expect(ext.status).toBe(415);
    expect(ext.body.code).toBe('FILE_TYPE_MISMATCH');
  });

  it('415 FILE_TYPE_NOT_ALLOWED for content we do not take (GIF, text pretending to be a PNG, a PDF as a consultation image)', async () => {
    const g = await upload(w, w.owner, gif(), { filename: 'a.gif', contentType: 'image/gif' });
    expect(g.status).toBe(415);
    expect(g.body).toMatchObject({ code: 'FILE_TYPE_NOT_ALLOWED', message: expect.stringContaining('JPG') });
    const fake = await upload(w, w.owner, Buffer.from('<script>alert(1)</script>'.repeat(10)), { filename: 'a.png', contentType: 'image/png' });
    expect(fake.status).toBe(415);
    expect(fake.body.code).toBe('FILE_TYPE_NOT_ALLOWED');
    const doc = await PDFDocument.create();
    doc.addPage();
    const pdf = Buffer.from(await doc.save());
    const asImage = await upload(w, w.owner, pdf, { filename: 'a.pdf', contentType: 'application/pdf' });
    expect(asImage.status).toBe(415);
    expect(asImage.body.message).not.toContain('PDF');
    const asMaterial = await upload(w, w.owner, pdf, { filename: 'a.pdf', contentType: 'application/pdf', purpose: 'MATERIAL' });
    expect(asMaterial.status).toBe(201);
    expect(asMaterial.body).toMatchObject({ purpose: 'MATERIAL', mime: 'application/pdf' });
  });

  it('413 FILE_TOO_LARGE beyond the purpose’s limit (configured: 4 KB for images here), with the limit in the message', async () => {
    const res = await upload(w, w.owner, png(5000));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'FILE_TOO_LARGE', message: expect.stringContaining('4KB') });
    expect((await upload(w, w.owner, png(4000))).status).toBe(201);
    // The same bytes are fine as a material (64 KB).
    expect((await upload(w, w.owner, png(5000), { purpose: 'MATERIAL' })).status).toBe(201);
  });

  it('400 for no file, an unknown purpose, two files; 401 without a session; materials are for patients only', async () => {
    const none = await request(w.app.callback()).post('/api/v1/files?purpose=CONSULT_IMAGE').set(bearer(w.owner.token)).field('x', '1');
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('FILE_MISSING');
    const json = await request(w.app.callback()).post('/api/v1/files?purpose=CONSULT_IMAGE').set(bearer(w.owner.token)).send({ file: 'x' });
    expect(json.body.code).toBe('FILE_MISSING');
    const purpose = await upload(w, w.owner, png(), { purpose: 'AVATAR' });
    expect(purpose.status).toBe(400);
    expect(purpose.body.code).toBe('VALIDATION_FAILED');
    const two = await request(w.app.callback()).post('/api/v1/files?purpose=CONSULT_IMAGE').set(bearer(w.owner.token)).attach('file', png(), 'a.png').attach('file', png(), 'b.png');
    expect(two.status).toBe(400);
    expect((await request(w.app.callback()).post('/api/v1/files?purpose=CONSULT_IMAGE').attach('file', png(), 'a.png')).status).toBe(401);
    const doctorMaterial = await upload(w, w.doctor.A, png(), { purpose: 'MATERIAL' });
    expect(doctorMaterial.status).toBe(403);
    expect((await upload(w, w.doctor.A, png())).status).toBe(201);
  });

  it('the purpose may come as a form field before the file', async () => {
    const res = await request(w.app.callback()).post('/api/v1/files').set(bearer(w.owner.token)).field('purpose', 'CONSULT_IMAGE').attach('file', png(), 'a.png');
    expect(res.status).toBe(201);
  });

  it('is audited with purpose, type and size only (no file name)', async () => {
    const res = await upload(w, w.owner, png(), { filename: '张建国-化验单.png' });
    const row = await w.prisma.auditLog.findFirstOrThrow({ where: { action: 'file.uploaded', targetId: res.body.id } });
    expect(row).toMatchObject({ targetType: 'file', actorUserId: w.owner.userId, actorRole: 'PATIENT' });
    expect(row.details).toEqual({ purpose: 'CONSULT_IMAGE', mime: 'image/png', sizeBytes: res.body.sizeBytes });
    expect(JSON.stringify(row.details)).not.toContain('张建国');
  });
});

describe('photos are cleaned before they are stored', () => {
  const read = async (id: string) =>
    (
      await api(w)
        .get(`/files/${id}`, w.owner.token)
        .buffer(true)
        .parse((r, cb) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => cb(null, Buffer.concat(parts)));
        })
    ).body as Buffer;

  it('a phone JPEG loses its EXIF (GPS position, camera) and is turned upright by its orientation', async () => {
    // 24×12 landscape pixels tagged "rotate 90° clockwise" (orientation 6), with GPS and camera data.
    const photo = await sharp({ create: { width: 24, height: 12, channels: 3, background: { r: 10, g: 120, b: 200 } } })
      .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Phone X Serial 4711' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '38/1 28/1 1234/100', GPSLongitudeRef: 'E', GPSLongitude: '106/1 16/1 0/1' } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const before = await sharp(photo).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif).toBeDefined();
    const res = await upload(w, w.owner, photo, { filename: 'IMG_2041.JPG', contentType: 'image/jpeg' });
    expect(res.status).toBe(201);
    const stored = await read(res.body.id);
    const after = await sharp(stored).metadata();
    expect(after.format).toBe('jpeg');
    expect([after.width, after.height]).toEqual([12, 24]); // upright
    expect(after.orientation).toBeUndefined();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(stored.includes(Buffer.from('Phone X Serial'))).toBe(false);
    expect(stored.includes(Buffer.from('PhoneMaker'))).toBe(false);
    expect(res.body.sizeBytes).toBe(stored.length);
  });

  it('PNG and WebP metadata goes too', async () => {
    const exif = { IFD0: { Make: 'PhoneMaker', Model: 'Phone X Serial 4711' } };
    const pngWithExif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#0a0' } }).withExif(exif).png().toBuffer();
    const webpWithExif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#0a0' } }).withExif(exif).webp().toBuffer();
    expect((await sharp(pngWithExif).metadata()).exif).toBeDefined();
    expect((await sharp(webpWithExif).metadata()).exif).toBeDefined();
    for (const [content, mime, filename] of [[pngWithExif, 'image/png', 'a.png'], [webpWithExif, 'image/webp', 'a.webp']] as const) {
      const res = await upload(w, w.owner, content, { filename, contentType: mime });
      expect(res.status).toBe(201);
      const stored = await read(res.body.id);
      expect((await sharp(stored).metadata()).exif).toBeUndefined();
      expect(stored.includes(Buffer.from('Phone X Serial'))).toBe(false);
    }
  });

  it('415 FILE_DAMAGED for a file that starts like a JPEG but is not a picture; nothing is stored', async () => {
    const before = await w.prisma.storedFile.count({ where: { ownerUserId: w.owner.userId } });
    const res = await upload(w, w.owner, brokenJpeg(), { filename: 'a.jpg', contentType: 'image/jpeg' });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'FILE_DAMAGED', message: '图片已损坏或无法识别，请重新拍摄或选择其他图片后上传' });
    expect(await w.prisma.storedFile.count({ where: { ownerUserId: w.owner.userId } })).toBe(before);
  });
});

describe('reading', () => {
  it('the owner reads it back (decrypted, with its type, never cached, sandboxed)', async () => {
    const content = png();
    const { body } = await upload(w, w.owner, content);
    const res = await api(w).get(`/files/${body.id}`, w.owner.token).buffer(true).parse((r, cb) => {
      const parts: Buffer[] = [];
      r.on('data', (c: Buffer) => parts.push(c));
      r.on('end', () => cb(null, Buffer.concat(parts)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    // The same picture (PNG is re-encoded losslessly): same size and pixels.
    const [got, sent] = await Promise.all([sharp(res.body as Buffer).raw().toBuffer({ resolveWithObject: true }), sharp(content).raw().toBuffer({ resolveWithObject: true })]);
    expect([got.info.width, got.info.height]).toEqual([sent.info.width, sent.info.height]);
    expect(Buffer.compare(got.data, sent.data)).toBe(0);
    expect(body.sizeBytes).toBe((res.body as Buffer).length);
  });

  it('another patient or an unrelated doctor gets 404; after attaching to a consultation, doctors of its department may read it', async () => {
    const { body } = await upload(w, w.owner, png());
    expect((await api(w).get(`/files/${body.id}`, w.other.token)).status).toBe(404);
    expect((await api(w).get(`/files/${body.id}`, w.doctor.B.token)).status).toBe(404);
    await waitingConsultation(w, { imageFileIds: [body.id] }, w.owner);
    expect((await api(w).get(`/files/${body.id}`, w.doctor.B.token)).status).toBe(200);
    expect((await api(w).get(`/files/${body.id}`, w.doctor.X.token)).status).toBe(404);
    expect((await api(w).get(`/files/${body.id}`, w.other.token)).status).toBe(404);
  });

  it('signed URLs open the file without a header until they expire; a changed id or signature is 404, an expired one 403', async () => {
    const { body } = await upload(w, w.owner, png());
    const ok = await request(w.app.callback()).get(body.url);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/png');
    expect(ok.headers['cache-control']).toMatch(/^private, max-age=\d+$/);
    const other = await upload(w, w.owner, png());
    expect((await request(w.app.callback()).get(body.url.replace(body.id, other.body.id))).status).toBe(404);
    expect((await request(w.app.callback()).get(body.url.replace(/sig=.{4}/, 'sig=AAAA'))).status).toBe(404);
    expect((await request(w.app.callback()).get(`/api/v1/files/${body.id}/content`)).status).toBe(404);
    const past = new FileUrlSigner(w.config.secrets, 60, () => Date.now() - 3600_000).sign(body.id);
    const expired = await request(w.app.callback()).get(past.url);
    expect(expired.status).toBe(403);
    expect(expired.body.code).toBe('FILE_LINK_EXPIRED');
  });
});

describe('quota', () => {
  it('429 FILE_UPLOAD_LIMIT when a user has too many unattached uploads in 24 hours (others unaffected)', async () => {
    const fresh = await w.prisma.user.create({ data: { role: 'PATIENT', wechatOpenId: `quota_${w.tag}` }, select: { id: true } });
    const { signIn } = await import('../authHelpers');
    const s = await signIn({ prisma: w.prisma, config: w.config } as never, fresh.id);
    const who = { userId: fresh.id, token: s.tokens.accessToken };
    await w.prisma.storedFile.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({ ownerUserId: fresh.id, purpose: 'CONSULT_IMAGE' as const, mime: 'image/png', sizeBytes: 1, storageKey: `quota/${w.tag}/${i}`, keyEnc: 'x' })),
    });
    const res = await upload(w, who, png());
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('FILE_UPLOAD_LIMIT');
    expect((await upload(w, w.other, png())).status).toBe(201);
  });

  it('the clean-up removes unattached uploads past their time (row marked, content gone) and keeps attached ones', async () => {
    const loose = await upload(w, w.other, png());
    const row = await w.prisma.storedFile.findUniqueOrThrow({ where: { id: loose.body.id } });
    await w.prisma.storedFile.update({ where: { id: row.id }, data: { createdAt: new Date(Date.now() - 48 * 3600_000) } });
    const removed = await w.module.core.deps.files.removeUnattached();
    expect(removed).toBeGreaterThanOrEqual(1);
    expect((await w.prisma.storedFile.findUniqueOrThrow({ where: { id: row.id } })).deletedAt).not.toBeNull();
    expect(() => readFileSync(w.module.core.deps.files.store.locate(row.storageKey))).toThrow();
    expect((await api(w).get(`/files/${row.id}`, w.other.token)).status).toBe(404);
  });
});
