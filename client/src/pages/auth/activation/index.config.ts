export default definePageConfig({ navigationBarTitleText: '激活医保电子凭证' });
