export default definePageConfig({ navigationBarTitleText: '我的异地备案' });
