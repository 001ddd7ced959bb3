export default definePageConfig({ navigationBarTitleText: '医保授权结果' });
