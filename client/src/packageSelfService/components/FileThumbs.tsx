import Taro from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import type { FileRef } from '@ih/contract';
import { buildUrl } from '../../services/request';
import './selfService.scss';

/** A stored file's short-lived signed URL, absolute (mini-programs need the BFF's origin). */
export function fileUrl(file: Pick<FileRef, 'url'>): string {
  return buildUrl(file.url);
}

/** Thumbnails of uploaded materials (images preview full screen; PDFs are named). */
export function FileThumbs({ files }: { files: readonly FileRef[] }) {
  const images = files.filter((f) => f.mime.startsWith('image/'));
  const urls = images.map(fileUrl);
  return (
    <View className='ss-thumbs'>
      {files.map((f) =>
        f.mime.startsWith('image/') ? (
          <Image
            key={f.id}
            className='ss-thumbs__image'
            src={fileUrl(f)}
            mode='aspectFill'
            onClick={() => void Promise.resolve(Taro.previewImage({ urls, current: fileUrl(f) })).catch(() => undefined)}
          />
        ) : (
          <Text key={f.id} className='ss-thumbs__file'>
            PDF 文件
          </Text>
        ),
      )}
    </View>
  );
}
