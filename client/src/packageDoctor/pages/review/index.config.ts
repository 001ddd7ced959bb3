export default definePageConfig({ navigationBarTitleText: '处方审核' });
