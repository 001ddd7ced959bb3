import { ROADMAP } from '../../../content/roadmap';

export default definePageConfig({ navigationBarTitleText: ROADMAP.selfService.title });
