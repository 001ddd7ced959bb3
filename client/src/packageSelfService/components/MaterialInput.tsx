import { useEffect, useRef } from 'react';
import { Text, View } from '@tarojs/components';
import type { MaterialSpec, UploadedFile } from '@ih/contract';
import { Choice } from '../../components/Form';
import { Upload, useUploads } from '../../components/Upload';
import './selfService.scss';

/** What one material currently is on the form. */
export interface MaterialState {
  promise: boolean;
  files: UploadedFile[];
  /** Uploads still running (the form waits for them). */
  busy: boolean;
  /** Uploads that failed and were not removed. */
  failed: number;
}

export const EMPTY_MATERIAL: MaterialState = { promise: false, files: [], busy: false, failed: 0 };

/** The promise's words when the catalog gives none of its own. */
export const PROMISE_TEXT =
  '本人承诺：所述情况真实、所填信息准确；以个人承诺代替上述材料，如有不实，愿意承担由此产生的一切法律责任，并配合经办机构核查、退回已享受的待遇。';

export interface MaterialInputProps {
  spec: MaterialSpec;
  value: MaterialState;
  onChange: (state: MaterialState) => void;
  error?: string;
  /** Shown above the upload (e.g. what the agency asked to correct). */
  request?: string;
}

/**
 * One material: the shared Upload (pick, check, upload with progress) and, where the catalog
 * allows it, the personal promise (个人承诺书) instead of the material.
 */
export function MaterialInput({ spec, value, onChange, error, request }: MaterialInputProps) {
  const uploads = useUploads({ purpose: 'MATERIAL', max: spec.maxFiles });
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const valueRef = useRef(value);
  valueRef.current = value;
  const ids = uploads.fileIds.join(',');
  useEffect(() => {
    const v = valueRef.current;
    if (v.busy === uploads.busy && v.failed === uploads.failedCount && v.files.map((f) => f.id).join(',') === ids) return;
    onChangeRef.current({ ...v, files: uploads.uploaded, busy: uploads.busy, failed: uploads.failedCount });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ids, uploads.busy, uploads.failedCount]);

  return (
    <View className={`ss-material ss-material--${spec.code}${error ? ' ss-material--invalid' : ''}`}>
      <View className='ss-material__head'>
        <Text className='ss-material__name'>{spec.name}</Text>
        <Text className={`ss-tag ${spec.required ? 'ss-tag--warn' : 'ss-tag--muted'}`}>{spec.required ? '必需' : '按情况提供'}</Text>
      </View>
      {spec.description ? <Text className='ss-list__sub'>{spec.description}</Text> : null}
      {request ? <Text className='ss-form__warning ss-material__request'>需补正：{request}</Text> : null}
      {spec.promiseAllowed ? (
        <View className='ss-material__body'>
          <Choice
            name={`promise-${spec.code}`}
            options={[
              { value: 'upload', label: '上传材料' },
              { value: 'promise', label: '签署个人承诺书代替' },
            ]}
            value={value.promise ? 'promise' : 'upload'}
            onChange={(v) => onChange({ ...value, promise: v === 'promise' })}
          />
        </View>
      ) : null}
      {value.promise ? (
        <View className='ss-material__promise'>
          <Text className='ss-material__promise-text'>{spec.promiseText ?? PROMISE_TEXT}</Text>
        </View>
      ) : (
        <View className='ss-material__body'>
          <Upload uploads={uploads} rules={{ purpose: 'MATERIAL' }} max={spec.maxFiles} addLabel='拍照或选图' />
        </View>
      )}
      {error ? (
        <View className='ss-material__error' role='alert'>
          <Text>{error}</Text>
        </View>
      ) : null}
    </View>
  );
}
