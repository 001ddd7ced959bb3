export default definePageConfig({ navigationBarTitleText: '按疾病找医生' });
