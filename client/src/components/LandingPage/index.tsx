import type { RoadmapKey } from '../../content/roadmap';
import { View } from '@tarojs/components';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import { ComingSoon } from '../ComingSoon';
import { Button } from '../nut';

/** A whole page for a feature that is not live yet: the explanation and a way back. */
export function LandingPage({ feature }: { feature: RoadmapKey }) {
  return (
    <View className={`page landing landing--${feature}`}>
      <ComingSoon feature={feature}>
        <Button className='landing__home' type='primary' block onClick={() => void openPage(URLS.home)}>
          返回首页
        </Button>
      </ComingSoon>
    </View>
  );
}

export default LandingPage;
