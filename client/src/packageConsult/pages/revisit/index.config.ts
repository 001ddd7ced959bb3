export default definePageConfig({ navigationBarTitleText: '在线复诊 · 选择医院' });
