export default definePageConfig({ navigationBarTitleText: '复诊资格核对' });
