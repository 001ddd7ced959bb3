/**
 * components/Upload (shared by 问诊 and 自助办理): pick → check type/size (Chinese reasons, nothing
 * sent) → Taro.uploadFile with the session's headers → per-file progress → file ids; BFF refusals
 * without 重试, network failures with 重试, remove aborts, the count limit, SESSION_EXPIRED
 * refresh; and the per-target media modules.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { Upload, useUploads, type Uploads } from '../src/components/Upload';
import { media as alipayMedia } from '../src/platform/media.alipay';
import { media as weappMedia } from '../src/platform/media.weapp';
import { resetSignInRedirect } from '../src/services/request';
import { getToken, saveSession } from '../src/services/session';
import { fakeUploads, fileId, pickH5, uploaded } from './consultFixtures';
import { fakeBff, tokens } from './fakeBff';

const RULES = { purpose: 'CONSULT_IMAGE' } as const;
let state: Uploads;

function Harness({ max = 9 }: { max?: number }) {
  const uploads = useUploads({ ...RULES, max });
  state = uploads;
  return (
    <>
      <Upload uploads={uploads} rules={RULES} max={max} />
      <span className='ids'>{uploads.fileIds.join(',')}</span>
      <span className='busy'>{uploads.busy ? 'busy' : 'idle'}</span>
    </>
  );
}

const jpg = (name = 'report.jpg', size = 300_000) => ({ name, type: 'image/jpeg', size });

beforeEach(() => {
  resetSignInRedirect();
  saveSession(tokens());
});

describe('checks before uploading', () => {
  it('refuses a wrong type and a too-large file with what to do, and sends nothing', async () => {
    const uploads = fakeUploads();
    const { container } = render(<Harness />);
    expect(screen.getByText('支持 JPG、PNG、WEBP 或 HEIC 图片，单个不超过 10MB，最多 9 张')).toBeTruthy();
    pickH5([{ name: 'anim.gif', type: 'image/gif', size: 1000 }, jpg('big.jpg', 12 * 1024 * 1024), { name: 'empty.png', type: 'image/png', size: 0 }]);
    fireEvent.click(screen.getByText('添加图片'));
    expect(await screen.findByText('「anim.gif」的格式不支持，请选择 JPG、PNG、WEBP 或 HEIC 格式的图片')).toBeTruthy();
    expect(screen.getByText('「big.jpg」大小 12MB，超过 10MB 的上限，请压缩或截图后重新选择')).toBeTruthy();
    expect(screen.getByText('「empty.png」是空文件，请重新选择')).toBeTruthy();
    expect(container.querySelectorAll('.upload__item')).toHaveLength(0);
    expect(uploads).toHaveLength(0);
  });

  it('asks the picker only for what is left and never keeps more than the maximum', async () => {
    const uploads = fakeUploads((u) => ({ status: 201, body: uploaded(uploads.indexOf(u) + 1) }));
    render(<Harness max={3} />);
    pickH5([jpg('a.jpg'), jpg('b.jpg')]);
    fireEvent.click(screen.getByText('添加图片'));
    await waitFor(() => expect(state.fileIds).toHaveLength(2));
    expect((Taro.chooseImage as jest.Mock).mock.calls[0][0]).toEqual(expect.objectContaining({ count: 3 }));
    // The browser's file input lets people pick more than asked: the extra is left out, in words.
    pickH5([jpg('c.jpg'), jpg('d.jpg')]);
    fireEvent.click(screen.getByText('添加图片'));
    expect(await screen.findByText('最多上传 3 张，「d.jpg」未添加')).toBeTruthy();
    expect((Taro.chooseImage as jest.Mock).mock.calls[1][0]).toEqual(expect.objectContaining({ count: 1 }));
    await waitFor(() => expect(state.fileIds).toHaveLength(3));
    expect(screen.queryByText('添加图片')).toBeNull(); // full: no add tile
  });
});

describe('uploading', () => {
  it('sends the file with the session headers, shows progress per file, and gives the ids in pick order', async () => {
    const uploads = fakeUploads();
    const { container } = render(<Harness />);
    pickH5([jpg('a.jpg'), jpg('b.png')]);
    fireEvent.click(screen.getByText('添加图片'));
    await waitFor(() => expect(uploads).toHaveLength(2));
    const [a, b] = uploads;
    expect(a!.options.url).toBe('/api/v1/files?purpose=CONSULT_IMAGE');
    expect(a!.options.name).toBe('file');
    expect(a!.options.formData).toEqual({ purpose: 'CONSULT_IMAGE' });
    expect(a!.options.fileName).toBe('a.jpg'); // H5: the part keeps its name
    expect(a!.options.header.Authorization).toBe(`Bearer ${getToken()}`);
    expect(a!.options.header['x-client-platform']).toBe('h5');
    expect(a!.options.header['x-request-id']).toMatch(/^c-/);
    expect(a!.options.header['Content-Type']).toBeUndefined(); // multipart boundary is the platform's

    act(() => a!.progress(45));
    act(() => b!.progress(10));
    expect(container.querySelector('.upload__item[data-index="0"] .upload__status')!.textContent).toBe('上传中 45%');
    expect(container.querySelector('.upload__item[data-index="0"] [role="progressbar"]')!.getAttribute('aria-valuenow')).toBe('45');
    expect(container.querySelector('.upload__item[data-index="1"] .upload__status')!.textContent).toBe('上传中 10%');
    expect(screen.getByText('busy')).toBeTruthy();

    // b finishes first; the ids still follow the pick order.
    await act(async () => b!.answer(201, uploaded(2)));
    await act(async () => a!.answer(201, uploaded(1)));
    expect(container.querySelectorAll('.upload__item--done')).toHaveLength(2);
    expect(container.querySelector('.ids')!.textContent).toBe(`${fileId(1)},${fileId(2)}`);
    expect(screen.getByText('idle')).toBeTruthy();
  });

  it('a refusal by the BFF shows its reason without 重试; a network failure offers 重试, which uploads again', async () => {
    const uploads = fakeUploads();
    const { container } = render(<Harness />);
    pickH5([jpg('fake.jpg'), jpg('ok.jpg')]);
    fireEvent.click(screen.getByText('添加图片'));
    await waitFor(() => expect(uploads).toHaveLength(2));
    await act(async () => uploads[0]!.answer(415, { code: 'FILE_TYPE_MISMATCH', message: 'x', requestId: 'r-415' }));
    await act(async () => uploads[1]!.fail('uploadFile:fail timeout'));

    const refused = container.querySelector('.upload__item[data-index="0"]')!;
    expect(refused.className).toContain('upload__item--failed');
    expect(refused.querySelector('.upload__error--FILE_TYPE_MISMATCH')!.textContent).toBe('文件内容与文件类型不符，请重新选择原始图片或文件后上传');
    expect(refused.querySelector('.upload__retry')).toBeNull();

    const timedOut = container.querySelector('.upload__item[data-index="1"]')!;
    expect(timedOut.querySelector('.upload__error--TIMEOUT')!.textContent).toBe('请求超时，请检查网络后重试');
    expect(state.failedCount).toBe(2);
    fireEvent.click(timedOut.querySelector('.upload__retry')!);
    await waitFor(() => expect(uploads).toHaveLength(3));
    await act(async () => uploads[2]!.answer(201, uploaded(7)));
    expect(state.fileIds).toEqual([fileId(7)]);
    expect(Taro.showToast).not.toHaveBeenCalled(); // errors are on the files, not toasts

    fireEvent.click(refused.querySelector('.upload__remove')!);
    expect(state.items).toHaveLength(1);
    expect(state.failedCount).toBe(0);
  });

  it('removing a file while it uploads aborts the transfer', async () => {
    const uploads = fakeUploads();
    const { container } = render(<Harness />);
    pickH5([jpg('a.jpg')]);
    fireEvent.click(screen.getByText('添加图片'));
    await waitFor(() => expect(uploads).toHaveLength(1));
    fireEvent.click(container.querySelector('.upload__remove')!);
    expect(uploads[0]!.aborted).toBe(true);
    await act(async () => undefined);
    expect(container.querySelectorAll('.upload__item')).toHaveLength(0);
    expect(state.busy).toBe(false);
  });

  it('an expired session is refreshed once and the upload sent again with the new token', async () => {
    const fresh = tokens();
    const bff = fakeBff({ 'POST /api/v1/auth/refresh': () => ({ status: 200, body: { tokens: fresh } }) });
    const old = getToken();
    const uploads = fakeUploads((u) =>
      u.options.header.Authorization === `Bearer ${old}`
        ? { status: 401, body: { code: 'SESSION_EXPIRED', message: 'x', requestId: 'r' } }
        : { status: 201, body: uploaded(3) },
    );
    render(<Harness />);
    pickH5([jpg('a.jpg')]);
    fireEvent.click(screen.getByText('添加图片'));
    await waitFor(() => expect(state.fileIds).toEqual([fileId(3)]));
    expect(bff.of('POST', '/api/v1/auth/refresh')).toHaveLength(1);
    expect(uploads.map((u) => u.options.header.Authorization)).toEqual([`Bearer ${old}`, `Bearer ${fresh.accessToken}`]);
  });

  it('an answer that is not the contract is a failure, not a file id', async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    fakeUploads(() => ({ status: 200, body: '<html>proxy</html>' }));
    render(<Harness />);
    pickH5([jpg('a.jpg')]);
    fireEvent.click(screen.getByText('添加图片'));
    expect(await screen.findByText('服务返回的数据异常，请稍后重试')).toBeTruthy();
    expect(state.fileIds).toEqual([]);
    jest.restoreAllMocks();
  });
});

describe('per-target media modules', () => {
  it('WeChat picks with chooseMedia (images, compressed) and reads the type from the file name; cancel is not an error', async () => {
    (Taro.chooseMedia as jest.Mock).mockResolvedValueOnce({ tempFiles: [{ tempFilePath: 'wxfile://tmp_abc.png', size: 5000, fileType: 'image' }], type: 'image' });
    await expect(weappMedia.chooseImages(4)).resolves.toEqual({ kind: 'picked', files: [{ path: 'wxfile://tmp_abc.png', size: 5000, mimeType: 'image/png', name: 'tmp_abc.png' }] });
    expect(Taro.chooseMedia).toHaveBeenCalledWith(expect.objectContaining({ count: 4, mediaType: ['image'], sizeType: ['compressed'] }));
    (Taro.chooseMedia as jest.Mock).mockRejectedValueOnce({ errMsg: 'chooseMedia:fail cancel' });
    await expect(weappMedia.chooseImages(1)).resolves.toEqual({ kind: 'cancelled' });
    expect(weappMedia.uploadExtras({ path: 'x', size: 1, mimeType: null, name: 'x.jpg' })).toEqual({});
  });

  it('Alipay: apFilePaths, the size from getFileInfo when missing, error 11 is a cancel, uploads say fileType image', async () => {
    (Taro.chooseImage as jest.Mock).mockResolvedValueOnce({ tempFilePaths: ['https://resource/apml1.jpg'], apFilePaths: ['https://resource/apml1.jpg'] });
    (Taro.getFileInfo as jest.Mock).mockResolvedValueOnce({ size: 777 });
    await expect(alipayMedia.chooseImages(2)).resolves.toEqual({ kind: 'picked', files: [{ path: 'https://resource/apml1.jpg', size: 777, mimeType: 'image/jpeg', name: 'apml1.jpg' }] });
    (Taro.chooseImage as jest.Mock).mockRejectedValueOnce({ error: 11, errorMessage: '用户取消操作' });
    await expect(alipayMedia.chooseImages(2)).resolves.toEqual({ kind: 'cancelled' });
    expect(alipayMedia.uploadExtras({ path: 'x', size: 1, mimeType: null, name: 'x.jpg' })).toEqual({ fileType: 'image' });
  });
});
