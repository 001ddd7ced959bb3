import Taro from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import { typeNames, acceptedTypes, maxBytesOf, type UploadRules } from './checks';
import type { UploadItem, Uploads } from './useUploads';
import { formatBytes } from '@ih/contract';
import './index.scss';

export { useUploads } from './useUploads';
export type { UploadItem, UploadStatus, Uploads, UseUploadsOptions } from './useUploads';
export { rejectReason, typeNames } from './checks';
export { uploadFile, UPLOAD_FIELD, UPLOAD_TIMEOUT_MS } from './upload';

export interface UploadProps {
  uploads: Uploads;
  /** The same rules given to useUploads (shown in the hint). */
  rules: UploadRules;
  max: number;
  /** Words for the add tile, e.g. 添加图片. */
  addLabel?: string;
  disabled?: boolean;
  className?: string;
}

function statusText(it: UploadItem): string {
  switch (it.status) {
    case 'queued':
      return '等待上传';
    case 'uploading':
      return `上传中 ${it.progress}%`;
    case 'done':
      return '已上传';
    case 'failed':
      return '上传失败';
  }
}

function previewLocal(items: UploadItem[], current: UploadItem): void {
  const urls = items.map((it) => it.file.path);
  void Promise.resolve(Taro.previewImage({ urls, current: current.file.path })).catch(() => undefined);
}

/**
 * A grid of picked images with per-file state in words (等待上传 / 上传中 45% / 已上传 / 上传失败
 * with the reason), a progress bar, 重试 where trying again can help, 删除, and the add tile with
 * the count. State comes from useUploads (so pages read the file ids and whether it is busy).
 */
export function Upload({ uploads, rules, max, addLabel = '添加图片', disabled, className }: UploadProps) {
  const { items, notices, remaining } = uploads;
  // The pickers (platform/media) choose images only: name only the image types here.
  const pickable = acceptedTypes(rules).filter((t) => t.startsWith('image/'));
  const hint = `支持 ${typeNames(pickable)} 图片，单个不超过 ${formatBytes(maxBytesOf(rules))}，最多 ${max} 张`;
  return (
    <View className={`upload${className ? ` ${className}` : ''}`}>
      <View className='upload__grid'>
        {items.map((it, i) => (
          <View key={it.key} className={`upload__item upload__item--${it.status}`} data-index={i}>
            <Image className='upload__thumb' src={it.file.path} mode='aspectFill' onClick={() => previewLocal(items, it)} />
            <View className='upload__state' aria-live='polite'>
              <Text className='upload__status'>{statusText(it)}</Text>
              {it.status === 'uploading' ? (
                <View className='upload__bar' role='progressbar' aria-valuenow={it.progress} aria-valuemin={0} aria-valuemax={100}>
                  <View className='upload__bar-fill' style={{ width: `${it.progress}%` }} />
                </View>
              ) : null}
            </View>
            {it.status === 'failed' && it.error ? <Text className={`upload__error upload__error--${it.error.code}`}>{it.error.message}</Text> : null}
            <View className='upload__actions'>
              {it.status === 'failed' && it.error?.retryable ? (
                <View className='upload__retry' role='button' onClick={() => uploads.retry(it.key)}>
                  <Text>重试</Text>
                </View>
              ) : null}
              <View className='upload__remove' role='button' aria-label={`删除第 ${i + 1} 张`} onClick={() => uploads.remove(it.key)}>
                <Text>删除</Text>
              </View>
            </View>
          </View>
        ))}
        {remaining > 0 && !disabled ? (
          <View className='upload__add' role='button' hoverClass='upload__add--pressed' onClick={() => void uploads.choose()}>
            <Text className='upload__add-plus'>＋</Text>
            <Text className='upload__add-label'>{addLabel}</Text>
            <Text className='upload__add-count'>
              {items.length}/{max}
            </Text>
          </View>
        ) : null}
      </View>
      <Text className='upload__hint'>{hint}</Text>
      {notices.length ? (
        <View className='upload__notices' aria-live='assertive'>
          {notices.map((n) => (
            <Text key={n} className='upload__notice'>
              {n}
            </Text>
          ))}
        </View>
      ) : null}
    </View>
  );
}

export default Upload;
