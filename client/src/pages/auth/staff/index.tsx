import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { StaffLoginRequestSchema, fieldErrors } from '@ih/contract';
import { Button } from '../../../components/nut';
import { FormError, FormField, TextInput } from '../../../components/Form';
import { URLS } from '../../../routes';
import { staffLogin } from '../../../services/auth';
import { isApiError } from '../../../services/request';
import './index.scss';

/**
 * 医护人员登录: doctors and pharmacists with their hospital account. Field problems show on the
 * field (checked by the contract before sending, and by the BFF); a wrong account or password is
 * one message (the BFF never says which), a locked account says to wait or call the IT desk.
 */
export default function StaffLogin() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<{ code: string; message: string } | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function submit() {
    if (submitting) return;
    const form = { username, password };
    const problems = fieldErrors(StaffLoginRequestSchema, form);
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length) return;
    setSubmitting(true);
    try {
      await staffLogin(form, { silent: true });
      setPassword('');
      void Taro.showToast({ title: '登录成功', icon: 'success' });
      // Staff come to work: straight to the workspace (queues), in place of the sign-in page, so
      // 返回 does not lead back to it. 我的 keeps an entry to the workspace too.
      await Taro.redirectTo({ url: URLS.doctorWorkspace });
    } catch (e) {
      if (isApiError(e) && e.code === 'VALIDATION_FAILED' && e.fields.length) {
        setErrors(Object.fromEntries(e.fields.map((f) => [f.path, f.message])));
      } else {
        setFormError({ code: isApiError(e) ? e.code : 'INTERNAL', message: isApiError(e) ? e.message : '登录失败，请稍后重试' });
        setPassword('');
      }
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <View className='page staff-login'>
      <View className='staff-login__head'>
        <Text className='staff-login__title'>医护人员登录</Text>
        <Text className='staff-login__lead'>供本院医生、药师使用医院分配的账号登录。患者请返回使用快捷登录。</Text>
      </View>
      <FormField name='username' label='账号' error={errors.username}>
        <TextInput name='username' value={username} onChange={setUsername} placeholder='请输入医院分配的账号' maxlength={64} />
      </FormField>
      <FormField name='password' label='密码' error={errors.password}>
        <TextInput name='password' value={password} onChange={setPassword} placeholder='请输入密码' password maxlength={128} />
      </FormField>
      <FormError code={formError?.code} message={formError?.message} />
      <View className='staff-login__actions'>
        <Button className='staff-login__submit' type='primary' block loading={submitting} disabled={submitting} onClick={() => void submit()}>
          {submitting ? '正在登录…' : '登录'}
        </Button>
        <Text className='staff-login__note'>连续输错密码多次，账号将被暂时锁定。忘记密码请联系医院信息科。</Text>
      </View>
    </View>
  );
}
